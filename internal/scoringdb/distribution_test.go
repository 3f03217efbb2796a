package scoringdb_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/scoringdb"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/sim/simtest"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/sync"
)

// binLabels are the metric's bin labels, lowest first.
var binLabels = []string{"0-10", "10-20", "20-30", "30-40", "40-50", "50-60", "60-70", "70-80", "80-90", "90-100"}

// scrape gathers arbsync_risk_score_distribution from a registry holding c,
// as the daemon's /metrics does: bin label → value.
func scrape(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(c))
	mfs, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "arbsync_risk_score_distribution" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "bin" {
					got[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	return got
}

// scoresByBin counts arbsync.current_scores per bin directly, every bin
// present.
func scoresByBin(t *testing.T, pool *pgxpool.Pool) map[string]float64 {
	t.Helper()
	want := map[string]float64{}
	for _, b := range binLabels {
		want[b] = 0
	}
	rows, err := pool.Query(context.Background(),
		`SELECT least(floor(score / 10), 9)::int, count(*) FROM arbsync.current_scores GROUP BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var bin int
		var n float64
		require.NoError(t, rows.Scan(&bin, &n))
		want[binLabels[bin]] = n
	}
	require.NoError(t, rows.Err())
	return want
}

// requireDistribution asserts that a scrape of d reports exactly the bins
// of current_scores, and returns them.
func requireDistribution(t *testing.T, pool *pgxpool.Pool, d prometheus.Collector, when string) map[string]float64 {
	t.Helper()
	want := scoresByBin(t, pool)
	require.Equal(t, want, scrape(t, d), "arbsync_risk_score_distribution %s (want: GROUP BY over current_scores)", when)
	return want
}

func total(bins map[string]float64) float64 {
	n := 0.0
	for _, v := range bins {
		n += v
	}
	return n
}

// syncBundle is a database with simulated companies on the watchlist and a
// sync engine wired to the simulator as the daemon wires it.
type syncBundle struct {
	pool  *pgxpool.Pool
	sim   *sim.Server
	url   string
	codes []string
}

func newSyncBundle(t *testing.T, companies int) *syncBundle {
	t.Helper()
	pool := testdb.New(t)
	s, url := simtest.Start(t, simtest.Options{})
	b := &syncBundle{pool: pool, sim: s, url: url}
	for i := range companies {
		code := uscc.Generate(i%34, uint64(3000+i))
		p := s.Profile(code)
		_, err := pool.Exec(context.Background(),
			`INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
		b.codes = append(b.codes, code)
	}
	return b
}

// today is the simulator's date, as simtest.Engine's scoring hook takes it.
func (b *syncBundle) today() scoring.Date { return scoring.DateOf(b.sim.Date().UTC()) }

func (b *syncBundle) engine(t *testing.T, replica string) *casesync.Engine {
	t.Helper()
	cfg := simtest.Config(b.url)
	cfg.ReplicaID = replica
	return simtest.Engine(t, b.pool, simtest.Client(t, cfg), b.sim, cfg, zerolog.Nop())
}

func (b *syncBundle) pass(t *testing.T, e *casesync.Engine, opts casesync.PassOptions) casesync.PassResult {
	t.Helper()
	res, err := e.RunPass(context.Background(), opts)
	require.NoError(t, err)
	require.Zero(t, res.Failed)
	return res
}

// syncedDistribution is a bundle of n companies after one sync pass, the
// distribution over it, and its bins then.
func syncedDistribution(t *testing.T, n int) (*syncBundle, *scoringdb.Distribution, map[string]float64) {
	t.Helper()
	b := newSyncBundle(t, n)
	d := scoringdb.NewDistribution(b.pool, zerolog.Nop())
	b.pass(t, b.engine(t, "replica-1"), casesync.PassOptions{})
	return b, d, requireDistribution(t, b.pool, d, "after the sync")
}

// The sync engine scores the companies whose cases it stores, in its write
// transactions: the distribution follows every write, first inserts and
// later upserts alike, with no rescore in between.
func TestDistributionFollowsSyncWrites(t *testing.T) {
	t.Parallel()
	b := newSyncBundle(t, 80)
	d := scoringdb.NewDistribution(b.pool, zerolog.Nop())
	requireDistribution(t, b.pool, d, "on an empty database")

	e := b.engine(t, "replica-1")
	b.pass(t, e, casesync.PassOptions{})
	first := requireDistribution(t, b.pool, d, "after the first sync")
	require.Equal(t, 80.0, total(first), "every company is scored")
	require.Less(t, first["90-100"], 80.0, "some simulated companies have risky cases")

	// A year of new, closed and executed cases at the vendor: the next
	// sync rescores the companies whose cases changed (INSERT … ON
	// CONFLICT DO UPDATE of their current score).
	b.sim.Advance(365)
	res := b.pass(t, e, casesync.PassOptions{IgnoreSchedule: true})
	require.Positive(t, res.Changed)
	later := requireDistribution(t, b.pool, d, "after a sync that changed scores")
	require.Equal(t, 80.0, total(later))
	require.NotEqual(t, first, later, "the year moved companies between bins")
}

// The daily rescore moves companies whose cases left the window; the
// distribution shows it at once.
func TestDistributionFollowsRescore(t *testing.T) {
	t.Parallel()
	b, d, before := syncedDistribution(t, 60)

	a := &scoringdb.Assessor{Rule: scoring.Rule2, Fixed: scoring.DefaultThresholds(), Today: b.today} // the rule the sync scored with
	st, err := a.Rescore(context.Background(), b.pool, scoringdb.RescoreOptions{AsOf: scoring.DateOf(b.sim.Date()).AddDays(400)})
	require.NoError(t, err)
	require.Positive(t, st.Changed, "400 days later recent cases have aged out")
	after := requireDistribution(t, b.pool, d, "after the rescore")
	require.Greater(t, after["90-100"], before["90-100"], "aged-out companies are back near 100")
}

// The weekly job relevels current scores (an UPDATE of the level, the score
// unchanged): the distribution stays exact.
func TestDistributionAfterWeeklyApply(t *testing.T) {
	t.Parallel()
	b, d, before := syncedDistribution(t, 60)

	j := &thresholdsdb.Job{Pool: b.pool, Rule: scoring.Rule2, Today: b.today, Log: zerolog.Nop()}
	res, err := j.Run(context.Background(), j.CurrentWeek())
	require.NoError(t, err)
	require.True(t, res.Applied)
	require.Positive(t, res.Relevelled, "the week's thresholds move some companies' levels")
	after := requireDistribution(t, b.pool, d, "after the weekly apply")
	require.Equal(t, before, after, "levels changed, scores did not")
}

// One company scored again and again: it is always in the bin of its
// current score, and nowhere else, as its score moves from bin to bin.
func TestDistributionFollowsACompanyAcrossBins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := scoringdb.NewDistribution(f.pool, zerolog.Nop())
	settled := func(days int) scoring.Case {
		return scoring.Case{FilingDate: today.AddDays(-days), Result: scoring.OutcomeSettled, Title: "和解"}
	}
	steps := [][]scoring.Case{
		nil, // no case: 100, in the last bin
		{settled(10), settled(20), settled(30)},
		{lose(today.AddDays(-10), 100_000), lose(today.AddDays(-20), 100_000)},
		nil,
	}
	previous := ""
	for i, cases := range steps {
		f.apply(t, today, cases...)
		score, _ := f.current(t)
		bin := binLabels[min(int(score/10), 9)]
		require.NotEqual(t, previous, bin, "step %d moves the company to another bin (score %.2f)", i, score)
		previous = bin
		want := map[string]float64{}
		for _, b := range binLabels {
			want[b] = 0
		}
		want[bin] = 1
		require.Equal(t, want, requireDistribution(t, f.pool, d, fmt.Sprintf("at step %d (score %.2f)", i, score)))
	}
}

