package lookup

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/arbsync/arbsync/internal/httpapi"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/sync"
)

// defaultRetryAfter is the Retry-After of a 503 when the sync state names no
// retry time.
const defaultRetryAfter = 30 * time.Second

// maxRetryAfter caps Retry-After (a quota error backs off for an hour).
const maxRetryAfter = time.Hour

// apiError is a failed lookup as the client sees it: a status and the stable
// JSON error body, plus the headers some statuses need.
type apiError struct {
	status     int
	code       string
	message    string
	retryAfter time.Duration // Retry-After header when > 0
	challenge  string        // WWW-Authenticate header when set
	allow      string        // Allow header when set
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// write sends the error response.
func (e *apiError) write(w http.ResponseWriter) {
	h := w.Header()
	if e.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(e.retryAfter.Seconds()))))
	}
	if e.challenge != "" {
		h.Set("WWW-Authenticate", e.challenge)
	}
	if e.allow != "" {
		h.Set("Allow", e.allow)
	}
	httpapi.WriteError(w, e.status, e.code, e.message)
}

func badRequest(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
}

func errInternal() *apiError {
	return &apiError{status: http.StatusInternalServerError, code: "internal", message: "internal error; the details are in the server log"}
}

func errTimeout() *apiError {
	return &apiError{status: http.StatusGatewayTimeout, code: "timeout", message: "the lookup did not finish in time; try again"}
}

// upstreamError maps the error kind a failed sync recorded in
// sync_state.last_error_code (casesync.ErrorKind) to the client's answer.
// retryIn is how long the company's sync backoff still runs. Messages name
// the kind of failure only: never a vendor message, key or signature.
func upstreamError(kind, code string, retryIn time.Duration) *apiError {
	retry := retryIn
	if retry < time.Second {
		retry = defaultRetryAfter
	}
	retry = min(retry, maxRetryAfter)
	switch upstream.Kind(kind) {
	case upstream.KindNotFound:
		return &apiError{status: http.StatusNotFound, code: "not_found",
			message: "the data vendor has no record of credit code " + code}
	case upstream.KindBusy:
		return &apiError{status: http.StatusServiceUnavailable, code: "upstream_busy", retryAfter: retry,
			message: "the data vendor is busy or unreachable; try again after Retry-After seconds"}
	case upstream.KindQuota:
		return &apiError{status: http.StatusServiceUnavailable, code: "upstream_quota", retryAfter: retry,
			message: "the data vendor's query quota is exhausted; try again after Retry-After seconds"}
	case upstream.KindAuth:
		return &apiError{status: http.StatusBadGateway, code: "upstream_auth",
			message: "the data vendor rejected arbsync's credentials; an operator must check the upstream configuration"}
	case upstream.KindPermission:
		return &apiError{status: http.StatusBadGateway, code: "upstream_permission",
			message: "the data vendor denied arbsync access to the product; an operator must check the vendor account"}
	case upstream.KindBadResponse:
		return &apiError{status: http.StatusBadGateway, code: "upstream_bad_response",
			message: "the data vendor's answer could not be used; the details are in the server log"}
	case "cancelled":
		return &apiError{status: http.StatusServiceUnavailable, code: "upstream_timeout", retryAfter: retry,
			message: "the live fetch did not finish in time; try again after Retry-After seconds"}
	case "store":
		return errInternal()
	default:
		return &apiError{status: http.StatusBadGateway, code: "upstream_error",
			message: "the live fetch failed; the details are in the server log"}
	}
}

// failedStatus reports whether a sync status records a failed last attempt.
func failedStatus(status string) bool {
	switch status {
	case casesync.StatusNotFound, casesync.StatusForbidden, casesync.StatusFailing:
		return true
	}
	return false
}
