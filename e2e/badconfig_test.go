package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
)

// runBriefly runs the binary with env and gives it d to exit; a process
// still running then is killed and reported with code -1.
func runBriefly(t *testing.T, env []string, d time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.code = -1
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run arbsync %v: %v", args, err)
	}
	return r
}

// Every invalid configuration value stops `arbsync run` at start with exit
// code 1 and a message on stderr that names the variable at fault, through the real binary; a secret's value never appears in it. (An
// unreadable private key file is in bug_key_file_variable_test.go.)
func TestBadConfigurationMatrix(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	dir := t.TempDir()
	priv, _, err := upstream.GenerateKeyPair(dir, "cfg")
	require.NoError(t, err)
	emptyFile := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(emptyFile, nil, 0o600))
	tokenFile := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("cfg-token-from-file-7c1d"), 0o600))
	const secretKey = "00112233445566778899aabbccddeeff"

	base := []string{
		"DATABASE_URL=" + d.DSN,
		"ARBSYNC_UPSTREAM_URL=http://127.0.0.1:9",
		"ARBSYNC_UPSTREAM_APP_ID=cfg",
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + priv,
		"ARBSYNC_HTTP_ADDR=off",
		"ARBSYNC_SYNC_SCHEDULE=@every 1h",
		"ARBSYNC_REPORT_DIR=" + dir,
	}
	tianyuan := []string{"ARBSYNC_UPSTREAM_PROTOCOL=tianyuan", "ARBSYNC_UPSTREAM_ACCESS_ID=cfg", "ARBSYNC_UPSTREAM_ACCESS_KEY=" + secretKey}
	cases := []struct {
		name     string
		set      []string
		unset    []string
		variable string // must appear in stderr
		secret   string // must not appear in stderr
	}{
		{name: "database url malformed", set: []string{"DATABASE_URL=postgres://u:hunter2-db@127.0.0.1:notaport/db"}, variable: "DATABASE_URL", secret: "hunter2-db"},
		{name: "database url missing", unset: []string{"DATABASE_URL"}, variable: "DATABASE_URL"},
		{name: "protocol", set: []string{"ARBSYNC_UPSTREAM_PROTOCOL=soap"}, variable: "ARBSYNC_UPSTREAM_PROTOCOL"},
		{name: "upstream url scheme", set: []string{"ARBSYNC_UPSTREAM_URL=ftp://vendor.example"}, variable: "ARBSYNC_UPSTREAM_URL"},
		{name: "upstream url credentials", set: []string{"ARBSYNC_UPSTREAM_URL=https://u:hunter2-url@vendor.example"}, variable: "ARBSYNC_UPSTREAM_URL", secret: "hunter2-url"},
		{name: "app id missing", unset: []string{"ARBSYNC_UPSTREAM_APP_ID"}, variable: "ARBSYNC_UPSTREAM_APP_ID"},
		{name: "private key missing", unset: []string{"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE"}, variable: "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE"},
		{name: "access id missing", set: []string{tianyuan[0], tianyuan[2]}, variable: "ARBSYNC_UPSTREAM_ACCESS_ID"},
		{name: "access key not hex", set: append(tianyuan[:2:2], "ARBSYNC_UPSTREAM_ACCESS_KEY=zz112233445566778899aabbccddeeff"), variable: "ARBSYNC_UPSTREAM_ACCESS_KEY", secret: "zz112233445566778899aabbccddeeff"},
		{name: "access key and file", set: append(tianyuan[:3:3], "ARBSYNC_UPSTREAM_ACCESS_KEY_FILE="+tokenFile), variable: "ARBSYNC_UPSTREAM_ACCESS_KEY", secret: secretKey},
		{name: "access key file absent", set: append(tianyuan[:2:2], "ARBSYNC_UPSTREAM_ACCESS_KEY_FILE="+filepath.Join(dir, "nope")), variable: "ARBSYNC_UPSTREAM_ACCESS_KEY_FILE"},
		{name: "access key file empty", set: append(tianyuan[:2:2], "ARBSYNC_UPSTREAM_ACCESS_KEY_FILE="+emptyFile), variable: "ARBSYNC_UPSTREAM_ACCESS_KEY_FILE"},
		{name: "qps negative", set: []string{"ARBSYNC_UPSTREAM_QPS=-1"}, variable: "ARBSYNC_UPSTREAM_QPS"},
		{name: "qps text", set: []string{"ARBSYNC_UPSTREAM_QPS=fast"}, variable: "ARBSYNC_UPSTREAM_QPS"},
		{name: "concurrency zero", set: []string{"ARBSYNC_UPSTREAM_CONCURRENCY=0"}, variable: "ARBSYNC_UPSTREAM_CONCURRENCY"},
		{name: "concurrency huge", set: []string{"ARBSYNC_UPSTREAM_CONCURRENCY=100000"}, variable: "ARBSYNC_UPSTREAM_CONCURRENCY"},
		{name: "timeout tiny", set: []string{"ARBSYNC_UPSTREAM_TIMEOUT=1ms"}, variable: "ARBSYNC_UPSTREAM_TIMEOUT"},
		{name: "timeout text", set: []string{"ARBSYNC_UPSTREAM_TIMEOUT=forever"}, variable: "ARBSYNC_UPSTREAM_TIMEOUT"},
		{name: "http addr", set: []string{"ARBSYNC_HTTP_ADDR=localhost"}, variable: "ARBSYNC_HTTP_ADDR"},
		{name: "lookup token and file", set: []string{"ARBSYNC_LOOKUP_TOKEN=cfg-token-direct-91ab", "ARBSYNC_LOOKUP_TOKEN_FILE=" + tokenFile}, variable: "ARBSYNC_LOOKUP_TOKEN", secret: "cfg-token-direct-91ab"},
		{name: "lookup token file absent", set: []string{"ARBSYNC_LOOKUP_TOKEN_FILE=" + filepath.Join(dir, "nope")}, variable: "ARBSYNC_LOOKUP_TOKEN_FILE"},
		{name: "lookup token file empty", set: []string{"ARBSYNC_LOOKUP_TOKEN_FILE=" + emptyFile}, variable: "ARBSYNC_LOOKUP_TOKEN_FILE"},
		{name: "sync schedule", set: []string{"ARBSYNC_SYNC_SCHEDULE=every day"}, variable: "ARBSYNC_SYNC_SCHEDULE"},
		{name: "rescore schedule", set: []string{"ARBSYNC_RESCORE_SCHEDULE=61 * * * *"}, variable: "ARBSYNC_RESCORE_SCHEDULE"},
		{name: "thresholds schedule", set: []string{"ARBSYNC_THRESHOLDS_SCHEDULE=@weekly-ish"}, variable: "ARBSYNC_THRESHOLDS_SCHEDULE"},
		{name: "timezone", set: []string{"ARBSYNC_TIMEZONE=Mars/Olympus_Mons"}, variable: "ARBSYNC_TIMEZONE"},
		{name: "sync batch", set: []string{"ARBSYNC_SYNC_BATCH=0"}, variable: "ARBSYNC_SYNC_BATCH"},
		{name: "sync lease", set: []string{"ARBSYNC_SYNC_LEASE=1s"}, variable: "ARBSYNC_SYNC_LEASE"},
		{name: "shutdown grace", set: []string{"ARBSYNC_SHUTDOWN_GRACE=-5s"}, variable: "ARBSYNC_SHUTDOWN_GRACE"},
		{name: "log level", set: []string{"ARBSYNC_LOG_LEVEL=loud"}, variable: "ARBSYNC_LOG_LEVEL"},
		{name: "log format", set: []string{"ARBSYNC_LOG_FORMAT=xml"}, variable: "ARBSYNC_LOG_FORMAT"},
		{name: "threshold warning", set: []string{"ARBSYNC_THRESHOLD_WARNING=high"}, variable: "ARBSYNC_THRESHOLD_WARNING"},
		{name: "threshold urgent", set: []string{"ARBSYNC_THRESHOLD_URGENT=-3"}, variable: "ARBSYNC_THRESHOLD_URGENT"},
		{name: "thresholds shrinkage", set: []string{"ARBSYNC_THRESHOLDS_SHRINKAGE=-1"}, variable: "ARBSYNC_THRESHOLDS_SHRINKAGE"},
		{name: "thresholds bound", set: []string{"ARBSYNC_THRESHOLDS_BOUND=x"}, variable: "ARBSYNC_THRESHOLDS_BOUND"},
		{name: "thresholds max step", set: []string{"ARBSYNC_THRESHOLDS_MAX_STEP=x"}, variable: "ARBSYNC_THRESHOLDS_MAX_STEP"},
		{name: "thresholds urgent gap", set: []string{"ARBSYNC_THRESHOLDS_URGENT_GAP=x"}, variable: "ARBSYNC_THRESHOLDS_URGENT_GAP"},
		{name: "alert channel name", set: []string{"ARBSYNC_ALERT_CHANNELS=ops team"}, variable: "ARBSYNC_ALERT_CHANNELS"},
		{name: "alert kind missing", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_URL=http://127.0.0.1:9/"}, variable: "ARBSYNC_ALERT_OPS_KIND"},
		{name: "alert kind", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_KIND=slack", "ARBSYNC_ALERT_OPS_URL=http://127.0.0.1:9/"}, variable: "ARBSYNC_ALERT_OPS_KIND"},
		{name: "alert url", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_KIND=webhook", "ARBSYNC_ALERT_OPS_URL=hook-hunter2-path"}, variable: "ARBSYNC_ALERT_OPS_URL", secret: "hook-hunter2-path"},
		{name: "alert wecom key missing", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_KIND=wecom", "ARBSYNC_ALERT_OPS_URL=https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, variable: "ARBSYNC_ALERT_OPS_URL"},
		{name: "alert wecom secret", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_KIND=wecom", "ARBSYNC_ALERT_OPS_URL=https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-hunter2-key", "ARBSYNC_ALERT_OPS_SECRET=wecom-hunter2-secret"}, variable: "ARBSYNC_ALERT_OPS_SECRET", secret: "hunter2"},
		{name: "alert levels", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_KIND=webhook", "ARBSYNC_ALERT_OPS_URL=http://127.0.0.1:9/", "ARBSYNC_ALERT_OPS_LEVELS=critical"}, variable: "ARBSYNC_ALERT_OPS_LEVELS"},
		{name: "alert secret file absent", set: []string{"ARBSYNC_ALERT_CHANNELS=ops", "ARBSYNC_ALERT_OPS_KIND=webhook", "ARBSYNC_ALERT_OPS_URL=http://127.0.0.1:9/", "ARBSYNC_ALERT_OPS_SECRET_FILE=" + filepath.Join(dir, "nope")}, variable: "ARBSYNC_ALERT_OPS_SECRET_FILE"},
	}
	failures := 0
	for _, c := range cases {
		r := runBriefly(t, envWith(base, c.set, c.unset...), 20*time.Second, "run")
		ok := true
		if r.code != 1 {
			ok = false
			t.Errorf("%s: exit code %d, want 1; stderr:\n%s", c.name, r.code, tail(r.stderr))
		}
		if !strings.Contains(r.stderr, c.variable) {
			ok = false
			t.Errorf("%s: stderr does not name %s:\n%s", c.name, c.variable, tail(r.stderr))
		}
		if c.secret != "" && strings.Contains(r.stdout+r.stderr, c.secret) {
			ok = false
			t.Errorf("%s: the secret value appears in the output:\n%s", c.name, r.stderr)
		}
		if !ok {
			failures++
		} else {
			t.Logf("%-26s exit=1 %s", c.name, firstLine(r.stderr))
		}
	}
	t.Logf("suite=bad_config cases=%d failures=%d", len(cases), failures)
}

// firstLine returns the first line of s that names a variable, for the log.
func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if strings.Contains(l, "ARBSYNC_") || strings.Contains(l, "DATABASE_URL") {
			return strings.TrimSpace(l)
		}
	}
	return lines[0]
}
