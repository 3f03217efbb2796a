package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// On a synced database, `arbsync score` (the daily rescore by hand) exits 0,
// and the daemon's rescore (caught up at its first start) succeeds. Both
// once failed on every company whose score cannot change with time (no case
// left to age out): "can't scan into dest[1] (col: due): cannot scan NULL
// into *bool".
func TestDailyRescoreOnASyncedDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 40})
	sync := e.start(t, nil, "sync", "-all")
	require.Equal(t, 0, sync.wait(t, 60*time.Second), "sync -all; log:\n%s", tail(sync.log()))
	require.Positive(t, e.count(t, `SELECT count(*) FROM arbsync.current_scores WHERE next_change_on IS NULL`),
		"some companies have nothing left to age out (the case the bug needed)")

	score := e.start(t, nil, "score")
	require.Equal(t, 0, score.wait(t, 60*time.Second), "arbsync score; log:\n%s", tail(score.log()))
	require.Contains(t, score.log(), "rescore: ")

	d := e.start(t, []string{"ARBSYNC_SYNC_SCHEDULE=@every 1h"}, "run")
	require.Eventually(t, func() bool {
		return e.count(t, `SELECT count(*) FROM arbsync.job_runs WHERE job = 'rescore' AND last_finished_at IS NOT NULL`) == 1
	}, 60*time.Second, 50*time.Millisecond, "the daemon catches up the daily rescore at start; log:\n%s", tail(d.log()))
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM arbsync.job_runs WHERE job = 'rescore' AND last_outcome = 'ok' AND last_success_at IS NOT NULL`),
		"the scheduled rescore succeeded; log:\n%s", tail(d.log()))
}
