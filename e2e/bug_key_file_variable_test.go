package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
)

// BUG (fixed in ce6015e; kept as a regression test): an unusable private key
// file stops start-up without naming ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE.
//
// cli.newUpstream (cli/upstream.go, since gone: config.Load now reads the
// key and names the variable) returned upstream.LoadPrivateKey's error as is, e.g. "arbsync run: private key: stat /etc/arbsync/key.pem: no such
// file or directory", "arbsync run: private key /…/key.pem: no PEM block
// found; …" or "…is accessible by group or others (mode 0640); run: chmod
// 600 …". Every other bad value names its variable (ARCHITECTURE.md “Operating it”: "a bad value
// stops start-up with a message that names the variable"); an operator
// reading these has to guess which setting points at the file. Wrapping the
// error with the variable name (as config does for *_FILE secrets) fixes it.
func TestBugKeyFileErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	dir := t.TempDir()
	priv, _, err := upstream.GenerateKeyPair(dir, "cfg")
	require.NoError(t, err)
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a key"), 0o600))
	open := filepath.Join(dir, "open.pem")
	b, err := os.ReadFile(priv)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(open, b, 0o600))
	require.NoError(t, os.Chmod(open, 0o640))
	base := []string{"DATABASE_URL=" + d.DSN, "ARBSYNC_UPSTREAM_URL=http://127.0.0.1:9", "ARBSYNC_UPSTREAM_APP_ID=cfg",
		"ARBSYNC_HTTP_ADDR=off", "ARBSYNC_REPORT_DIR=" + dir}
	var bad []string
	for name, file := range map[string]string{"absent": filepath.Join(dir, "nope.pem"), "not PEM": garbage, "group-readable": open} {
		r := runBriefly(t, append(base, "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE="+file), 20*time.Second, "run")
		require.Equal(t, 1, r.code, "%s: %s", name, r.stderr)
		if !strings.Contains(r.stderr, "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE") {
			bad = append(bad, name+": "+strings.TrimSpace(r.stderr))
		}
	}
	require.Empty(t, bad, "key file errors that do not name ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE")
}
