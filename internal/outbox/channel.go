package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
)

// channel sends one channel's deliveries while this replica holds the
// channel's lease.
type channel struct {
	w      *Worker
	sender alerts.Sender
	log    zerolog.Logger
	// held is whether this replica held the lease at the last take or
	// renewal.
	held bool
	// pausedUntil is when the service's throttle on the channel ends.
	pausedUntil time.Time
}

// run serves the channel until ctx ends, then gives its lease up.
func (c *channel) run(ctx context.Context, wake <-chan struct{}) {
	defer c.release(ctx)
	tick := time.NewTicker(c.w.opts.Poll)
	defer tick.Stop()
	for {
		if _, err := c.deliverDue(ctx); err != nil && ctx.Err() == nil {
			c.log.Error().Err(err).Msg("unable to deliver alerts")
		}
		var resume <-chan time.Time
		var timer *time.Timer
		if d := time.Until(c.pausedUntil); c.held && d > 0 {
			timer = time.NewTimer(d)
			resume = timer.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-tick.C: // renews the lease while idle, or takes a free one
		case <-resume:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// deliverDue takes or renews the lease and, while it holds it, sends the
// channel's due deliveries one at a time, renewing the lease before each.
func (c *channel) deliverDue(ctx context.Context) (int, error) {
	q := db.New(c.w.pool)
	if held, err := c.hold(ctx, q); err != nil || !held {
		return 0, err
	}
	levels := make([]string, 0, 2)
	for _, l := range c.sender.Levels() {
		levels = append(levels, string(l))
	}
	if _, err := q.DeliveriesFanOut(ctx, db.DeliveriesFanOutParams{Channel: c.sender.Name(), Levels: levels, EventKinds: append([]string{}, c.sender.Events()...), MaxAgeSeconds: c.w.opts.MaxAge.Seconds()}); err != nil {
		return 0, err
	}
	attempts := 0
	for ctx.Err() == nil && time.Now().After(c.pausedUntil) {
		if attempts > 0 {
			if held, err := c.hold(ctx, q); err != nil || !held {
				return attempts, err
			}
		}
		rows, err := q.DeliveriesClaim(ctx, db.DeliveriesClaimParams{
			Channel: c.sender.Name(), Replica: c.w.opts.Replica, LeaseSeconds: c.w.opts.Lease.Seconds(), MaxRows: 1,
		})
		if err != nil {
			return attempts, err
		}
		if len(rows) == 0 {
			break
		}
		if err := c.deliver(ctx, q, rows[0]); err != nil {
			return attempts, err
		}
		attempts++
	}
	return attempts, nil
}

// hold takes the channel's lease, or renews it when this replica holds it.
// It reports whether this replica holds it now; a lease lost to another
// replica is reported once.
func (c *channel) hold(ctx context.Context, q *db.Queries) (bool, error) {
	name, replica, secs := c.sender.Name(), c.w.opts.Replica, c.w.opts.Lease.Seconds()
	var (
		paused *time.Time
		err    error
	)
	if c.held {
		paused, err = q.ChannelLeaseRenew(ctx, db.ChannelLeaseRenewParams{Channel: name, Replica: replica, LeaseSeconds: secs})
		if errors.Is(err, pgx.ErrNoRows) {
			c.held = false
			c.log.Info().Msg("lost the channel's send lease: another replica sends to it now")
			return false, nil
		}
	} else {
		paused, err = q.ChannelLeaseAcquire(ctx, db.ChannelLeaseAcquireParams{Channel: name, Replica: replica, LeaseSeconds: secs})
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil // another replica sends to it
		}
		if err == nil {
			c.held = true
			// The previous holder may have used this minute's quota.
			c.sender.Drain()
			c.log.Info().Msg("sending to this channel")
		}
	}
	if err != nil {
		// Whether the lease is still ours is unknown: stop sending until a
		// renewal or a new take says so (a new take drains the limiter).
		c.held = false
		return false, err
	}
	if paused != nil && paused.After(c.pausedUntil) {
		c.pausedUntil = *paused
		c.sender.PauseUntil(*paused)
	}
	return true, nil
}

// release gives the lease up, so another replica takes the channel at once.
func (c *channel) release(ctx context.Context) {
	if !c.held {
		return
	}
	c.held = false
	relCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := db.New(c.w.pool).ChannelLeaseRelease(relCtx, db.ChannelLeaseReleaseParams{Channel: c.sender.Name(), Replica: c.w.opts.Replica}); err != nil {
		c.log.Warn().Err(err).Msg("unable to give the channel's send lease up; another replica takes it when it expires")
	}
}

// deliver sends one claimed delivery and records the attempt.
func (c *channel) deliver(ctx context.Context, q *db.Queries, r db.DeliveriesClaimRow) error {
	log := c.log.With().Int64("alert_id", r.AlertID).Logger()
	var msg alerts.Message
	started := time.Now()
	attempt := int(r.Attempts) + 1
	var sendErr error
	if err := json.Unmarshal(r.Message, &msg); err != nil {
		sendErr = &alerts.SendError{Channel: r.Channel, Kind: alerts.Permanent, Msg: "stored message is not valid: " + err.Error()}
	} else if sendErr = c.loadFile(ctx, q, &msg); sendErr == nil {
		sendErr = c.sender.Send(ctx, msg)
	}
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr != nil && ctx.Err() != nil {
		// Stopping. A message that never left is handed back for the next
		// holder; one that may have arrived keeps its claim until it
		// expires, and is then sent again (at least once).
		if alerts.NotSent(sendErr) {
			if err := q.DeliveryRelease(recCtx, db.DeliveryReleaseParams{ID: r.ID, Replica: c.w.opts.Replica}); err != nil {
				log.Warn().Err(err).Msg("unable to hand an unsent delivery back; it is retried when its claim expires")
			}
		}
		return nil
	}
	p := db.DeliveryRecordParams{ID: r.ID, Attempt: int32(attempt), StartedAt: started}
	outcome := "sent"
	if sendErr == nil {
		p.Status, p.NextAttemptAt = "sent", started
		log.Info().Int("attempt", attempt).Msg("alert delivered")
	} else {
		msgText := sendErr.Error()
		p.Error = &msgText
		next := c.w.opts.Backoff.Next(attempt, sendErr, time.Now())
		var se *alerts.SendError
		switch alerts.KindOf(sendErr) {
		case alerts.Permanent:
			outcome = "permanent"
		case alerts.Throttled:
			outcome = "throttled"
			if errors.As(sendErr, &se) && se.RetryAfter > 0 {
				c.pause(recCtx, q, se.RetryAfter)
			}
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
	c.w.metrics.attempts.WithLabelValues(string(c.sender.Kind()), outcome).Inc()
	return q.DeliveryRecord(recCtx, p)
}

// loadFile reads the weekly report a report-file message sends from
// arbsync.threshold_reports, where the weekly job stored it.
func (c *channel) loadFile(ctx context.Context, q *db.Queries, m *alerts.Message) error {
	if m.Kind != alerts.MessageReportFile {
		return nil
	}
	week, err := time.Parse(time.DateOnly, m.ReportWeek)
	if err != nil {
		return &alerts.SendError{Channel: c.sender.Name(), Kind: alerts.Permanent, Msg: fmt.Sprintf("report file message names no week (%q)", m.ReportWeek)}
	}
	rep, err := q.ThresholdReportGet(ctx, week)
	if errors.Is(err, pgx.ErrNoRows) {
		return &alerts.SendError{Channel: c.sender.Name(), Kind: alerts.Permanent, Msg: "the weekly report of " + m.ReportWeek + " is not stored (arbsync.threshold_reports)"}
	}
	if err != nil {
		return &alerts.SendError{Channel: c.sender.Name(), Kind: alerts.Retriable, Msg: "read the weekly report of " + m.ReportWeek + ": " + err.Error()}
	}
	m.FileContent = []byte(rep.Html)
	return nil
}

// pause records the service's throttle so that whichever replica holds the
// channel next waits it out too.
func (c *channel) pause(ctx context.Context, q *db.Queries, d time.Duration) {
	if until := time.Now().Add(d); until.After(c.pausedUntil) {
		c.pausedUntil = until
	}
	if err := q.ChannelPause(ctx, db.ChannelPauseParams{Channel: c.sender.Name(), PauseSeconds: d.Seconds()}); err != nil {
		c.log.Warn().Err(err).Msg("unable to record the channel's throttle pause")
	}
}
