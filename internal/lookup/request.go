package lookup

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/arbsync/arbsync/internal/uscc"
)

// maxNameRunes bounds the ?name= of a company the lookup adds.
const maxNameRunes = 200

// industryShape is a GB/T 4754-2017 section (A-T) or division (two digits);
// the database checks the code exists.
var industryShape = regexp.MustCompile(`^(?:[A-T]|[0-9]{2})$`)

// request is a validated lookup request.
type request struct {
	code string
	// checkProblem is set when the code's only fault is its check
	// character: it is served only if the watchlist accepted it with
	// checksum_override.
	checkProblem string
	refresh      bool
	industry     string // for a company not yet on the watchlist
	name         string // likewise; "" means unknown
}

// flightKey identifies requests that may share one load.
func (r *request) flightKey() string {
	return r.code + "\x00" + strconv.FormatBool(r.refresh) + "\x00" + r.industry + "\x00" + r.name
}

// authorize checks the bearer token in constant time (over SHA-256 digests,
// so the token's length does not leak either).
func authorize(r *http.Request, want [sha256.Size]byte) *apiError {
	const challenge = `Bearer realm="arbsync"`
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return &apiError{status: http.StatusUnauthorized, code: "unauthorized", challenge: challenge,
			message: "this endpoint needs an Authorization: Bearer <token> header"}
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return &apiError{status: http.StatusUnauthorized, code: "unauthorized",
			challenge: challenge + `, error="invalid_token"`, message: "the bearer token is not valid"}
	}
	return nil
}

// parseRequest validates the credit code and the query parameters.
func parseRequest(r *http.Request) (*request, *apiError) {
	raw := r.PathValue("creditCode")
	code := uscc.Normalize(raw)
	req := &request{code: code}
	if problem := uscc.Problem(code); problem != "" {
		if !uscc.FormatValid(code) {
			return nil, badRequest("invalid_credit_code",
				fmt.Sprintf("credit code %s is malformed: %s", quoteShort(code), problem))
		}
		req.checkProblem = problem
	}
	q := r.URL.Query()
	if err := parseQuery(q, req); err != nil {
		return nil, err
	}
	return req, nil
}

func parseQuery(q url.Values, req *request) *apiError {
	if v := q.Get("refresh"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return badRequest("invalid_parameter", fmt.Sprintf("parameter refresh must be true or false, got %s", quoteShort(v)))
		}
		req.refresh = b
	}
	if v := q.Get("industry"); v != "" {
		req.industry = strings.ToUpper(strings.TrimSpace(v))
		if !industryShape.MatchString(req.industry) {
			return badRequest("invalid_industry", fmt.Sprintf(
				"parameter industry %s is not a GB/T 4754-2017 section (A-T) or division (01-97)", quoteShort(v)))
		}
	}
	if v := q.Get("name"); v != "" {
		req.name = strings.TrimSpace(v)
		switch {
		case !utf8.ValidString(req.name) || strings.ContainsFunc(req.name, unicode.IsControl):
			return badRequest("invalid_parameter", "parameter name must be printable UTF-8 text")
		case utf8.RuneCountInString(req.name) > maxNameRunes:
			return badRequest("invalid_parameter", fmt.Sprintf("parameter name is longer than %d characters", maxNameRunes))
		}
	}
	return nil
}

// checkCharError is the answer for a code whose check character is wrong
// (and that the watchlist does not accept with checksum_override).
func checkCharError(req *request) *apiError {
	return badRequest("invalid_check_character", fmt.Sprintf(
		"credit code %s has a wrong check character: %s; check the code for typos", quoteShort(req.code), req.checkProblem))
}

// quoteShort quotes user input for a message, cut to a readable length.
func quoteShort(s string) string { return strconv.Quote(shorten(s)) }

// shorten cuts user input to a length fit for messages and logs.
func shorten(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		return string([]rune(s)[:max]) + "…"
	}
	return s
}
