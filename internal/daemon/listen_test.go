package daemon

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/devpg"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/uscc"
)

// bouncerPool returns a test database, and a pool on it through PgBouncer in
// transaction mode with that bouncer's connection string, the way a
// deployment's DATABASE_URL reaches PostgreSQL.
func bouncerPool(t *testing.T) (*testdb.Database, *pgxpool.Pool, string) {
	t.Helper()
	ctx := context.Background()
	d := testdb.NewDatabase(t)
	b, err := devpg.StartBouncer(ctx, d.DSN, devpg.BouncerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	dsn, err := b.URL(d.DSN)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.Connect(ctx, dsn, db.PoolOptions{MaxConns: 4, ApplicationName: "arbsync"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return d, pool, dsn
}

// The probe tells a LISTEN session that receives notifications from one
// that does not: through PgBouncer in transaction mode the LISTEN succeeds,
// yet a NOTIFY sent through the pool never reaches the listener; straight to
// PostgreSQL it does (also when the connection string carries the pool's
// own settings, which are not the server's).
func TestListenProbe(t *testing.T) {
	t.Parallel()
	d, pool, bouncerDSN := bouncerPool(t)
	sep := "?"
	if strings.Contains(d.DSN, "?") {
		sep = "&"
	}
	for _, tc := range []struct {
		name string
		dsn  string
		want error
	}{
		{"through PgBouncer in transaction mode", bouncerDSN, errNotReceiving},
		{"straight to PostgreSQL", d.DSN + sep + "pool_max_conns=3", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			l := &listener{dsn: tc.dsn, pool: pool, replica: "probe-test", probeWait: time.Second, log: zerolog.Nop()}
			conn, err := l.connect(ctx)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer conn.Close(context.Background())
			if err := subscribe(ctx, conn); err != nil {
				t.Fatalf("LISTEN: %v", err)
			}
			codes := make(chan string, 16)
			if err := l.probe(ctx, conn, codes); !errors.Is(err, tc.want) {
				t.Fatalf("probe: %v, want %v", err, tc.want)
			}
		})
	}
}

// When LISTEN does not receive, polling stands in for it: a company an
// admin inserts is queued for a pass within a poll period or two, the
// delivery worker is woken on every poll, and a company claimed since its
// edit is not queued again (a pass that failed to write it leaves it to the
// sync tick, as with notifications).
func TestListenPollFallback(t *testing.T) {
	t.Parallel()
	d, pool, _ := bouncerPool(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	alerts := make(chan struct{}, 1)
	var wakes atomic.Int64
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-alerts:
				wakes.Add(1)
			}
		}
	}()
	l := &listener{pool: pool, alerts: alerts, pollEvery: 100 * time.Millisecond, log: zerolog.Nop()}
	codes := make(chan string, 1024)
	polled := make(chan struct{})
	go func() { defer close(polled); l.poll(ctx, codes) }()

	code := uscc.Generate(3, 424242)
	if _, err := d.Pool.Exec(ctx, `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '测试公司', '64')`, code); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-codes:
		if got != code {
			t.Fatalf("queued %q, want the inserted company %s", got, code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the inserted company was not queued within 10 s")
	}
	if n := wakes.Load(); n < 1 {
		t.Errorf("the delivery worker was woken %d times by the time the edit was found", n)
	}

	// A pass claims it (and, say, fails to write it): it is not queued again.
	if _, err := d.Pool.Exec(ctx, `UPDATE arbsync.sync_state SET last_attempt_at = now() WHERE credit_code = $1`, code); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // polls that ran before the claim
	for len(codes) > 0 {
		<-codes
	}
	before := wakes.Load()
	time.Sleep(time.Second)
	if n := wakes.Load() - before; n < 5 {
		t.Errorf("the delivery worker was woken %d times in 1 s of polling every 100 ms", n)
	}
	if len(codes) > 0 {
		t.Errorf("a company claimed since its edit was queued again: %q", <-codes)
	}
	cancel()
	<-polled
}
