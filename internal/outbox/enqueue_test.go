package outbox_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/scoring"
)

const enqueuedCode = "91440300708461136T"

// levelChanges are two alerts of one company: its first score, in warning
// (score row 41), then the thresholds of the week of 2026-11-23 pushing it
// to urgent (score row 42).
func levelChanges() []outbox.Alert {
	asOf := scoring.NewDate(2026, time.November, 24)
	th := scoring.Thresholds{Warning: 6000, Urgent: 4000}
	const claim = 6_000_000 // fen: 60,000 yuan
	return []outbox.Alert{
		outbox.LevelChange{
			Cause: outbox.ScoreCause(41), CreditCode: enqueuedCode, CompanyName: "测试公司", IndustryName: "餐饮业",
			ScoreID: 41, To: scoring.LevelWarning, Score: 5550, Thresholds: th,
			RecentCases: 2, RecentClaim: claim, LatestCaseTitle: "张某与测试公司劳动争议", AsOf: asOf,
		}.Alert(),
		outbox.LevelChange{
			Cause: outbox.ThresholdsCause(asOf.AddDays(-1)), CreditCode: enqueuedCode, CompanyName: "测试公司",
			ScoreID: 42, From: scoring.LevelWarning, To: scoring.LevelUrgent, Score: 3500, Thresholds: th,
			RecentCases: 3, RecentClaim: claim, AsOf: asOf,
		}.Alert(),
	}
}

// enqueuedRow is what arbsync.alerts holds of an alert.
type enqueuedRow struct {
	key              string
	scoreID          int64
	level, prev      string
	score, threshold string
	message          alerts.Message
}

// Level changes become outbox rows keyed by company, cause and level, with
// the threshold the new level crossed; writing them again changes nothing,
// and the delivery workers are woken when the transaction commits.
func TestEnqueueLevelChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	listener, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer listener.Release()
	_, err = listener.Exec(ctx, "LISTEN "+outbox.Channel)
	require.NoError(t, err)
	enqueue := func() int {
		t.Helper()
		var n int
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var err error
			n, err = outbox.Enqueue(ctx, db.New(tx), levelChanges())
			return err
		}))
		return n
	}

	require.Equal(t, 2, enqueue())
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = listener.Conn().WaitForNotification(wait)
	require.NoError(t, err, "the delivery workers are notified")

	rows, err := pool.Query(ctx, `SELECT dedup_key, score_id, level, previous_level, score::text, threshold::text, message
		FROM arbsync.alerts ORDER BY dedup_key`)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (enqueuedRow, error) {
		var v enqueuedRow
		var raw []byte
		if err := r.Scan(&v.key, &v.scoreID, &v.level, &v.prev, &v.score, &v.threshold, &raw); err != nil {
			return v, err
		}
		return v, json.Unmarshal(raw, &v.message)
	})
	require.NoError(t, err)
	const code = enqueuedCode
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	require.Equal(t, []enqueuedRow{
		{key: code + ":score:41:warning", scoreID: 41, level: "warning", prev: "none", score: "55.50", threshold: "60.00",
			message: alerts.Message{DedupKey: code + ":score:41:warning", CreditCode: code, CompanyName: "测试公司", IndustryName: "餐饮业",
				Score: "55.50", Threshold: "60.00", Level: alerts.LevelWarning, RecentCases: 2, RecentClaimAmount: "60000.00",
				LatestCaseTitle: "张某与测试公司劳动争议", AsOf: day}},
		{key: code + ":thresholds:2026-11-23:urgent", scoreID: 42, level: "urgent", prev: "warning", score: "35.00", threshold: "40.00",
			message: alerts.Message{DedupKey: code + ":thresholds:2026-11-23:urgent", CreditCode: code, CompanyName: "测试公司",
				Score: "35.00", Threshold: "40.00", Level: alerts.LevelUrgent, PreviousLevel: alerts.LevelWarning, RecentCases: 3,
				RecentClaimAmount: "60000.00", AsOf: day}},
	}, got)
	for _, r := range got {
		require.NoError(t, r.message.Validate(), "a channel can send %s", r.key)
	}

	require.Zero(t, enqueue(), "an alert already in the outbox is not written again")
	require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM arbsync.alerts`))
	n, err := outbox.Enqueue(ctx, db.New(pool), nil)
	require.NoError(t, err)
	require.Zero(t, n)
}
