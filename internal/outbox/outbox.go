package outbox

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
)

// Channel is the NOTIFY channel scoring signals new alerts on.
const Channel = "arbsync_alerts"

// Options configure a Worker.
type Options struct {
	Replica string
	Senders alerts.Senders
	Backoff alerts.Backoff
	// Poll is how often a channel looks for due deliveries without a
	// notification (default 10s, at most Lease/3).
	Poll time.Duration
	// MaxAge bounds which alerts are fanned out to channels (default 72h).
	MaxAge time.Duration
	// Lease is how long a channel's send lease, and a claimed delivery, is
	// held without renewal before another replica may take it (default
	// 30s). It must exceed the longest send: the HTTP timeout plus a
	// rate-limit wait.
	Lease time.Duration
}

// Worker delivers the outbox: one sender per configured channel.
type Worker struct {
	pool     *pgxpool.Pool
	opts     Options
	log      zerolog.Logger
	metrics  *metrics
	channels []*channel
}

type metrics struct {
	attempts *prometheus.CounterVec
	pending  prometheus.Gauge
}

// New builds a worker whose metrics go to reg (nil: nowhere). Building two
// on one registry panics (their metrics would collide).
func New(pool *pgxpool.Pool, opts Options, log zerolog.Logger, reg prometheus.Registerer) *Worker {
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = 10 * time.Second
	}
	opts.Poll = min(opts.Poll, opts.Lease/3)
	if opts.MaxAge <= 0 {
		opts.MaxAge = 72 * time.Hour
	}
	if opts.Backoff.Base == 0 {
		opts.Backoff = alerts.DefaultBackoff()
	}
	f := promauto.With(reg)
	m := &metrics{
		attempts: f.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_alert_deliveries_total",
			Help: "Alert delivery attempts, by channel kind and outcome (sent, retriable, throttled, permanent).",
		}, []string{"kind", "outcome"}),
		pending: f.NewGauge(prometheus.GaugeOpts{
			Name: "arbsync_alert_deliveries_pending",
			Help: "Alert deliveries waiting to be sent or retried.",
		}),
	}
	w := &Worker{pool: pool, opts: opts, log: log.With().Str("component", "outbox").Logger(), metrics: m}
	for _, s := range opts.Senders {
		w.channels = append(w.channels, &channel{w: w, sender: s, log: w.log.With().Str("channel", s.Name()).Logger()})
	}
	return w
}

// Run delivers until ctx is done, each channel in its own goroutine: at each
// signal on wake (new alerts committed) and every Poll. At the end it gives
// up the channels' leases.
func (w *Worker) Run(ctx context.Context, wake <-chan struct{}) error {
	if len(w.channels) == 0 {
		w.log.Info().Msg("no alert channels configured (ARBSYNC_ALERT_CHANNELS): alerts stay in the outbox")
		<-ctx.Done()
		return nil
	}
	wakes := make([]chan struct{}, len(w.channels))
	var wg sync.WaitGroup
	for i, c := range w.channels {
		wakes[i] = make(chan struct{}, 1)
		wg.Go(func() { c.run(ctx, wakes[i]) })
	}
	defer wg.Wait()
	t := time.NewTicker(w.opts.Poll)
	defer t.Stop()
	for {
		w.countPending(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
			for _, ch := range wakes {
				select {
				case ch <- struct{}{}:
				default: // a wake-up is already pending
				}
			}
		case <-t.C:
		}
	}
}

// DeliverDue makes one pass over every channel in turn: it takes or renews
// the channel's lease, fans new alerts out to it and sends every due
// delivery once. It returns the number of attempts made. A channel whose
// lease another replica holds is skipped.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	total := 0
	for _, c := range w.channels {
		n, err := c.deliverDue(ctx)
		total += n
		if err != nil {
			return total, err
		}
	}
	w.countPending(ctx)
	return total, nil
}

func (w *Worker) countPending(ctx context.Context) {
	if n, err := db.New(w.pool).DeliveriesPending(ctx); err == nil {
		w.metrics.pending.Set(float64(n))
	}
}
