package daemon

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
)

// The job metrics name the job in the label task (never job or instance,
// which Prometheus's target labels would rename), count every outcome from
// zero, and report each job's last success as arbsync.job_runs records it:
// the same on every replica, and right after a restart.
func TestJobMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	var log bytes.Buffer
	reg := prometheus.NewRegistry()
	m := newJobMetrics(reg, pool, zerolog.New(&log))
	r := &runner{pool: pool, replica: "replica-1", log: zerolog.New(&log), metrics: m}

	require.NoError(t, r.run(ctx, Job{Name: "tidy", Run: func(context.Context) error { return nil }}))
	boom := errors.New("boom")
	require.ErrorIs(t, r.run(ctx, Job{Name: "tidy", Run: func(context.Context) error { return boom }}), boom)
	require.Contains(t, log.String(), `"level":"error"`, "a failed job is an error")
	require.ErrorIs(t, r.run(ctx, Job{Name: "sync", Run: func(context.Context) error { return boom }}), boom)

	require.Equal(t, 1.0, testutil.ToFloat64(m.runs.WithLabelValues("tidy", "ok")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.runs.WithLabelValues("tidy", "error")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.runs.WithLabelValues("sync", "error")))

	// Another replica's success, recorded in the database, is this one's
	// to report too.
	_, err := pool.Exec(ctx, `INSERT INTO arbsync.job_runs (job, last_success_at) VALUES ('thresholds', '2026-11-23 03:00:07+00')`)
	require.NoError(t, err)
	mfs, err := reg.Gather()
	require.NoError(t, err)
	series := map[string]float64{}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range mt.GetLabel() {
				require.NotContains(t, []string{"job", "instance"}, l.GetName(), "label of %s", mf.GetName())
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			series[key] = mt.GetGauge().GetValue() + mt.GetCounter().GetValue()
		}
	}
	require.Equal(t, float64(time.Date(2026, 11, 23, 3, 0, 7, 0, time.UTC).Unix()),
		series["arbsync_job_last_success_timestamp_seconds task=thresholds"])
	var tidy time.Time
	require.NoError(t, pool.QueryRow(ctx, `SELECT last_success_at FROM arbsync.job_runs WHERE job = 'tidy'`).Scan(&tidy))
	require.Equal(t, float64(tidy.UnixNano())/1e9, series["arbsync_job_last_success_timestamp_seconds task=tidy"])
	require.NotContains(t, series, "arbsync_job_last_success_timestamp_seconds task=sync", "sync never succeeded")
	for _, o := range jobOutcomes {
		require.Contains(t, series, "arbsync_job_runs_total outcome="+o+" task=sync", "every outcome is counted from zero")
	}

	// The database unreachable: the last values read, which age as they
	// should, and a warning.
	log.Reset()
	pool.Close()
	require.Equal(t, 2, testutil.CollectAndCount(reg, "arbsync_job_last_success_timestamp_seconds"))
	require.Contains(t, log.String(), "unable to read the jobs' last successes")
	require.NotContains(t, log.String(), `"level":"error"`)
}
