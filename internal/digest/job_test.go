package digest_test

import (
	"context"
	"encoding/json"
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
	"github.com/arbsync/arbsync/internal/digest"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
)

// clock is 2026-12-07 09:00 in Shanghai, when the digest of the 6th is due.
var nineAM = time.Date(2026, 12, 7, 9, 0, 0, 0, shanghai)

// seed puts companies on the watchlist, each synced a minute before now,
// and n case events in each of the given days (spread over the companies,
// from 08:00 Shanghai time), returning the credit codes.
func seed(t *testing.T, pool *pgxpool.Pool, companies int, events map[scoring.Date]int) []string {
	t.Helper()
	ctx := context.Background()
	codes := make([]string, companies)
	for i := range codes {
		codes[i] = uscc.Generate(i%34, uint64(5000+i))
		_, err := pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, 'C')`,
			codes[i], fmt.Sprintf("上海第%03d号精密制造有限公司", i))
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `UPDATE arbsync.sync_state SET status = 'ok', last_success_at = $2 WHERE credit_code = $1`, codes[i], nineAM.Add(-time.Minute))
		require.NoError(t, err)
	}
	kinds := []string{"filed", "filed", "decided", "execution_changed", "amounts_changed"}
	for day, n := range events {
		from, _ := digest.Bounds(day, shanghai)
		for i := range n {
			kind := kinds[i%len(kinds)]
			_, err := pool.Exec(ctx, `INSERT INTO arbsync.case_events (credit_code, case_id, kind, old_result, new_result,
				old_execution_status, new_execution_status, new_claim_amount, detected_at)
				VALUES ($1, $2, $3, 'pending', 'lose', 'not_applicable', 'unexecuted', 12345.67, $4)`,
				codes[i%companies], fmt.Sprintf("京劳人仲字〔2026〕第%05d号", i), kind, from.Add(8*time.Hour+time.Duration(i)*time.Second))
			require.NoError(t, err)
		}
	}
	return codes
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func newJob(pool *pgxpool.Pool, chans ...alerts.ChannelConfig) *digest.Job {
	return &digest.Job{Pool: pool, Channels: chans, Zone: shanghai, Now: func() time.Time { return nineAM }, Log: zerolog.Nop()}
}

// deliver runs an outbox worker for replica over the channels until the
// test ends.
func deliver(t *testing.T, pool *pgxpool.Pool, replica string, chans ...alerts.ChannelConfig) chan struct{} {
	t.Helper()
	s, err := alerts.BuildSenders(chans, &http.Client{Timeout: 10 * time.Second}, time.Now)
	require.NoError(t, err)
	w := outbox.New(pool, outbox.Options{Replica: replica, Senders: s, Lease: 5 * time.Second, Poll: 100 * time.Millisecond,
		Backoff: alerts.Backoff{Base: 50 * time.Millisecond, Max: 200 * time.Millisecond, MaxAttempts: 20}}, zerolog.Nop(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	wake := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx, wake) }()
	t.Cleanup(func() { cancel(); <-done })
	return wake
}

// Three replicas run the day's digest at once and deliver the outbox to one
// WeCom robot: the 300 events of the day arrive split into parts that each
// fit WeCom's 4,096 bytes, every part once.
func TestDigestArrivesOnceWithThreeReplicas(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	yesterday := scoring.NewDate(2026, time.December, 6)
	seed(t, pool, 150, map[scoring.Date]int{yesterday: 300, yesterday.AddDays(-1): 40})
	robot := alertstest.NewWeComRobot(t, 1000, time.Minute)
	ops := alerts.ChannelConfig{Name: "ops", Kind: alerts.KindWeCom, URL: secret.Value(robot.URL()), Digest: true,
		RateLimit: alerts.RateLimit{N: 100, Per: time.Second}}

	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Go(func() { errs[i] = newJob(pool, ops).Run(context.Background()) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.digests WHERE channel = 'ops' AND kind = 'daily'`),
		"one digest of yesterday (a channel's first digest is yesterday's, not the days before)")
	parts := count(t, pool, `SELECT parts FROM arbsync.digests WHERE channel = 'ops' AND period = '2026-12-06' AND events = 300`)
	require.GreaterOrEqual(t, parts, 2, "300 events do not fit one WeCom message")
	require.Equal(t, parts, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE kind = 'digest' AND channel = 'ops'`))

	// What WeCom will get: each part whole within 4,096 bytes.
	rows, err := pool.Query(context.Background(), `SELECT message FROM arbsync.alerts WHERE kind = 'digest' ORDER BY id`)
	require.NoError(t, err)
	var keys []string
	for rows.Next() {
		var m alerts.Message
		var body []byte
		require.NoError(t, rows.Scan(&body))
		require.NoError(t, json.Unmarshal(body, &m))
		text := alerts.Render(alerts.KindWeCom, m)
		require.LessOrEqual(t, len(text), 4096)
		require.NotContains(t, text, "…\n", "a part was cut")
		keys = append(keys, m.DedupKey)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, fmt.Sprintf("digest:ops:2026-12-06:1/%d", parts), keys[0])

	for _, r := range []string{"replica-1", "replica-2", "replica-3"} {
		deliver(t, pool, r, ops)
	}
	require.Eventually(t, func() bool { return len(robot.Received()) >= parts }, 30*time.Second, 20*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // a repeat would arrive now
	require.Len(t, robot.Received(), parts)
	require.Empty(t, robot.Repeats())
	require.Zero(t, robot.Throttled())
	t.Logf("300 events: %d WeCom parts, %d received by the robot from 3 replicas, 0 repeats", parts, len(robot.Received()))
	got := map[string]bool{}
	for _, r := range robot.Received() {
		got[r.Key] = true
	}
	for _, k := range keys {
		require.True(t, got[k], "robot got %s", k)
	}

	// The daily job running again (a restart, a catch-up) writes nothing.
	require.NoError(t, newJob(pool, ops).Run(context.Background()))
	require.Equal(t, parts, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE kind = 'digest'`))
}

