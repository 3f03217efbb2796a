package e2e

import (
	"context"
	"fmt"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts/alertstest"
)

// Several replicas on one database, one WeCom channel, a backlog of new
// companies: each alert reaches the robot once and the robot never answers
// "too fast" (45009), also when the replica that sends stops midway and
// another takes the channel over. Small size (80 companies): the channel is configured at
// 20 per 3 s against a robot that takes 20 in any 2.9 s; full size: WeCom's
// own 20 a minute against a robot that enforces exactly that, 150 companies.
func TestAlertDeliveryAcrossReplicas(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("replicas=%d", n), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpts{companies: bySize(80, 150)})
			window := bySize(2900*time.Millisecond, time.Minute)
			robot := alertstest.NewWeComRobot(t, 20, window)
			channel := []string{
				"ARBSYNC_ALERT_CHANNELS=hr",
				"ARBSYNC_ALERT_HR_KIND=wecom",
				"ARBSYNC_ALERT_HR_URL=" + robot.URL(),
				"ARBSYNC_SYNC_SCHEDULE=@every 2s", // the survivors take over the stopped replica's companies
				"ARBSYNC_LOG_LEVEL=info",
				// Rule 1 flags far more of the simulated companies than rule 2
				// (a third against an eighth): the backlog this test needs.
				"ARBSYNC_SCORE_RULE=1",
			}
			if !fullSize() {
				channel = append(channel, "ARBSYNC_ALERT_HR_RATE_LIMIT=20/3s")
			}
			procs := map[string]*proc{}
			for i := range n {
				id := fmt.Sprintf("replica-%d", i+1)
				procs[id] = e.start(t, append(channel, "ARBSYNC_REPLICA_ID="+id), "run")
			}
			waitAlerts := func(cond func(alerts, received int) bool, what string) {
				t.Helper()
				waitUntil(t, bySize(2*time.Minute, 15*time.Minute), func() bool {
					return cond(e.count(t, `SELECT count(*) FROM arbsync.alerts`), len(robot.Received()))
				}, func() string {
					return fmt.Sprintf("%s: alerts %d, received %d, throttled %d, deliveries %v; logs:\n%s", what,
						e.count(t, `SELECT count(*) FROM arbsync.alerts`), len(robot.Received()), robot.Throttled(),
						qMap(t, e.db.Pool, `SELECT status, count(*)::text FROM arbsync.alert_deliveries GROUP BY 1`), logs(procs))
				})
			}
			// Let a third of the backlog through, then stop the sender.
			waitAlerts(func(a, r int) bool { return a > 20 && r >= a/3 }, "a third of the alerts delivered")
			var holder string
			require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT leased_by FROM arbsync.alert_channels WHERE channel = 'hr'`).Scan(&holder))
			p := procs[holder]
			require.NotNil(t, p, "the channel's lease belongs to a running replica, not %q", holder)
			require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
			require.Equal(t, 0, p.wait(t, time.Minute), "the sender stops cleanly; log:\n%s", tail(p.log()))

			waitAlerts(func(a, r int) bool {
				return r >= a && e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'new'`) == 0 &&
					e.count(t, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status <> 'sent'`) == 0
			}, "every alert delivered")
			alerts := e.count(t, `SELECT count(*) FROM arbsync.alerts`)
			var after string
			require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT leased_by FROM arbsync.alert_channels WHERE channel = 'hr'`).Scan(&after))
			require.NotEqual(t, holder, after, "another replica took the channel over")
			require.Zero(t, robot.Throttled(), "throttling answers")
			require.Empty(t, robot.Repeats(), "repeated dedup keys")
			require.Len(t, robot.Received(), alerts)
			t.Logf("suite=alert_replicas size=%s replicas=%d companies=%d alerts=%d received=%d repeats=0 throttled=0 max_in_window=%d handover=%s->%s",
				sizeName(), n, len(e.codes), alerts, len(robot.Received()), robot.MaxInWindow(window), holder, after)
		})
	}
}

func logs(procs map[string]*proc) string {
	out := ""
	for id, p := range procs {
		out += "--- " + id + "\n" + grepLines(p.log(), "outbox", 15) + "\n"
	}
	return out
}

// A robot that throttles delays only its own channel: while a WeCom robot
// answers 45009, the webhook channel's alerts arrive moments after their
// commit. Once, one worker sent every delivery in turn and an unlimited
// webhook waited 78 s on average behind the robots.
func TestWebhookNotDelayedByAThrottledRobot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 150})
	robot := alertstest.NewWeComRobot(t, 2, time.Minute) // takes 2 a minute
	hook := newReceiver(t, "hook-secret", 0)
	p := e.start(t, []string{
		"ARBSYNC_ALERT_CHANNELS=hr,erp",
		"ARBSYNC_ALERT_HR_KIND=wecom",
		"ARBSYNC_ALERT_HR_URL=" + robot.URL(),
		"ARBSYNC_ALERT_HR_RATE_LIMIT=20/3s", // faster than the robot takes
		"ARBSYNC_ALERT_ERP_KIND=webhook",
		"ARBSYNC_ALERT_ERP_URL=" + hook.srv.URL + "/alerts",
		"ARBSYNC_ALERT_ERP_SECRET=hook-secret",
		"ARBSYNC_SYNC_SCHEDULE=@every 1h",
		"ARBSYNC_LOG_LEVEL=info",
		"ARBSYNC_SCORE_RULE=1", // the volume of alerts this test needs (see TestAlertDeliveryAcrossReplicas)
	}, "run")
	require.Eventually(t, func() bool {
		n := e.count(t, `SELECT count(*) FROM arbsync.alerts`)
		got, _ := hook.count()
		return n > 30 && got == n && e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE status = 'new'`) == 0
	}, 2*time.Minute, 20*time.Millisecond, "the webhook receives every alert; log:\n%s", tail(p.log()))
	total := e.count(t, `SELECT count(*) FROM arbsync.alerts`)
	require.Positive(t, robot.Throttled(), "the robot throttled its channel")
	require.Less(t, len(robot.Received()), total, "the robot's channel is still working through its backlog")
	require.Positive(t, e.count(t, `SELECT count(*) FROM arbsync.alert_deliveries WHERE channel = 'hr' AND status = 'pending'`))

	created := qMap(t, e.db.Pool, `SELECT dedup_key, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM arbsync.alerts`)
	var lat []time.Duration
	for key, rs := range hook.byKey() {
		c, err := time.Parse(time.RFC3339Nano, created[key])
		require.NoError(t, err, key)
		require.Len(t, rs, 1, "%s arrived once", key)
		lat = append(lat, rs[0].at.Sub(c))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	t.Logf("suite=alert_channels alerts=%d webhook_latency_avg=%s p50=%s max=%s robot_received=%d robot_throttled=%d",
		len(lat), (sum / time.Duration(len(lat))).Round(time.Millisecond), lat[len(lat)/2].Round(time.Millisecond),
		lat[len(lat)-1].Round(time.Millisecond), len(robot.Received()), robot.Throttled())
}
