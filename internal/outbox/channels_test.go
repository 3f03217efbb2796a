package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/alerts/alertstest"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/testdb"
)

// buildSenders configures channels from environment-style variables, as the
// daemon does.
func buildSenders(t *testing.T, env map[string]string) alerts.Senders {
	t.Helper()
	cfg, err := config.Load(config.Env{Getenv: func(k string) string { return env[k] }}, config.Need{})
	require.NoError(t, err)
	s, err := alerts.BuildSenders(cfg.Channels, &http.Client{Timeout: time.Minute}, time.Now)
	require.NoError(t, err)
	return s
}

// runWorker runs a worker like the daemon does until the returned stop is
// called (or the test ends); wake signals new alerts.
func runWorker(t *testing.T, pool *pgxpool.Pool, s alerts.Senders, replica string, lease time.Duration) (wake chan struct{}, stop func()) {
	t.Helper()
	w := outbox.New(pool, outbox.Options{
		Replica: replica, Senders: s, Lease: lease, Poll: 100 * time.Millisecond,
		Backoff: alerts.Backoff{Base: 50 * time.Millisecond, Max: 200 * time.Millisecond, MaxAttempts: 20},
	}, zerolog.Nop(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	wake = make(chan struct{}, 1)
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx, wake) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return wake, stop
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// A robot that does not answer delays only its own channel: the webhook
// channel's alerts are all delivered while the robot still holds the first
// request. (One worker sending every delivery in turn once made an unlimited
// webhook wait for every throttled robot.)
func TestChannelsAreIndependent(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	robot := alertstest.NewWeComRobot(t, 1000, time.Minute)
	robot.Hold()
	hook := newReceiver(t, 0)
	s := buildSenders(t, map[string]string{
		"ARBSYNC_ALERT_CHANNELS":         "robot,hook", // the stuck channel first
		"ARBSYNC_ALERT_ROBOT_KIND":       "wecom",
		"ARBSYNC_ALERT_ROBOT_URL":        robot.URL(),
		"ARBSYNC_ALERT_ROBOT_RATE_LIMIT": "100/1s",
		"ARBSYNC_ALERT_HOOK_KIND":        "webhook",
		"ARBSYNC_ALERT_HOOK_URL":         hook.srv.URL + "/hook",
		"ARBSYNC_ALERT_HOOK_SECRET":      hook.secret,
	})
	for i := range 10 {
		addAlert(t, pool, fmt.Sprintf("k%d:urgent", i), "urgent")
	}
	wake, _ := runWorker(t, pool, s, "r1", 10*time.Second)
	signal(wake)
	require.Eventually(t, func() bool { return len(hook.received()) == 10 }, 30*time.Second, 20*time.Millisecond,
		"the webhook gets every alert while the robot has not answered")
	require.Empty(t, robot.Received(), "the robot is still holding its first request")

	robot.Release()
	require.Eventually(t, func() bool { return len(robot.Received()) == 10 }, 30*time.Second, 20*time.Millisecond)
	require.Empty(t, robot.Repeats())
	// The robot counts a message when it arrives; the sender records it
	// as sent once the answer is back.
	require.Eventually(t, func() bool {
		return count(t, pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'sent'`) == 20
	}, 30*time.Second, 20*time.Millisecond, "every delivery of both channels recorded as sent")
}

// Three replicas deliver one robot's backlog through their own senders (and
// rate limiters): one replica sends at a time, so each message arrives once
// and the robot never answers "too fast" — also when the sending replica
// stops midway and another takes the channel over. Before, the delivery lease
// was never renewed: a second replica took over while the first was still
// sending, and the robot saw both.
func TestReplicasShareARobotWithoutThrottling(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	// The channel sends at most 10 in any 2 s; the robot takes 10 in any
	// 1.8 s, leaving room for the jitter of a loaded test machine.
	robot := alertstest.NewWeComRobot(t, 10, 1800*time.Millisecond)
	env := map[string]string{
		"ARBSYNC_ALERT_CHANNELS":      "hr",
		"ARBSYNC_ALERT_HR_KIND":       "wecom",
		"ARBSYNC_ALERT_HR_URL":        robot.URL(),
		"ARBSYNC_ALERT_HR_RATE_LIMIT": "10/2s",
	}
	const total = 30
	for i := range total {
		addAlert(t, pool, fmt.Sprintf("k%02d:warning", i), "warning")
	}
	type replica struct {
		wake chan struct{}
		stop func()
	}
	replicas := map[string]replica{}
	for _, name := range []string{"a", "b", "c"} {
		wake, stop := runWorker(t, pool, buildSenders(t, env), name, 3*time.Second)
		replicas[name] = replica{wake, stop}
		signal(wake)
	}
	require.Eventually(t, func() bool { return len(robot.Received()) >= total/3 }, 30*time.Second, 20*time.Millisecond)
	var holder string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT leased_by FROM arbsync.alert_channels WHERE channel = 'hr'`).Scan(&holder))
	replicas[holder].stop() // gives the lease up; another replica takes over
	for name, r := range replicas {
		if name != holder {
			signal(r.wake)
		}
	}
	require.Eventually(t, func() bool { return len(robot.Received()) == total }, 60*time.Second, 20*time.Millisecond,
		"every alert delivered after the handover")
	var after string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT leased_by FROM arbsync.alert_channels WHERE channel = 'hr'`).Scan(&after))
	require.NotEqual(t, holder, after, "another replica took the channel over")
	require.Zero(t, robot.Throttled(), "the robot never answered 45009")
	require.Empty(t, robot.Repeats(), "no message arrived twice")
	require.Zero(t, count(t, pool, `SELECT count(*) FROM arbsync.alert_delivery_attempts WHERE outcome <> 'sent'`))
	t.Logf("replicas=3 messages=%d throttled=0 repeats=0 max_in_2s=%d handover=%s->%s", total, robot.MaxInWindow(2*time.Second), holder, after)
}
