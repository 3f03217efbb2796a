package scoringdb

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
)

// Bins is the number of 10-point score bins: 0 is [0,10), …, 9 is [90,100].
const Bins = 10

// DistributionReadTimeout bounds the database read of one scrape.
const DistributionReadTimeout = 2 * time.Second

// Distribution is the collector of arbsync_risk_score_distribution{bin}:
// the rows of arbsync.current_scores per 10-point bin, read from the
// database at every scrape, so that it is right after start, after every
// sync write, rescore and weekly apply, and the same on every replica.
//
// The read does not count current_scores: statement-level triggers on that
// table append each statement's net change per bin to
// arbsync.score_distribution_deltas, in the writer's transaction, and the
// read sums those rows. Whatever its snapshot, the sum equals the bins of
// current_scores in the same snapshot. Compact keeps the table at a few
// rows.
type Distribution struct {
	pool *pgxpool.Pool
	log  zerolog.Logger
	desc *prometheus.Desc

	mu   sync.Mutex
	last *[Bins]int64 // the last counts read; nil until a read succeeds
}

// NewDistribution returns the collector; register it on the daemon's
// registry. log receives a warning when a scrape cannot read the database.
func NewDistribution(pool *pgxpool.Pool, log zerolog.Logger) *Distribution {
	return &Distribution{
		pool: pool,
		log:  log,
		desc: prometheus.NewDesc("arbsync_risk_score_distribution",
			"Companies with a current risk score (every row of arbsync.current_scores), in 10-point bins (bin=\"0-10\" … \"90-100\"; 100 is in \"90-100\"). Read from the database at each scrape.",
			[]string{"bin"}, nil),
	}
}

// BinLabel is the bin label of bin i ("0-10" … "90-100").
func BinLabel(i int) string { return strconv.Itoa(i*10) + "-" + strconv.Itoa(i*10+10) }

// Describe implements prometheus.Collector.
func (d *Distribution) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

// compactAbove is the number of delta rows past which a scrape folds them.
const compactAbove = 200

// Collect implements prometheus.Collector. When the database cannot be
// read within DistributionReadTimeout it reports the last counts it read
// (nothing before the first successful read) and logs a warning. A scrape
// that finds many delta rows folds them (the daily rescore does too, for a
// daemon nobody scrapes).
func (d *Distribution) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), DistributionReadTimeout)
	defer cancel()
	counts, rows, err := d.read(ctx)
	if err == nil && rows > compactAbove {
		if _, err := d.Compact(ctx); err != nil {
			d.log.Warn().Err(err).Msg("unable to fold the score distribution's deltas")
		}
	}
	d.mu.Lock()
	if err == nil {
		d.last = &counts
	} else {
		d.log.Warn().Err(err).Bool("reporting_last_value", d.last != nil).Msg("unable to read the score distribution")
	}
	last := d.last
	d.mu.Unlock()
	if last == nil {
		return
	}
	for i, n := range last {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.GaugeValue, float64(n), BinLabel(i))
	}
}

// Read returns the number of current scores in each bin.
func (d *Distribution) Read(ctx context.Context) ([Bins]int64, error) {
	counts, _, err := d.read(ctx)
	return counts, err
}

// read returns the counts and the number of delta rows they were summed from.
func (d *Distribution) read(ctx context.Context) ([Bins]int64, int64, error) {
	var (
		counts [Bins]int64
		n      int64
	)
	rows, err := db.New(d.pool).ScoreDistributionRead(ctx)
	if err != nil {
		return counts, 0, fmt.Errorf("read score distribution: %w", err)
	}
	for _, r := range rows {
		if r.Bin < 0 || r.Bin >= Bins {
			return counts, 0, fmt.Errorf("read score distribution: bin %d out of range", r.Bin)
		}
		counts[r.Bin] = r.Companies
		n += r.DeltaRows
	}
	return counts, n, nil
}

// Compact folds the distribution's deltas into one row per bin. It changes
// no count, and is safe while sync writers, scrapes and other replicas'
// compactions run (see ScoreDistributionCompact). It returns the number of
// rows folded.
func (d *Distribution) Compact(ctx context.Context) (int64, error) {
	n, err := db.New(d.pool).ScoreDistributionCompact(ctx)
	if err != nil {
		return 0, fmt.Errorf("compact score distribution: %w", err)
	}
	return n, nil
}
