package digest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/scoring"
)

// MaxCatchUp is how many missed days a digest channel is caught up on after
// downtime; older days are skipped (bi.case_events has them).
const MaxCatchUp = 7

// Kinds of arbsync.digests rows.
const (
	kindDaily  = "daily"
	kindWeekly = "weekly"
)

// Job writes the digest channels' digests to the outbox.
type Job struct {
	Pool *pgxpool.Pool
	// Channels are the configured channels; those with Digest take
	// digests.
	Channels []alerts.ChannelConfig
	// Zone is the zone days are in (ARBSYNC_TIMEZONE).
	Zone *time.Location
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	Log zerolog.Logger
}

// Result is what writing one channel's digest of one period did.
type Result struct {
	Channel string
	Period  scoring.Date
	// Parts is the number of messages written; 0 for a day with nothing to
	// say that the channel does not want (or one already written).
	Parts int
	// Events is the number of case events the digest covers.
	Events int
	// Already is set when the digest had been written before (by another
	// replica, or an earlier run): nothing was written now.
	Already bool
}

func (j *Job) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
}

// digestChannels are the channels that take digests, all of them or the
// one named only ("" for all).
func (j *Job) digestChannels(only string) ([]alerts.ChannelConfig, error) {
	var out []alerts.ChannelConfig
	for _, c := range j.Channels {
		if c.Digest && (only == "" || c.Name == only) {
			out = append(out, c)
		}
	}
	if only != "" && len(out) == 0 {
		return nil, fmt.Errorf("channel %q is not configured with ARBSYNC_ALERT_%s_DIGEST=daily", only, upper(only))
	}
	return out, nil
}

// Run is the scheduled daily job: for every digest channel, the digest of
// each day since its last one up to yesterday (at most MaxCatchUp days
// back; a channel's first digest is yesterday's).
func (j *Job) Run(ctx context.Context) error {
	chans, err := j.digestChannels("")
	if err != nil || len(chans) == 0 {
		return err
	}
	now := j.now()
	today := scoring.DateOf(now.In(j.Zone))
	q := db.New(j.Pool)
	days := map[scoring.Date]Day{}
	for _, ch := range chans {
		first := today.AddDays(-1)
		last, err := q.DigestLastPeriod(ctx, db.DigestLastPeriodParams{Channel: ch.Name, Kind: kindDaily})
		switch {
		case err == nil:
			first = max(scoring.DateOf(last).AddDays(1), today.AddDays(-MaxCatchUp))
		case !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("digest for %s: %w", ch.Name, err)
		}
		for day := first; day < today; day = day.AddDays(1) {
			d, ok := days[day]
			if !ok {
				if d, err = Load(ctx, q, day, j.Zone, now, time.Time{}); err != nil {
					return err
				}
				days[day] = d
			}
			res, err := j.write(ctx, ch, d)
			if err != nil {
				return err
			}
			j.logResult(res)
		}
	}
	return nil
}

// SendDay writes the digest of day to the digest channels (or the one named
// only). A day that is over is recorded as the scheduled job records it, so
// each channel gets it once; a digest of today covers the day so far, is
// keyed by the time it was made and records nothing (the scheduled digest
// of today is still sent tomorrow).
func (j *Job) SendDay(ctx context.Context, day scoring.Date, only string) ([]Result, error) {
	chans, err := j.digestChannels(only)
	if err != nil {
		return nil, err
	}
	if len(chans) == 0 {
		return nil, errors.New("no channel takes digests: set ARBSYNC_ALERT_<NAME>_DIGEST=daily on one")
	}
	now := j.now()
	today := scoring.DateOf(now.In(j.Zone))
	if day > today {
		return nil, fmt.Errorf("%s is in the future (today is %s in %s)", day, today, j.Zone)
	}
	var until time.Time
	if day == today {
		until = now
	}
	d, err := Load(ctx, db.New(j.Pool), day, j.Zone, now, until)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, ch := range chans {
		res, err := j.write(ctx, ch, d)
		if err != nil {
			return out, err
		}
		j.logResult(res)
		out = append(out, res)
	}
	return out, nil
}

// Messages are the parts of d's digest for a channel of kind ck.
func (j *Job) Messages(ck alerts.ChannelKind, channel string, d Day) []alerts.Message {
	key := "digest:" + channel + ":" + d.Day.String()
	if !d.Until.IsZero() {
		key += "@" + d.Until.In(j.Zone).Format("150405")
	}
	return alerts.Split(ck, alerts.MessageDigest, d.Heading(j.Zone), d.Lines(j.Zone), key)
}

// write puts ch's digest of d in the outbox with its arbsync.digests row
// (unless d covers a day not yet over), in one transaction.
func (j *Job) write(ctx context.Context, ch alerts.ChannelConfig, d Day) (Result, error) {
	res := Result{Channel: ch.Name, Period: d.Day, Events: len(d.Events)}
	var msgs []alerts.Message
	if !d.Empty() || ch.DigestEmpty {
		msgs = j.Messages(ch.Kind, ch.Name, d)
	}
	err := pgx.BeginFunc(ctx, j.Pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		if d.Until.IsZero() {
			n, err := q.DigestRecord(ctx, db.DigestRecordParams{Channel: ch.Name, Kind: kindDaily, Period: d.Day.Time(), Parts: int32(len(msgs)), Events: int32(len(d.Events))})
			if err != nil {
				return fmt.Errorf("record digest: %w", err)
			}
			if n == 0 {
				res.Already = true
				return nil
			}
		}
		n, err := outbox.Enqueue(ctx, q, outbox.ForChannel(ch.Name, msgs))
		res.Parts = n
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("digest of %s for %s: %w", d.Day, ch.Name, err)
	}
	return res, nil
}

func (j *Job) logResult(r Result) {
	e := j.Log.Info().Str("channel", r.Channel).Str("day", r.Period.String()).Int("parts", r.Parts).Int("events", r.Events)
	switch {
	case r.Already:
		e.Msg("digest already written (by another replica or an earlier run)")
	case r.Parts == 0:
		e.Msg("nothing to report: no digest sent")
	default:
		e.Msg("digest written to the outbox")
	}
}
