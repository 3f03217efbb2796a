package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/scoring"
)

// Each variable reaches the component that uses it: what the daemon, the
// commands, the benchmark and the test fixtures build runs with the
// configured values.
func TestComponentsTakeTheConfiguration(t *testing.T) {
	vars := map[string]string{
		"ARBSYNC_REPLICA_ID":           "replica-9",
		"ARBSYNC_SYNC_BATCH":           "50",
		"ARBSYNC_SYNC_LEASE":           "2m",
		"ARBSYNC_SHUTDOWN_GRACE":       "5s",
		"ARBSYNC_UPSTREAM_CONCURRENCY": "4",
		"ARBSYNC_UPSTREAM_QPS":         "3",
		"ARBSYNC_UPSTREAM_TIMEOUT":     "7s",
		"ARBSYNC_UPSTREAM_URL":         "http://vendor.example:8089/",
		"ARBSYNC_TIMEZONE":             "UTC",
		"ARBSYNC_THRESHOLD_WARNING":    "70",
		"ARBSYNC_THRESHOLD_URGENT":     "45",
		"ARBSYNC_SCORE_RULE":           "1",
	}
	cfg, err := config.Load(config.Env{Getenv: func(k string) string { return vars[k] }}, config.Need{})
	require.NoError(t, err)
	// 20:00 UTC on 30 November is 1 December in Asia/Shanghai: the
	// configured zone (UTC here) decides the date.
	clock := func() time.Time { return time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC) }
	a := app.App{Config: cfg, Now: clock}

	opts := a.SyncOptions(nil)
	require.Equal(t, "replica-9", opts.Replica)
	require.Equal(t, 50, opts.ClaimBatch)
	require.Equal(t, 2*time.Minute, opts.Lease)
	require.Equal(t, 5*time.Second, opts.Grace)
	require.Equal(t, 4, opts.Workers, "one fetch worker per request the client may have in flight")

	uc := a.UpstreamConfig()
	require.Equal(t, "http://vendor.example:8089", uc.BaseURL)
	require.Equal(t, 3.0, uc.QPS)
	require.Equal(t, 4, uc.Concurrency)
	require.Equal(t, 7*time.Second, uc.Timeout)

	s, err := a.Assessor()
	require.NoError(t, err)
	require.Equal(t, scoring.Thresholds{Warning: scoring.WholePoints(70), Urgent: scoring.WholePoints(45)}, s.Fixed)
	require.Equal(t, "2026-11-30", s.Today().String())
	require.Equal(t, scoring.Rule1, s.Rule, "the assessor scores with ARBSYNC_SCORE_RULE")

	j := a.WeeklyJob()
	require.Equal(t, cfg.Thresholds, j.Params)
	require.Equal(t, scoring.WholePoints(70), j.Params.FixedWarning)
	require.Equal(t, "2026-11-30", j.Today().String())
	require.Equal(t, scoring.Rule1, j.Rule, "thresholds come from the scores of ARBSYNC_SCORE_RULE")

	a.Config.Timezone, err = time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	require.Equal(t, "2026-12-01", a.Today().String())
}

// Without a registry nothing registers metrics: the components get no
// registerer at all, not a nil registry inside one.
func TestNoRegistryNoMetrics(t *testing.T) {
	a := app.App{Config: config.Default()}
	require.True(t, a.UpstreamConfig().Registerer == nil, "a nil interface")
	s, err := a.Assessor()
	require.NoError(t, err)
	require.Nil(t, s.Metrics)
}
