package daemon

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/backoff"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/sync"
)

// WatchlistChannel is the NOTIFY channel of watchlist edits.
const WatchlistChannel = "arbsync_watchlist"

// ProbeChannel is the NOTIFY channel of the listener's probes.
const ProbeChannel = "arbsync_listen_probe"

// pollWindow is how far back the polling fallback looks for edits (see
// db.SyncStateEdited).
const pollWindow = 2 * time.Minute

// errNotReceiving means that a LISTEN session did not receive a probe sent
// to it.
var errNotReceiving = errors.New("the LISTEN session does not receive notifications")

// listener LISTENs for watchlist edits on a session of its own and syncs
// the edited companies at once, in small debounced passes; it also wakes the
// alert delivery worker when scoring commits new alerts. It reconnects when
// the connection drops; edits made while it was down are still due (the
// trigger set next_sync_at), and a pass at each connection takes them.
//
// A LISTEN can succeed and still never receive anything: through PgBouncer
// in transaction mode it runs on whichever server session serves that one
// statement, and the notifications go to that session, not to the listener.
// So after each connection the listener sends itself a probe through the
// pool and waits for it. When it does not come, the listener says so once
// and polls instead, for the rest of the process's life: every pollEvery it
// wakes the delivery worker and syncs the companies edited since they were
// last claimed. (The probe's LISTENs then stay with the PgBouncer server
// session they ran on, until PgBouncer closes it; the notifications it
// gets are dropped by PgBouncer, or ignored by the pool's connections.)
type listener struct {
	// dsn is the LISTEN session's: ARBSYNC_LISTEN_DATABASE_URL when set
	// (direct), else DATABASE_URL.
	dsn    string
	direct bool
	// pool sends the probes and, when polling, looks for edits.
	pool   *pgxpool.Pool
	engine *casesync.Engine
	log    zerolog.Logger
	// alerts is signalled when scoring commits new alerts.
	alerts chan<- struct{}
	// replica names this replica in its probes.
	replica string
	// debounce collects notifications arriving together into one pass.
	debounce time.Duration
	// probeWait is how long a probe may take to arrive.
	probeWait time.Duration
	// pollEvery is the polling period when LISTEN does not receive.
	pollEvery time.Duration
}

func newListener(cfg config.Config, pool *pgxpool.Pool, engine *casesync.Engine, alerts chan<- struct{}, log zerolog.Logger) *listener {
	l := &listener{dsn: cfg.DatabaseURL.Reveal(), pool: pool, engine: engine, alerts: alerts, log: log, replica: cfg.ReplicaID}
	if cfg.ListenDatabaseURL.IsSet() {
		l.dsn, l.direct = cfg.ListenDatabaseURL.Reveal(), true
		l.log = log.With().Str("listen_database", cfg.ListenDatabaseTarget).Logger()
	}
	return l
}

func (l *listener) defaults() {
	if l.debounce == 0 {
		l.debounce = 300 * time.Millisecond
	}
	if l.probeWait == 0 {
		l.probeWait = 5 * time.Second
	}
	if l.pollEvery == 0 {
		l.pollEvery = 2 * time.Second
	}
}

func (l *listener) run(ctx context.Context) error {
	l.defaults()
	codes := make(chan string, 1024)
	dispatched := make(chan struct{})
	go func() { defer close(dispatched); l.dispatch(ctx, codes) }()
	// On shutdown, wait for a pass the listener started: it finishes or
	// releases its companies like any other pass.
	defer func() { <-dispatched }()
	// Reconnect 1 s after a connection that worked, doubling while
	// connections fail, at most 30 s apart.
	reconnect := backoff.Policy{Base: time.Second, Cap: 30 * time.Second}
	failures := 0
	for ctx.Err() == nil {
		listened, err := l.listenOnce(ctx, codes)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errNotReceiving) {
			l.warnPolling()
			l.poll(ctx, codes)
			return nil
		}
		if listened {
			failures = 0 // the connection worked: start over
		}
		failures++
		wait := reconnect.Delay(failures)
		l.log.Warn().Err(err).Dur("retry_in", wait).Msg("watchlist listener lost its connection")
		if backoff.Sleep(ctx, wait) != nil {
			return nil
		}
	}
	return nil
}

