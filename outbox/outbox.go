// Package outbox delivers the alerts that scoring writes to
// arbsync.alerts (in the same transaction as the score change that causes
// them) to the configured channels.
//
// Delivery is at-least-once. Each alert gets one arbsync.alert_deliveries row
// per channel configured for its level; the worker claims due rows with a
// lease (FOR UPDATE SKIP LOCKED), sends, and records every attempt in
// arbsync.alert_delivery_attempts together with the row's new state: sent,
// pending with the next attempt time (backoff, or the channel's throttle
// delay), or failed (a permanent error such as a wrong signature or keyword,
// or attempts exhausted) — which is logged for the operator and not retried.
// Nothing is lost if the daemon dies between the score commit and the send:
// the row stays pending. A message is sent twice only if the daemon dies
// between a successful send and recording it; every message carries its
// dedup key so receivers can drop the repeat.
//
// Chat robots limit messages per robot, and the limiters live in this
// process, so only one replica delivers at a time: the worker holds the
// "deliver" lease row in arbsync.job_runs.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/alerts"
	"github.com/arbsync/arbsync/db"
)

// Channel is the NOTIFY channel scoring signals new alerts on.
const Channel = "arbsync_alerts"

// Options configure a Worker.
type Options struct {
	Replica string
	Senders alerts.Senders
	Backoff alerts.Backoff
	// Poll is how often the worker looks for due deliveries without a
	// notification (default 10s).
	Poll time.Duration
	// MaxAge bounds which alerts are fanned out to channels (default 72h).
	MaxAge time.Duration
	// Batch is the number of deliveries claimed at once (default 50).
	Batch int
	// Lease is how long a claimed delivery (and the replica's delivery
	// lease) is held before another run may take it (default 2×Poll + 1m).
	Lease time.Duration
}

// Worker delivers the outbox.
type Worker struct {
	pool    *pgxpool.Pool
	opts    Options
	log     zerolog.Logger
	metrics *metrics
}

type metrics struct {
	attempts *prometheus.CounterVec
	pending  prometheus.Gauge
}

// New builds a worker; reg may be nil.
func New(pool *pgxpool.Pool, opts Options, log zerolog.Logger, reg prometheus.Registerer) (*Worker, error) {
	if opts.Poll <= 0 {
		opts.Poll = 10 * time.Second
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 72 * time.Hour
	}
	if opts.Batch <= 0 {
		opts.Batch = 50
	}
	if opts.Lease <= 0 {
		opts.Lease = 2*opts.Poll + time.Minute
	}
	if opts.Backoff.Base == 0 {
		opts.Backoff = alerts.DefaultBackoff()
	}
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_alert_deliveries_total",
			Help: "Alert delivery attempts, by channel kind and outcome (sent, retriable, throttled, permanent).",
		}, []string{"kind", "outcome"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "arbsync_alert_deliveries_pending",
			Help: "Alert deliveries waiting to be sent or retried.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.attempts, m.pending} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return &Worker{pool: pool, opts: opts, log: log.With().Str("component", "outbox").Logger(), metrics: m}, nil
}

// Run delivers until ctx is done: at each notification from scoring and
// every Poll interval.
func (w *Worker) Run(ctx context.Context, wake <-chan struct{}) error {
	if len(w.opts.Senders) == 0 {
		w.log.Info().Msg("no alert channels configured (ARBSYNC_ALERT_CHANNELS): alerts stay in the outbox")
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(w.opts.Poll)
	defer t.Stop()
	for {
		if _, err := w.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			w.log.Error().Err(err).Msg("unable to deliver alerts")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-t.C:
		}
	}
}

// DeliverDue fans out new alerts and sends every due delivery once; it
// returns the number of attempts made. It does nothing when another replica
// holds the delivery lease.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	q := db.New(w.pool)
	lease := w.opts.Lease
	if _, err := q.JobLeaseAcquire(ctx, db.JobLeaseAcquireParams{Job: "deliver", Replica: w.opts.Replica, LeaseSeconds: lease.Seconds()}); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, nil
		}
		return 0, err
	}
	names := make([]string, 0, len(w.opts.Senders))
	for _, s := range w.opts.Senders {
		names = append(names, s.Name())
		levels := make([]string, 0, 2)
		for _, l := range s.Levels() {
			levels = append(levels, string(l))
		}
		if _, err := q.DeliveriesFanOut(ctx, db.DeliveriesFanOutParams{Channel: s.Name(), Levels: levels, MaxAgeSeconds: w.opts.MaxAge.Seconds()}); err != nil {
			return 0, err
		}
	}
	attempts := 0
	for ctx.Err() == nil {
		rows, err := q.DeliveriesClaim(ctx, db.DeliveriesClaimParams{Channels: names, Replica: w.opts.Replica, LeaseSeconds: lease.Seconds(), MaxRows: int32(w.opts.Batch)})
		if err != nil {
			return attempts, err
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			if err := w.deliver(ctx, q, r); err != nil {
				return attempts, err
			}
			attempts++
		}
		if len(rows) < w.opts.Batch {
			break
		}
	}
	if n, err := q.DeliveriesPending(ctx); err == nil {
		w.metrics.pending.Set(float64(n))
	}
	return attempts, nil
}

func (w *Worker) deliver(ctx context.Context, q *db.Queries, r db.DeliveriesClaimRow) error {
	log := w.log.With().Int64("alert_id", r.AlertID).Str("channel", r.Channel).Logger()
	sender, ok := w.opts.Senders.ByName(r.Channel)
	if !ok {
		return nil // claimed only for configured channels
	}
	var msg alerts.Message
	started := time.Now()
	attempt := int(r.Attempts) + 1
	var sendErr error
	if err := json.Unmarshal(r.Message, &msg); err != nil {
		sendErr = &alerts.SendError{Channel: r.Channel, Kind: alerts.Permanent, Msg: "stored message is not valid: " + err.Error()}
	} else {
		sendErr = sender.Send(ctx, msg)
	}
	if sendErr != nil && ctx.Err() != nil {
		return nil // shutting down: the lease expires and the next run retries
	}
	p := db.DeliveryRecordParams{ID: r.ID, Attempt: int32(attempt), StartedAt: started}
	outcome := "sent"
	if sendErr == nil {
		p.Status, p.NextAttemptAt = "sent", started
		log.Info().Int("attempt", attempt).Msg("alert delivered")
	} else {
		msgText := sendErr.Error()
		p.Error = &msgText
		next := w.opts.Backoff.Next(attempt, sendErr, time.Now())
		switch alerts.KindOf(sendErr) {
		case alerts.Permanent:
			outcome = "permanent"
		case alerts.Throttled:
			outcome = "throttled"
		default:
			outcome = "retriable"
		}
		if next.IsZero() {
			p.Status, p.NextAttemptAt = "failed", started
			log.Error().Err(sendErr).Int("attempt", attempt).Msg("alert delivery failed for good: fix the channel's configuration (see arbsync.alert_deliveries)")
		} else {
			p.Status, p.NextAttemptAt = "pending", next
			log.Warn().Err(sendErr).Int("attempt", attempt).Time("next_attempt_at", next).Msg("alert delivery failed; will retry")
		}
	}
	p.Outcome = outcome
	w.metrics.attempts.WithLabelValues(string(sender.Kind()), outcome).Inc()
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return q.DeliveryRecord(recCtx, p)
}
