package outbox_test

import (
	"context"
	"math/big"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/testdb"
)

// Each channel gets the level alerts of its levels, the event alerts of its
// event kinds and the digest parts addressed to it, and nothing else.
func TestChannelsGetWhatTheySubscribeTo(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	ops, hr := newReceiver(t, 0), newReceiver(t, 0)
	hr.secret = ops.secret
	env := map[string]string{
		"ARBSYNC_ALERT_CHANNELS":   "ops,hr",
		"ARBSYNC_ALERT_OPS_KIND":   "webhook",
		"ARBSYNC_ALERT_OPS_URL":    ops.srv.URL + "/hook",
		"ARBSYNC_ALERT_OPS_SECRET": ops.secret,
		"ARBSYNC_ALERT_OPS_EVENTS": "filed,execution_changed",
		"ARBSYNC_ALERT_OPS_DIGEST": "daily",
		"ARBSYNC_ALERT_HR_KIND":    "webhook",
		"ARBSYNC_ALERT_HR_URL":     hr.srv.URL + "/hook",
		"ARBSYNC_ALERT_HR_SECRET":  hr.secret,
		"ARBSYNC_ALERT_HR_LEVELS":  "urgent",
		"ARBSYNC_ALERT_HR_EVENTS":  "decided",
	}
	cfg, err := config.Load(config.Env{Getenv: func(k string) string { return env[k] }}, config.Need{})
	require.NoError(t, err)
	s, err := alerts.BuildSenders(cfg.Channels, &http.Client{Timeout: 2 * time.Second}, time.Now)
	require.NoError(t, err)

	addAlert(t, pool, "k:warning", "warning")
	at := time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	event := func(caseID, kind string) outbox.Alert {
		return outbox.CaseEvent{CompanyName: "测试公司", Event: db.CaseEventsInsertParams{
			CreditCode: "91440300708461136T", CaseID: caseID, Kind: kind, DetectedAt: at,
			NewClaimAmount: pgtype.Numeric{Int: big.NewInt(1234567), Exp: -2, Valid: true},
		}}.Alert()
	}
	batch := []outbox.Alert{event("c1", "filed"), event("c2", "decided"), event("c3", "amounts_changed")}
	batch = append(batch, outbox.ForChannel("ops", alerts.Split(alerts.KindWebhook, alerts.MessageDigest, "日报", []string{"无事"}, "digest:ops:2026-12-06"))...)
	n, err := outbox.Enqueue(context.Background(), db.New(pool), batch)
	require.NoError(t, err)
	require.Equal(t, 4, n)
	n, err = outbox.Enqueue(context.Background(), db.New(pool), batch)
	require.NoError(t, err)
	require.Zero(t, n, "a dedup key already in the outbox is skipped")

	w := newWorker(t, pool, s, "r1", time.Minute)
	_, err = w.DeliverDue(context.Background())
	require.NoError(t, err)
	key := func(caseID, kind string) string {
		return "event:91440300708461136T:" + caseID + ":" + kind + ":" + "1796553000000000"
	}
	got := ops.received()
	slices.Sort(got)
	require.Equal(t, []string{"digest:ops:2026-12-06:1/1", key("c1", "filed"), "k:warning"}, got)
	require.Equal(t, []string{key("c2", "decided")}, hr.received(), "hr takes urgent level alerts and decisions only")
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM bi.alerts WHERE kind = 'digest' AND channel = 'ops' AND level IS NULL AND channels_sent = 1`))
}
