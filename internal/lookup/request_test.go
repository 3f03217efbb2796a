package lookup_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/uscc"
)

func TestLookupNeedsTheBearerToken(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	code := b.knownCode(t, 100)
	b.watch(t, code)
	b.syncNow(t, code)
	calls := b.sim.Requests(code)

	for name, auth := range map[string]string{
		"missing":      "",
		"wrong token":  "Bearer wrong-token-123",
		"empty token":  "Bearer ",
		"other scheme": "Basic " + testToken,
		"token alone":  testToken,
	} {
		r := b.do(t, http.MethodGet, code, "", auth)
		r.error(t, http.StatusUnauthorized, "unauthorized")
		require.True(t, strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer"), name)
	}
	require.Equal(t, calls, b.sim.Requests(code), "unauthorized lookups reach nothing")
	require.NotContains(t, b.logs.String(), testToken, "the token is never logged")
	require.NotContains(t, b.logs.String(), "wrong-token-123")

	// The scheme is case-insensitive.
	b.do(t, http.MethodGet, code, "", "bearer "+testToken).response(t)
}

func TestLookupOnlyAllowsGET(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{noEngine: true})
	code := uscc.Generate(1, 42)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead} {
		r := b.do(t, m, code, "", "Bearer "+testToken)
		require.Equal(t, http.StatusMethodNotAllowed, r.status, m)
		require.Equal(t, http.MethodGet, r.header.Get("Allow"))
	}
	b.do(t, http.MethodPost, code, "", "Bearer "+testToken).error(t, http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestLookupRejectsMalformedCodesSayingWhy(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	good := uscc.Generate(3, 777)
	wrongCheck := good[:17] + otherCheckChar(good[17])

	for _, tc := range []struct {
		code, errCode, says string
	}{
		{"91110000", "invalid_credit_code", "must be 18 characters, got 8"},
		{"91110000MA01ABCDEI", "invalid_credit_code", `character 'I' at position 18 is not allowed`},
		{good + "0", "invalid_credit_code", "must be 18 characters, got 19"},
		{wrongCheck, "invalid_check_character", "check character"},
	} {
		msg := b.get(t, tc.code, "").error(t, http.StatusBadRequest, tc.errCode)
		require.Contains(t, msg, tc.says, tc.code)
	}
	require.Zero(t, b.sim.Stats().Requests, "nothing reached the vendor")
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.watchlist`))

	// Bad parameters are named.
	msg := b.get(t, good, "refresh=maybe").error(t, http.StatusBadRequest, "invalid_parameter")
	require.Contains(t, msg, "refresh")
	msg = b.get(t, good, "industry=ZZ").error(t, http.StatusBadRequest, "invalid_industry")
	require.Contains(t, msg, "industry")
}

// otherCheckChar returns a valid alphabet character other than c.
func otherCheckChar(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}
