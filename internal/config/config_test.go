package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/scoring"
)

func envOf(vars map[string]string, files map[string]string) Env {
	return Env{
		Getenv: func(k string) string { return vars[k] },
		ReadFile: func(p string) ([]byte, error) {
			if v, ok := files[p]; ok {
				return []byte(v), nil
			}
			return nil, &os.PathError{Op: "open", Path: p, Err: os.ErrNotExist}
		},
	}
}

const dsn = "postgres://arbsync:hunter2-db-password@db.internal:5432/arbsync"

func TestLoadDefaults(t *testing.T) {
	c, err := Load(envOf(map[string]string{"DATABASE_URL": dsn}, nil), Need{Database: true})
	require.NoError(t, err)
	require.Equal(t, "arbsync@db.internal:5432/arbsync", c.DatabaseTarget)
	require.Equal(t, "signed", c.Upstream.Protocol)
	require.Equal(t, "*/5 * * * *", c.SyncSchedule)
	require.Equal(t, "Asia/Shanghai", c.Timezone.String())
	require.Equal(t, 15*time.Second, c.Upstream.Timeout)
	require.Equal(t, "QYGL8271", c.Upstream.Product)
	require.Equal(t, "60.00", c.Thresholds.FixedWarning.String())
	require.Equal(t, 30, c.Thresholds.M)
	require.Equal(t, scoring.Rule2, c.ScoreRule, "rule 2 unless ARBSYNC_SCORE_RULE says otherwise")
}

// ARBSYNC_SCORE_RULE chooses the scoring rule; rule 1 stays available.
func TestScoreRule(t *testing.T) {
	for v, want := range map[string]scoring.Rule{"1": scoring.Rule1, "2": scoring.Rule2, " 2 ": scoring.Rule2} {
		c, err := Load(envOf(map[string]string{"ARBSYNC_SCORE_RULE": v}, nil), Need{})
		require.NoError(t, err, "ARBSYNC_SCORE_RULE=%q", v)
		require.Equal(t, want, c.ScoreRule, "ARBSYNC_SCORE_RULE=%q", v)
	}
}

