package outbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/testdb"
)

// receiver is a generic-webhook endpoint that verifies signatures, fails
// the first `failures` requests with HTTP 500, and records dedup keys.
type receiver struct {
	srv      *httptest.Server
	secret   string
	failures atomic.Int32
	hang     atomic.Bool
	mu       sync.Mutex
	keys     []string
}

func newReceiver(t *testing.T, failures int32) *receiver {
	r := &receiver{secret: "whsec-test-0123"}
	r.failures.Store(failures)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body) // reading it lets the server notice a client that hangs up
		if r.hang.Load() {
			select {
			case <-req.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		if !alerts.VerifyWebhook(body, req.Header.Get(alerts.HeaderSignature), r.secret) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if r.failures.Add(-1) >= 0 {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		r.mu.Lock()
		r.keys = append(r.keys, req.Header.Get(alerts.HeaderDedupKey))
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.keys...)
}

func senders(t *testing.T, r *receiver, levels string) alerts.Senders {
	t.Helper()
	env := map[string]string{
		"ARBSYNC_ALERT_CHANNELS":   "ops",
		"ARBSYNC_ALERT_OPS_KIND":   "webhook",
		"ARBSYNC_ALERT_OPS_URL":    r.srv.URL + "/hook",
		"ARBSYNC_ALERT_OPS_SECRET": r.secret,
		"ARBSYNC_ALERT_OPS_LEVELS": levels,
	}
	cfg, err := config.Load(config.Env{Getenv: func(k string) string { return env[k] }}, config.Need{})
	require.NoError(t, err)
	s, err := alerts.BuildSenders(cfg.Channels, &http.Client{Timeout: 2 * time.Second}, time.Now)
	require.NoError(t, err)
	return s
}

func addAlert(t *testing.T, pool *pgxpool.Pool, key, level string) {
	t.Helper()
	m := alerts.Message{DedupKey: key, CreditCode: "91440300708461136T", CompanyName: "测试公司", Score: "35.00", Threshold: "40.00",
		Level: alerts.Level(level), PreviousLevel: alerts.LevelOK, RecentCases: 3, RecentClaimAmount: "60000.00", LatestCaseTitle: "张某与测试公司劳动争议",
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}
	body, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = pool.Exec(context.Background(), `INSERT INTO arbsync.alerts (dedup_key, credit_code, level, previous_level, score, threshold, message)
		VALUES ($1, '91440300708461136T', $2, 'ok', 35, 40, $3)`, key, level, body)
	require.NoError(t, err)
}

func newWorker(t *testing.T, pool *pgxpool.Pool, s alerts.Senders, replica string, lease time.Duration) *outbox.Worker {
	t.Helper()
	return outbox.New(pool, outbox.Options{
		Replica: replica, Senders: s, Lease: lease,
		Backoff: alerts.Backoff{Base: time.Millisecond, Max: 2 * time.Millisecond, MaxAttempts: 10},
	}, zerolog.Nop(), nil)
}

func count(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql).Scan(&n))
	return n
}

// A receiver that fails is retried with backoff, every attempt is recorded,
// and the alert is delivered exactly once.
func TestFailingReceiverIsRetriedUntilDelivered(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	r := newReceiver(t, 2)
	w := newWorker(t, pool, senders(t, r, "warning,urgent"), "r1", time.Minute)
	addAlert(t, pool, "k1:score:1:urgent", "urgent")
	ctx := context.Background()
	require.Eventually(t, func() bool {
		_, err := w.DeliverDue(ctx)
		require.NoError(t, err)
		return count(t, pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'sent'`) == 1
	}, 10*time.Second, 5*time.Millisecond)
	require.Equal(t, []string{"k1:score:1:urgent"}, r.received())
	require.Equal(t, 3, count(t, pool, `SELECT count(*) FROM arbsync.alert_delivery_attempts`))
	require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM arbsync.alert_delivery_attempts WHERE outcome = 'retriable'`))
	require.Equal(t, 3, count(t, pool, `SELECT attempts FROM arbsync.alert_deliveries`))
	// Nothing more is sent.
	_, err := w.DeliverDue(ctx)
	require.NoError(t, err)
	require.Len(t, r.received(), 1)
}

// Channels receive only the levels configured for them.
func TestChannelLevels(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	r := newReceiver(t, 0)
	w := newWorker(t, pool, senders(t, r, "urgent"), "r1", time.Minute)
	addAlert(t, pool, "k:warning", "warning")
	addAlert(t, pool, "k:urgent", "urgent")
	_, err := w.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"k:urgent"}, r.received())
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alert_deliveries`))
}

// A permanent failure (wrong secret) is recorded and not retried.
func TestPermanentFailureStops(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	r := newReceiver(t, 0)
	r.secret = "the receiver expects another secret"
	w := newWorker(t, pool, senders(t, &receiver{srv: r.srv, secret: "whsec-test-0123"}, "warning,urgent"), "r1", time.Minute)
	addAlert(t, pool, "k:perm", "warning")
	for range 3 {
		_, err := w.DeliverDue(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'failed'`))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alert_delivery_attempts WHERE outcome = 'permanent'`))
	var lastErr string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT last_error FROM arbsync.alert_deliveries`).Scan(&lastErr))
	require.NotContains(t, lastErr, "whsec-test-0123", "the secret never reaches the error")
}

// A delivery in flight when its worker dies (here: its context ends while
// the receiver hangs) is not lost: once the lease expires another worker
// delivers it.
func TestWorkerDyingMidSendLosesNothing(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	r := newReceiver(t, 0)
	r.hang.Store(true)
	s := senders(t, r, "warning,urgent")
	addAlert(t, pool, "k:crash", "urgent")
	w1 := newWorker(t, pool, s, "dying", time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, _ = w1.DeliverDue(ctx)
	cancel()
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'pending' AND leased_by = 'dying'`))

	r.hang.Store(false)
	w2 := newWorker(t, pool, s, "survivor", time.Second)
	n, err := w2.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Zero(t, n, "the delivery lease still belongs to the dead worker")
	require.Eventually(t, func() bool {
		_, err := w2.DeliverDue(context.Background())
		require.NoError(t, err)
		return len(r.received()) == 1
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'sent'`))
}

// Only the replica holding the delivery lease delivers.
func TestOneReplicaDelivers(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	r := newReceiver(t, 0)
	s := senders(t, r, "warning,urgent")
	for i := range 5 {
		addAlert(t, pool, "k:"+string(rune('a'+i)), "warning")
	}
	a := newWorker(t, pool, s, "a", time.Minute)
	b := newWorker(t, pool, s, "b", time.Minute)
	na, err := a.DeliverDue(context.Background())
	require.NoError(t, err)
	nb, err := b.DeliverDue(context.Background())
	require.NoError(t, err)
	require.Equal(t, 5, na)
	require.Zero(t, nb)
	require.Len(t, r.received(), 5)
}
