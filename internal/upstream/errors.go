package upstream

import (
	"fmt"
	"strings"
	"time"
)

// Kind is the class of an upstream failure. Callers decide what to do from
// the kind alone (ARCHITECTURE.md “The vendor”, “Sync”); the business code and HTTP status are kept
// for logs and the sync_state row.
type Kind string

// The error taxonomy shared by both wire protocols.
const (
	// KindAuth: the vendor rejected our credentials (4001, 1002, 1005, 1006,
	// HTTP 401). For 4001 the client logs the clock skew seen in the
	// vendor's Date header. Not retried.
	KindAuth Kind = "auth"
	// KindPermission: the account may not use this product or from this
	// address (4003, 1004, 1008, HTTP 403). Not retried.
	KindPermission Kind = "permission"
	// KindQuota: the prepaid balance is exhausted (1007). Not retried.
	KindQuota Kind = "quota"
	// KindBusy: the vendor is overloaded or unreachable (5001, 1001, 2001,
	// HTTP 429 and every 5xx, timeouts, connection errors, data changing
	// during pagination). Retried with backoff inside the retry budget.
	KindBusy Kind = "busy"
	// KindNotFound: the vendor does not know the company (6002, 1000).
	KindNotFound Kind = "not_found"
	// KindBadResponse: the response cannot be used: undecodable,
	// truncated, oversized, failing validation, an unknown business code,
	// or a request the vendor called malformed (1003, other HTTP 4xx).
	// Not retried: repeating the same exchange gives the same answer.
	KindBadResponse Kind = "bad_response"
)

// Kinds lists every Kind, in a stable order (for metrics initialisation).
func Kinds() []Kind {
	return []Kind{KindAuth, KindPermission, KindQuota, KindBusy, KindNotFound, KindBadResponse}
}

// Retriable reports whether a request that failed with this kind may
// succeed when repeated unchanged.
func (k Kind) Retriable() bool { return k == KindBusy }

// Error is a failed upstream exchange. Use errors.As to get it from an
// error returned by Fetch:
//
//	var ue *upstream.Error
//	if errors.As(err, &ue) && ue.Kind == upstream.KindNotFound { … }
//
// Error never carries credentials: neither the key, the signature nor the
// request body appear in it.
type Error struct {
	// Kind classifies the failure.
	Kind Kind
	// Code is the vendor's business code (4001, 1002, …), 0 when the
	// response carried none.
	Code int
	// HTTPStatus is the response's HTTP status, 0 when no response arrived.
	HTTPStatus int
	// Message is the vendor's message, or a description of what was wrong
	// with the response ("case 123: field role: unknown value \"boss\"").
	Message string
	// RequestID is the vendor's requestId / transaction_id, when known.
	RequestID string
	// ClockSkew is the vendor's Date header minus the local clock, set on
	// auth errors when the response had a Date header.
	ClockSkew *time.Duration
	// Err is the underlying cause (a network or decoding error), if any.
	Err error

	retryAfter time.Duration // from a Retry-After header on busy answers
}

// Error formats the failure for logs, e.g.
// "upstream busy: code 5001 (系统繁忙), http 200, request 7f3a".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("upstream ")
	b.WriteString(strings.ReplaceAll(string(e.Kind), "_", " "))
	sep := ": "
	if e.Code != 0 {
		fmt.Fprintf(&b, "%scode %d", sep, e.Code)
		sep = ", "
	}
	if e.Message != "" {
		if e.Code != 0 {
			fmt.Fprintf(&b, " (%s)", e.Message)
		} else {
			b.WriteString(sep + e.Message)
			sep = ", "
		}
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "%shttp %d", sep, e.HTTPStatus)
		sep = ", "
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, "%srequest %s", sep, e.RequestID)
		sep = ", "
	}
	if e.ClockSkew != nil {
		fmt.Fprintf(&b, "%sclock skew %s", sep, e.ClockSkew.Round(time.Second))
		sep = ", "
	}
	if e.Err != nil {
		b.WriteString(sep + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Retriable reports whether repeating the request may succeed.
func (e *Error) Retriable() bool { return e.Kind.Retriable() }

// badResponse builds a KindBadResponse error.
func badResponse(format string, args ...any) *Error {
	return &Error{Kind: KindBadResponse, Message: fmt.Sprintf(format, args...)}
}
