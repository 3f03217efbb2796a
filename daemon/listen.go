package daemon

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/outbox"
	casesync "github.com/arbsync/arbsync/sync"
)

// WatchlistChannel is the NOTIFY channel of watchlist edits.
const WatchlistChannel = "arbsync_watchlist"

// listener LISTENs for watchlist edits on a dedicated connection and syncs
// the edited companies at once, in small debounced passes. It reconnects
// when the connection drops; edits made while it was down are still due
// (the trigger set next_sync_at) and the next tick takes them.
type listener struct {
	dsn    string
	engine *casesync.Engine
	log    zerolog.Logger
	// alerts is signalled when scoring commits new alerts.
	alerts chan<- struct{}
	// debounce collects notifications arriving together into one pass.
	debounce time.Duration
}

func (l *listener) run(ctx context.Context) error {
	if l.debounce == 0 {
		l.debounce = 300 * time.Millisecond
	}
	codes := make(chan string, 1024)
	dispatched := make(chan struct{})
	go func() { defer close(dispatched); l.dispatch(ctx, codes) }()
	// On shutdown, wait for a pass the listener started: it finishes or
	// releases its companies like any other pass.
	defer func() { <-dispatched }()
	backoff := time.Second
	for ctx.Err() == nil {
		listened, err := l.listenOnce(ctx, codes)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			backoff = time.Second // the connection worked: start over
		}
		l.log.Warn().Err(err).Dur("retry_in", backoff).Msg("watchlist listener lost its connection")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
	return nil
}

// listenOnce listens until the connection fails; listened reports whether
// it got as far as listening.
func (l *listener) listenOnce(ctx context.Context, codes chan<- string) (listened bool, err error) {
	conn, err := pgx.Connect(ctx, l.dsn)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+WatchlistChannel+"; LISTEN "+outbox.Channel); err != nil {
		return false, err
	}
	l.log.Info().Msg("listening for watchlist edits")
	// Catch edits made while the listener was away: they are due now.
	select {
	case codes <- "":
	default:
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if n.Channel == outbox.Channel {
			select {
			case l.alerts <- struct{}{}:
			default: // a wake-up is already pending
			}
			continue
		}
		select {
		case codes <- n.Payload:
		default: // a pass for everything due will pick it up
			select {
			case codes <- "":
			default:
			}
		}
	}
}

// dispatch runs a pass for the notified codes; "" means every due company.
func (l *listener) dispatch(ctx context.Context, codes <-chan string) {
	for {
		var first string
		select {
		case <-ctx.Done():
			return
		case first = <-codes:
		}
		batch := map[string]bool{first: true}
		timer := time.NewTimer(l.debounce)
	collect:
		for {
			select {
			case c := <-codes:
				batch[c] = true
			case <-timer.C:
				break collect
			case <-ctx.Done():
				timer.Stop()
				return
			}
		}
		opts := casesync.PassOptions{Trigger: "notify"}
		if !batch[""] {
			for c := range batch {
				opts.Codes = append(opts.Codes, c)
			}
		}
		if _, err := l.engine.RunPass(ctx, opts); err != nil {
			l.log.Error().Err(err).Msg("notify-triggered sync pass failed")
		}
	}
}
