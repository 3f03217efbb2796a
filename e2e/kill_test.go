package e2e

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// SIGKILL the daemon at random moments of its passes and restart it: the
// database ends exactly as an uninterrupted run leaves it (the simulator's
// cases, each once, one score row per company), and the leases of the
// killed process are reclaimed once they expire.
func TestSIGKILLMidPassConverges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 240, latency: 15 * time.Millisecond})
	extra := []string{"ARBSYNC_SYNC_SCHEDULE=@every 1s"}
	r := rand.New(rand.NewPCG(42, 1))
	kills := 0
	for kills < 3 {
		p := e.start(t, extra, "run")
		// Wait until this process has stored something, then kill it at a
		// random moment shortly after.
		require.Eventually(t, func() bool {
			return e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`) > kills*40
		}, 60*time.Second, 10*time.Millisecond, "daemon makes progress; log:\n%s", tail(p.log()))
		time.Sleep(time.Duration(r.IntN(400)) * time.Millisecond)
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
		require.Equal(t, -int(syscall.SIGKILL), p.wait(t, 10*time.Second))
		kills++
		if e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status <> 'ok'`) == 0 {
			break
		}
	}
	leased := e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE leased_by IS NOT NULL`)
	t.Logf("%d kills; %d companies left leased by killed processes", kills, leased)

	p := e.start(t, extra, "run")
	require.Eventually(t, func() bool {
		return e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok' AND leased_by IS NULL`) == len(e.codes)
	}, 90*time.Second, 50*time.Millisecond, "every company synced after restart (expired leases reclaimed); log:\n%s", tail(p.log()))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, p.wait(t, 30*time.Second))

	cases := e.requireMatchesTruth(t)
	require.Equal(t, cases, e.count(t, `SELECT count(*) FROM arbsync.cases`), "no duplicate or stray case rows")
	require.Equal(t, len(e.codes), e.count(t, `SELECT count(*) FROM arbsync.scores`), "exactly one score row per company")
	require.Equal(t, len(e.codes), e.count(t, `SELECT count(DISTINCT credit_code) FROM arbsync.scores`))
	t.Logf("compared %d companies and %d cases after %d kills: 0 differences", len(e.codes), cases, kills)
}

// SIGTERM during a pass: the daemon exits 0, releases its leases, and every
// company is either completely synced or untouched.
func TestSIGTERMDuringPass(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 200, latency: 40 * time.Millisecond})
	p := e.start(t, []string{"ARBSYNC_SYNC_SCHEDULE=@every 1s", "ARBSYNC_SHUTDOWN_GRACE=2s"}, "run")
	require.Eventually(t, func() bool {
		return e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`) > 20
	}, 60*time.Second, 10*time.Millisecond, "daemon makes progress; log:\n%s", tail(p.log()))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, p.wait(t, 30*time.Second), tail(p.log()))

	require.Zero(t, e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE leased_by IS NOT NULL`), "leases released")
	synced := e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'ok'`)
	require.Less(t, synced, len(e.codes), "the pass was interrupted")
	require.Zero(t, e.count(t, `SELECT count(*) FROM arbsync.cases c JOIN arbsync.sync_state s USING (credit_code) WHERE s.status <> 'ok'`),
		"no half-written company")
	require.Contains(t, p.log(), "arbsync daemon stopped")
	t.Logf("SIGTERM after %d of %d companies: exit 0, no lease left", synced, len(e.codes))
}