// Two replicas' sync engines (two writers each) store and score companies
// at once while every replica's compaction runs in a loop: no write waits
// for a counter or deadlocks, and at every snapshot the deltas sum to the
// bins of current_scores in that same snapshot.
func TestDistributionWithConcurrentWritersAndCompactions(t *testing.T) {
	t.Parallel()
	b := newSyncBundle(t, 300)
	d := scoringdb.NewDistribution(b.pool, zerolog.Nop())
	e1, e2 := b.engine(t, "replica-1"), b.engine(t, "replica-2")
	ctx := context.Background()

	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	snapshots, folded := 0, int64(0)
	// Two compactions at once, as two replicas run them.
	for range 2 {
		wg.Go(func() {
			for {
				n, err := d.Compact(ctx)
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				folded += n
				mu.Unlock()
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	wg.Go(func() {
		for {
			if err := sameSnapshot(ctx, b.pool); err != nil {
				fail(err)
				return
			}
			mu.Lock()
			snapshots++
			mu.Unlock()
			select {
			case <-done:
				return
			default:
			}
		}
	})

	var passes sync.WaitGroup
	for round := range 3 {
		if round > 0 {
			b.sim.Advance(120)
		}
		for _, e := range []*casesync.Engine{e1, e2} {
			passes.Go(func() {
				if _, err := e.RunPass(ctx, casesync.PassOptions{IgnoreSchedule: round > 0}); err != nil {
					fail(err)
				}
			})
		}
		passes.Wait()
	}
	close(done)
	wg.Wait()
	require.Empty(t, errs)
	require.Positive(t, snapshots)
	require.Positive(t, folded, "compactions folded deltas while the writers ran")
	got := requireDistribution(t, b.pool, d, "after concurrent writers and compactions")
	require.Equal(t, 300.0, total(got))

	_, err := d.Compact(ctx)
	require.NoError(t, err)
	require.LessOrEqual(t, countRows(t, b.pool), 10, "a compaction leaves one row per bin at most")
	requireDistribution(t, b.pool, d, "after a last compaction")
}

// sameSnapshot compares, in one REPEATABLE READ snapshot, the deltas' sums
// with a count of current_scores.
func sameSnapshot(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := db.New(tx).ScoreDistributionRead(ctx)
		if err != nil {
			return err
		}
		sums := map[int32]int64{}
		for _, r := range rows {
			if r.Companies != 0 {
				sums[r.Bin] = r.Companies
			}
		}
		counted := map[int32]int64{}
		crows, err := tx.Query(ctx, `SELECT least(floor(score / 10), 9)::int, count(*) FROM arbsync.current_scores GROUP BY 1`)
		if err != nil {
			return err
		}
		for crows.Next() {
			var bin int32
			var n int64
			if err := crows.Scan(&bin, &n); err != nil {
				return err
			}
			counted[bin] = n
		}
		if err := crows.Err(); err != nil {
			return err
		}
		if fmt.Sprint(sums) != fmt.Sprint(counted) {
			return fmt.Errorf("in one snapshot the deltas sum to %v, current_scores holds %v", sums, counted)
		}
		return nil
	})
}

func countRows(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM arbsync.score_distribution_deltas`).Scan(&n))
	return n
}

// When a scrape cannot read the database, the distribution reports the
// last counts it read, and the daemon logs a warning, never an error (the
// end-to-end tests fail on error lines).
func TestDistributionKeepsLastCountsWhenTheDatabaseIsUnreachable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.apply(t, today)
	var log bytes.Buffer
	d := scoringdb.NewDistribution(f.pool, zerolog.New(&log))
	counted := requireDistribution(t, f.pool, d, "with one company scored")
	require.Equal(t, 1.0, counted["90-100"])

	f.pool.Close()
	require.Equal(t, counted, scrape(t, d), "the last counts, not nothing")
	require.Contains(t, log.String(), `"level":"warn"`)
	require.Contains(t, log.String(), "unable to read the score distribution")
	require.NotContains(t, log.String(), `"level":"error"`)
	require.Equal(t, 1, strings.Count(log.String(), "\n"), "one line per failed scrape")
}

// A scrape that finds many delta rows folds them (a daemon that is scraped
// needs no other housekeeping), and the counts it reports do not change.
func TestScrapeFoldsManyDeltas(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := scoringdb.NewDistribution(f.pool, zerolog.Nop())
	settled := scoring.Case{FilingDate: today.AddDays(-10), Result: scoring.OutcomeSettled, Title: "和解"}
	for i := range 120 { // each move between two bins appends two rows
		if i%2 == 0 {
			f.apply(t, today, settled, settled, settled)
		} else {
			f.apply(t, today)
		}
	}
	before := countRows(t, f.pool)
	require.Greater(t, before, 200)
	want := scoresByBin(t, f.pool)
	require.Equal(t, want, scrape(t, d), "the first scrape reads the many rows")
	require.LessOrEqual(t, countRows(t, f.pool), 10, "and folds them")
	require.Equal(t, want, scrape(t, d), "the folded rows give the same counts")
}