// warnPolling tells the operator, once, that edits are now polled for.
func (l *listener) warnPolling() {
	ev := l.log.Warn().Dur("probe_wait", l.probeWait).Dur("poll_every", l.pollEvery)
	if l.direct {
		ev.Msgf("ARBSYNC_LISTEN_DATABASE_URL does not receive notifications sent through DATABASE_URL: "+
			"polling for watchlist edits every %v instead; point ARBSYNC_LISTEN_DATABASE_URL straight at PostgreSQL "+
			"(not through PgBouncer), at the database of DATABASE_URL", l.pollEvery)
		return
	}
	ev.Msgf("LISTEN on DATABASE_URL does not receive notifications (PgBouncer in transaction mode?): "+
		"polling for watchlist edits every %v instead; set ARBSYNC_LISTEN_DATABASE_URL to a direct PostgreSQL "+
		"connection to the same database for immediate syncs", l.pollEvery)
}

// listenOnce listens until the connection fails; listened reports whether
// it got as far as receiving its probe. It returns errNotReceiving when the
// probe did not arrive.
func (l *listener) listenOnce(ctx context.Context, codes chan<- string) (listened bool, err error) {
	conn, err := l.connect(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := subscribe(ctx, conn); err != nil {
		return false, err
	}
	// Catch edits made while the listener was away: they are due now.
	queue(codes, "")
	if err := l.probe(ctx, conn, codes); err != nil {
		return false, err
	}
	l.log.Info().Msg("listening for watchlist edits")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		l.handle(n, codes)
	}
}

// ListenApplicationName is the application_name of the LISTEN session (the
// pool's is "arbsync").
const ListenApplicationName = "arbsync-listen"

// connect opens the LISTEN session. The connection string may carry the
// pool's settings (pool_max_conns), which are not the server's.
func (l *listener) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgxpool.ParseConfig(l.dsn)
	if err != nil {
		return nil, errors.New("invalid connection string") // pgx's message may quote it
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = ListenApplicationName
	return pgx.ConnectConfig(ctx, cfg.ConnConfig)
}

// subscribe LISTENs on conn to watchlist edits, new alerts and probes.
func subscribe(ctx context.Context, conn *pgx.Conn) error {
	q := db.New(conn)
	for _, listen := range []func(context.Context) error{q.ListenWatchlist, q.ListenAlerts, q.ListenProbe} {
		if err := listen(ctx); err != nil {
			return err
		}
	}
	return nil
}

// probe sends a notification with a payload of its own through the pool
// and waits up to probeWait for conn to receive it, handling whatever else
// arrives meanwhile. It returns errNotReceiving when the wait ends without
// the probe.
func (l *listener) probe(ctx context.Context, conn *pgx.Conn, codes chan<- string) error {
	payload := l.replica + "/" + rand.Text()
	if err := db.New(l.pool).ListenProbeSend(ctx, payload); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, l.probeWait)
	defer cancel()
	for {
		n, err := conn.WaitForNotification(wctx)
		if err != nil {
			if ctx.Err() == nil && wctx.Err() != nil {
				return errNotReceiving
			}
			return err
		}
		if n.Channel == ProbeChannel && n.Payload == payload {
			return nil
		}
		l.handle(n, codes)
	}
}

// handle acts on a notification: new alerts wake the delivery worker,
// watchlist edits are queued for a pass, other replicas' probes are ignored.
func (l *listener) handle(n *pgconn.Notification, codes chan<- string) {
	switch n.Channel {
	case outbox.Channel:
		l.wakeAlerts()
	case WatchlistChannel:
		queue(codes, n.Payload)
	}
}

func (l *listener) wakeAlerts() {
	select {
	case l.alerts <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// queue asks dispatch for a pass for code ("" means every due company).
func queue(codes chan<- string, code string) {
	select {
	case codes <- code:
	default: // a pass for everything due will pick it up
		select {
		case codes <- "":
		default:
		}
	}
}

// poll stands in for the notifications that do not arrive: every pollEvery
// it wakes the delivery worker and queues the companies edited since a pass
// last claimed them.
func (l *listener) poll(ctx context.Context, codes chan<- string) {
	q := db.New(l.pool)
	t := time.NewTicker(l.pollEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.wakeAlerts()
		edited, err := q.SyncStateEdited(ctx, db.SyncStateEditedParams{WindowSeconds: pollWindow.Seconds(), MaxRows: 1000})
		if err != nil {
			if ctx.Err() == nil && !failing {
				l.log.Warn().Err(err).Msg("unable to poll for watchlist edits")
			}
			failing = true
			continue
		}
		failing = false
		for _, code := range edited {
			queue(codes, code)
		}
	}
}

// dispatch runs a pass for the queued codes; "" means every due company.
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
		if _, err := l.engine.RunPass(ctx, opts); err != nil && ctx.Err() == nil {
			l.log.Error().Err(err).Msg("notify-triggered sync pass failed")
		}
	}
}