// Each invalid value is rejected with a message naming its variable, and the
// secret values never appear in the message.
func TestLoadRejectsBadValues(t *testing.T) {
	tests := []struct {
		vars    map[string]string
		need    Need
		wantVar string
	}{
		{map[string]string{}, Need{Database: true}, "DATABASE_URL: is required"},
		{map[string]string{"DATABASE_URL": "postgres://u:hunter2-db-password@h:notaport/db"}, Need{Database: true}, "DATABASE_URL: is not a valid"},
		{map[string]string{"DATABASE_URL": dsn, "ARBSYNC_LISTEN_DATABASE_URL": "postgres://u:hunter2-listen@h:notaport/db"}, Need{Database: true}, "ARBSYNC_LISTEN_DATABASE_URL: is not a valid"},
		{map[string]string{"ARBSYNC_LISTEN_DATABASE_URL": dsn, "ARBSYNC_LISTEN_DATABASE_URL_FILE": "/x"}, Need{}, "ARBSYNC_LISTEN_DATABASE_URL: set either"},
		{map[string]string{"ARBSYNC_UPSTREAM_PROTOCOL": "soap"}, Need{}, `ARBSYNC_UPSTREAM_PROTOCOL: "soap" is not one of signed, tianyuan`},
		{map[string]string{"ARBSYNC_UPSTREAM_URL": "ftp://x"}, Need{}, "ARBSYNC_UPSTREAM_URL:"},
		{map[string]string{"ARBSYNC_UPSTREAM_URL": "https://user:pw@vendor"}, Need{}, "ARBSYNC_UPSTREAM_URL: must not carry credentials"},
		{map[string]string{"ARBSYNC_UPSTREAM_QPS": "fast"}, Need{}, "ARBSYNC_UPSTREAM_QPS:"},
		{map[string]string{"ARBSYNC_UPSTREAM_QPS": "-1"}, Need{}, "ARBSYNC_UPSTREAM_QPS:"},
		{map[string]string{"ARBSYNC_UPSTREAM_QPS": "NaN"}, Need{}, `ARBSYNC_UPSTREAM_QPS: "NaN" is not a number`},
		{map[string]string{"ARBSYNC_UPSTREAM_CONCURRENCY": "0"}, Need{}, "ARBSYNC_UPSTREAM_CONCURRENCY:"},
		{map[string]string{"ARBSYNC_UPSTREAM_TIMEOUT": "10"}, Need{}, "ARBSYNC_UPSTREAM_TIMEOUT:"},
		{map[string]string{"ARBSYNC_SYNC_SCHEDULE": "every five minutes"}, Need{}, "ARBSYNC_SYNC_SCHEDULE:"},
		{map[string]string{"ARBSYNC_RESCORE_SCHEDULE": "61 * * * *"}, Need{}, "ARBSYNC_RESCORE_SCHEDULE:"},
		{map[string]string{"ARBSYNC_THRESHOLDS_SCHEDULE": "* * *"}, Need{}, "ARBSYNC_THRESHOLDS_SCHEDULE:"},
		{map[string]string{"ARBSYNC_TIMEZONE": "Mars/Olympus"}, Need{}, "ARBSYNC_TIMEZONE:"},
		{map[string]string{"ARBSYNC_LOG_LEVEL": "loud"}, Need{}, "ARBSYNC_LOG_LEVEL:"},
		{map[string]string{"ARBSYNC_LOG_FORMAT": "xml"}, Need{}, "ARBSYNC_LOG_FORMAT:"},
		{map[string]string{"ARBSYNC_HTTP_ADDR": "8080"}, Need{}, "ARBSYNC_HTTP_ADDR:"},
		{map[string]string{"ARBSYNC_SYNC_BATCH": "0"}, Need{}, "ARBSYNC_SYNC_BATCH:"},
		{map[string]string{"ARBSYNC_SYNC_LEASE": "1s"}, Need{}, "ARBSYNC_SYNC_LEASE:"},
		{map[string]string{}, Need{Upstream: true}, "ARBSYNC_UPSTREAM_APP_ID: is required"},
		{map[string]string{"ARBSYNC_UPSTREAM_APP_ID": "a"}, Need{Upstream: true}, "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE: is required"},
		{map[string]string{"ARBSYNC_UPSTREAM_PROTOCOL": "tianyuan", "ARBSYNC_UPSTREAM_ACCESS_ID": "id", "ARBSYNC_UPSTREAM_ACCESS_KEY": "hunter2-not-hex"}, Need{Upstream: true}, "ARBSYNC_UPSTREAM_ACCESS_KEY: must be 32 hexadecimal"},
		{map[string]string{"ARBSYNC_LOOKUP_TOKEN": "hunter2-token", "ARBSYNC_LOOKUP_TOKEN_FILE": "/x"}, Need{}, "ARBSYNC_LOOKUP_TOKEN: set either"},
		{map[string]string{"ARBSYNC_LOOKUP_TOKEN_FILE": "/no/such/file"}, Need{}, "ARBSYNC_LOOKUP_TOKEN_FILE: cannot read /no/such/file"},
		{map[string]string{"ARBSYNC_THRESHOLD_WARNING": "sixty"}, Need{}, "ARBSYNC_THRESHOLD_WARNING:"},
		{map[string]string{"ARBSYNC_THRESHOLD_URGENT": "101"}, Need{}, "ARBSYNC_THRESHOLD_URGENT:"},
		{map[string]string{"ARBSYNC_THRESHOLD_WARNING": "40", "ARBSYNC_THRESHOLD_URGENT": "45"}, Need{}, "ARBSYNC_THRESHOLD_*: threshold params: fixed urgent 45.00 must be at most"},
		{map[string]string{"ARBSYNC_THRESHOLDS_SHRINKAGE": "-3"}, Need{}, "ARBSYNC_THRESHOLDS_SHRINKAGE:"},
		{map[string]string{"ARBSYNC_SCORE_RULE": "3"}, Need{}, `ARBSYNC_SCORE_RULE: "3" is not a scoring rule version (1 or 2)`},
		{map[string]string{"ARBSYNC_SCORE_RULE": "v2"}, Need{}, `ARBSYNC_SCORE_RULE: "v2" is not a scoring rule version (1 or 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.wantVar, func(t *testing.T) {
			_, err := Load(envOf(tt.vars, nil), tt.need)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.wantVar)
			require.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(envOf(map[string]string{"ARBSYNC_UPSTREAM_QPS": "x", "ARBSYNC_TIMEZONE": "y"}, nil), Need{Database: true})
	require.Error(t, err)
	for _, v := range []string{"ARBSYNC_UPSTREAM_QPS", "ARBSYNC_TIMEZONE", "DATABASE_URL"} {
		require.Contains(t, err.Error(), v)
	}
}

// ARBSYNC_LISTEN_DATABASE_URL is optional; set (directly or from a file) it
// is a secret like DATABASE_URL, and only its target is printable.
func TestListenDatabaseURL(t *testing.T) {
	c, err := Load(envOf(map[string]string{"DATABASE_URL": dsn}, nil), Need{Database: true})
	require.NoError(t, err)
	require.False(t, c.ListenDatabaseURL.IsSet())
	require.Empty(t, c.ListenDatabaseTarget)

	direct := "postgres://arbsync:hunter2-listen-password@pg-primary.internal:5432/arbsync"
	c, err = Load(envOf(map[string]string{
		"DATABASE_URL":                     dsn,
		"ARBSYNC_LISTEN_DATABASE_URL_FILE": "/run/secrets/listen-dsn",
	}, map[string]string{"/run/secrets/listen-dsn": direct + "\n"}), Need{Database: true})
	require.NoError(t, err)
	require.Equal(t, direct, c.ListenDatabaseURL.Reveal())
	require.Equal(t, "arbsync@pg-primary.internal:5432/arbsync", c.ListenDatabaseTarget)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %#v", c, c, c)
	log := c.NewLogger(&buf)
	log.Info().Interface("config", c).Msg("started")
	require.NotContains(t, buf.String(), "hunter2")
}

func TestSecretsFromFiles(t *testing.T) {
	c, err := Load(envOf(map[string]string{
		"ARBSYNC_UPSTREAM_PROTOCOL":        "tianyuan",
		"ARBSYNC_UPSTREAM_ACCESS_ID":       "acc",
		"ARBSYNC_UPSTREAM_ACCESS_KEY_FILE": "/run/secrets/key",
		"ARBSYNC_LOOKUP_TOKEN_FILE":        "/run/secrets/token",
		"DATABASE_URL_FILE":                "/run/secrets/dsn",
	}, map[string]string{
		"/run/secrets/key":   "00112233445566778899aabbccddeeff\n",
		"/run/secrets/token": "tok-hunter2\n",
		"/run/secrets/dsn":   dsn + "\n",
	}), Need{Database: true, Upstream: true})
	require.NoError(t, err)
	require.Equal(t, "00112233445566778899aabbccddeeff", c.Upstream.AccessKey.Reveal())
	require.Equal(t, "tok-hunter2", c.LookupToken.Reveal())
	require.Equal(t, dsn, c.DatabaseURL.Reveal())

	// No way of printing the configuration shows a secret.
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %#v %s", c, c, c, c.LookupToken)
	log := c.NewLogger(&buf)
	log.Info().Interface("config", c).Msg("started")
	require.NotContains(t, buf.String(), "hunter2")
	require.NotContains(t, buf.String(), "00112233445566778899aabbccddeeff")
	require.Contains(t, buf.String(), "[REDACTED]")
}

func TestEmptySecretFile(t *testing.T) {
	_, err := Load(envOf(map[string]string{"ARBSYNC_LOOKUP_TOKEN_FILE": "/e"}, map[string]string{"/e": "\n"}), Need{})
	require.ErrorContains(t, err, "ARBSYNC_LOOKUP_TOKEN_FILE: file /e is empty")
	require.False(t, errors.Is(err, os.ErrNotExist))
	require.True(t, strings.HasPrefix(err.Error(), "invalid configuration:"))
}

// The defaults Env.Default reports (what `arbsync run -h` lists) are the
// ones Load uses: setting every variable to its reported default changes
// nothing.
func TestReportedDefaultsAreTheDefaults(t *testing.T) {
	defaults := map[string]string{}
	env := envOf(map[string]string{"DATABASE_URL": dsn}, nil)
	env.Default = func(name, value string) { defaults[name] = value }
	unset, err := Load(env, Need{Database: true})
	require.NoError(t, err)

	require.Equal(t, "*/5 * * * *", defaults["ARBSYNC_SYNC_SCHEDULE"])
	require.Equal(t, "5m", defaults["ARBSYNC_SYNC_LEASE"])
	require.Equal(t, "60", defaults["ARBSYNC_THRESHOLD_WARNING"])
	require.Equal(t, "20", defaults["ARBSYNC_UPSTREAM_QPS"])
	require.Equal(t, "info", defaults["ARBSYNC_LOG_LEVEL"])
	require.Equal(t, "2", defaults["ARBSYNC_SCORE_RULE"])
	require.Equal(t, "hostname-pid", defaults["ARBSYNC_REPLICA_ID"], "a computed default is described, not shown as this process's value")
	require.NotContains(t, defaults, "DATABASE_URL", "no default")

	vars := map[string]string{"DATABASE_URL": dsn}
	for name, value := range defaults {
		if name != "ARBSYNC_REPLICA_ID" {
			vars[name] = value
		}
	}
	set, err := Load(envOf(vars, nil), Need{Database: true})
	require.NoError(t, err)
	require.Equal(t, unset.Timezone.String(), set.Timezone.String())
	unset.Timezone, set.Timezone = nil, nil
	require.Equal(t, unset, set)
}