// After downtime the job catches every missed day up (at most MaxCatchUp
// back); a day with nothing to say is recorded but sends nothing unless the
// channel asks for empty days.
func TestDigestCatchesUpAndSkipsEmptyDays(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	d := func(day int) scoring.Date { return scoring.NewDate(2026, time.December, day) }
	seed(t, pool, 10, map[scoring.Date]int{d(4): 5})
	quiet := alerts.ChannelConfig{Name: "quiet", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook", Digest: true}
	chatty := alerts.ChannelConfig{Name: "chatty", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook", Digest: true, DigestEmpty: true}
	old := alerts.ChannelConfig{Name: "old", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook", Digest: true}
	none := alerts.ChannelConfig{Name: "none", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook"}
	for _, r := range []struct {
		channel string
		last    scoring.Date
	}{{"quiet", d(2)}, {"chatty", d(2)}, {"old", scoring.NewDate(2026, time.November, 1)}} {
		_, err := pool.Exec(context.Background(), `INSERT INTO arbsync.digests (channel, kind, period, parts, events) VALUES ($1, 'daily', $2, 1, 0)`, r.channel, r.last.Time())
		require.NoError(t, err)
	}
	require.NoError(t, newJob(pool, quiet, chatty, old, none).Run(context.Background()))

	periods := func(channel string) string {
		var s string
		require.NoError(t, pool.QueryRow(context.Background(), `SELECT string_agg(period::text || '=' || parts, ' ' ORDER BY period)
			FROM arbsync.digests WHERE channel = $1 AND period > '2026-12-02'`, channel).Scan(&s))
		return s
	}
	require.Equal(t, "2026-12-03=0 2026-12-04=1 2026-12-05=0 2026-12-06=0", periods("quiet"), "every missed day, only the 4th had news")
	require.Equal(t, "2026-12-03=1 2026-12-04=1 2026-12-05=1 2026-12-06=1", periods("chatty"))
	require.Equal(t, fmt.Sprintf("%d", digest.MaxCatchUp), fmt.Sprint(count(t, pool, `SELECT count(*) FROM arbsync.digests WHERE channel = 'old' AND period > '2026-11-01'`)),
		"a channel down for a month is caught up on the last MaxCatchUp days")
	require.Zero(t, count(t, pool, `SELECT count(*) FROM arbsync.digests WHERE channel = 'none'`), "a channel without DIGEST=daily gets none")
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE channel = 'quiet'`))
	require.Equal(t, 4, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE channel = 'chatty'`))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alerts WHERE channel = 'chatty' AND message->'lines'->>0 LIKE '监控名单当日无新立案%' AND dedup_key = 'digest:chatty:2026-12-05:1/1'`))
}

// A digest of today (by hand) covers the day so far, is keyed by the time
// it was made and records nothing: the scheduled digest of the whole day is
// still sent tomorrow.
func TestDigestOfTodayRecordsNothing(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	today := scoring.NewDate(2026, time.December, 7)
	seed(t, pool, 5, map[scoring.Date]int{today: 3})
	ops := alerts.ChannelConfig{Name: "ops", Kind: alerts.KindWebhook, URL: "http://127.0.0.1:1/hook", Digest: true}
	j := newJob(pool, ops)
	res, err := j.SendDay(context.Background(), today, "")
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Equal(t, 1, res[0].Parts)
	require.Zero(t, count(t, pool, `SELECT count(*) FROM arbsync.digests`))
	var key, heading string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT dedup_key, message->>'heading' FROM arbsync.alerts WHERE kind = 'digest'`).Scan(&key, &heading))
	require.Equal(t, "digest:ops:2026-12-07@090000:1/1", key)
	require.Equal(t, "劳动仲裁监控日报 2026-12-07（截至 09:00）", heading)

	_, err = j.SendDay(context.Background(), today.AddDays(1), "")
	require.ErrorContains(t, err, "is in the future")
	_, err = j.SendDay(context.Background(), today, "hr")
	require.ErrorContains(t, err, `channel "hr" is not configured with ARBSYNC_ALERT_HR_DIGEST=daily`)

	// Yesterday by hand is recorded like the scheduled run, and not repeated.
	first, err := j.SendDay(context.Background(), today.AddDays(-1), "")
	require.NoError(t, err)
	again, err := j.SendDay(context.Background(), today.AddDays(-1), "")
	require.NoError(t, err)
	require.False(t, first[0].Already)
	require.True(t, again[0].Already)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.digests`))
}
