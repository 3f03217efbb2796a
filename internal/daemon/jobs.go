package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/db"
)

// Job is a scheduled piece of work.
type Job struct {
	Name     string
	Schedule string
	// Exclusive jobs run on one replica at a time, guarded by a lease row in
	// arbsync.job_runs (not an advisory lock: those break behind
	// transaction-pooling PgBouncer).
	Exclusive bool
	// Lease is how long an exclusive run may hold its lease (default 1h).
	Lease time.Duration
	Run   func(ctx context.Context) error
	// AtStart, when set, says whether the job must also run at start
	// although it missed no scheduled run (the rescore after a change of
	// scoring rule). It runs as a missed run does: under the job's lease.
	AtStart func(ctx context.Context) (bool, error)
}

// ErrLeaseHeld means another replica is running an exclusive job.
var ErrLeaseHeld = errors.New("another replica holds the job's lease")

// Job metrics carry the job's name in the label "task", never "job": a
// scrape's target labels include job (and instance), and Prometheus would
// rename the daemon's own to exported_job, so that rules selecting
// job="sync" would select nothing.
type jobMetrics struct {
	runs     *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// jobOutcomes are the outcomes a run is counted under.
var jobOutcomes = []string{"ok", "error", "skipped", "cancelled"}

// newJobMetrics registers the job metrics on reg (nil registers them
// nowhere). Registering them twice on one registry panics.
func newJobMetrics(reg prometheus.Registerer, pool *pgxpool.Pool, log zerolog.Logger) *jobMetrics {
	f := promauto.With(reg)
	m := &jobMetrics{
		runs: f.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_job_runs_total",
			Help: "Scheduled job runs on this replica, by task (the job's name) and outcome (ok, error, skipped, cancelled by shutdown).",
		}, []string{"task", "outcome"}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arbsync_job_duration_seconds",
			Help:    "Duration of scheduled job runs on this replica, by task (the job's name).",
			Buckets: prometheus.ExponentialBuckets(0.05, 3, 10),
		}, []string{"task"}),
	}
	if reg != nil {
		reg.MustRegister(&lastSuccessCollector{
			pool: pool,
			log:  log,
			desc: prometheus.NewDesc("arbsync_job_last_success_timestamp_seconds",
				"Unix time of the last successful run of each task (the job's name) on any replica, as recorded in arbsync.job_runs; read from the database at each scrape.",
				[]string{"task"}, nil),
		})
	}
	return m
}

// initTask creates a task's series at zero, so that the first failure of a
// run is an increase, not a new series.
func (m *jobMetrics) initTask(task string) {
	for _, o := range jobOutcomes {
		m.runs.WithLabelValues(task, o)
	}
	m.duration.WithLabelValues(task)
}

// lastSuccessCollector reports when each job last succeeded on any replica,
// from arbsync.job_runs at each scrape: right after a restart, the same on
// every replica, and for exclusive jobs (which run on one replica at a
// time) whichever replica ran them. When the database cannot be read it
// reports the last values it read, which then age as they should.
type lastSuccessCollector struct {
	pool *pgxpool.Pool
	log  zerolog.Logger
	desc *prometheus.Desc

	mu   sync.Mutex
	last []db.JobLastSuccessesRow
}

// lastSuccessReadTimeout bounds the database read of one scrape.
const lastSuccessReadTimeout = 2 * time.Second

func (c *lastSuccessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *lastSuccessCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), lastSuccessReadTimeout)
	defer cancel()
	rows, err := db.New(c.pool).JobLastSuccesses(ctx)
	c.mu.Lock()
	if err == nil {
		c.last = rows
	} else {
		c.log.Warn().Err(err).Msg("unable to read the jobs' last successes")
	}
	rows = c.last
	c.mu.Unlock()
	for _, r := range rows {
		if r.LastSuccessAt != nil {
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue,
				float64(r.LastSuccessAt.UnixNano())/1e9, r.Job)
		}
	}
}

// runner runs jobs, recording each run in arbsync.job_runs.
type runner struct {
	pool    *pgxpool.Pool
	replica string
	log     zerolog.Logger
	metrics *jobMetrics
	running sync.Map // job name → *atomic.Bool: one run of a job at a time in this process
}

// errRunning means this process is already running the job.
var errRunning = errors.New("job already running in this process")

// run executes one job now and records it.
func (r *runner) run(ctx context.Context, j Job) error {
	flag, loaded := r.running.LoadOrStore(j.Name, new(atomic.Bool))
	if !loaded {
		r.metrics.initTask(j.Name)
	}
	if !flag.(*atomic.Bool).CompareAndSwap(false, true) {
		r.log.Debug().Str("job", j.Name).Msg("job skipped: still running")
		return errRunning
	}
	defer flag.(*atomic.Bool).Store(false)
	q := db.New(r.pool)
	log := r.log.With().Str("job", j.Name).Logger()
	started := time.Now()
	if j.Exclusive {
		lease := j.Lease
		if lease <= 0 {
			lease = time.Hour
		}
		_, err := q.JobLeaseAcquire(ctx, db.JobLeaseAcquireParams{Job: j.Name, Replica: r.replica, LeaseSeconds: lease.Seconds()})
		if errors.Is(err, pgx.ErrNoRows) {
			log.Debug().Msg("job skipped: another replica holds its lease")
			r.metrics.runs.WithLabelValues(j.Name, "skipped").Inc()
			return ErrLeaseHeld
		}
		if err != nil {
			return fmt.Errorf("job %s: take lease: %w", j.Name, err)
		}
	}
	log.Debug().Msg("job started")
	err := j.Run(ctx)
	outcome := "ok"
	var msg *string
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopped by shutdown: not a failure. The run is recorded without a
		// success, so the next start catches it up.
		outcome = "cancelled"
		s := "interrupted by shutdown: " + err.Error()
		msg = &s
		log.Info().Err(err).Msg("job interrupted by shutdown")
	case err != nil:
		outcome = "error"
		s := err.Error()
		msg = &s
		log.Error().Err(err).Msg("job failed")
	default:
		log.Debug().Dur("took", time.Since(started)).Msg("job finished")
	}
	r.metrics.runs.WithLabelValues(j.Name, outcome).Inc()
	r.metrics.duration.WithLabelValues(j.Name).Observe(time.Since(started).Seconds())
	recCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var recErr error
	if j.Exclusive {
		recErr = q.JobFinish(recCtx, db.JobFinishParams{Job: j.Name, Replica: r.replica, Outcome: outcome, LastError: msg})
	} else {
		recErr = q.JobRecord(recCtx, db.JobRecordParams{Job: j.Name, StartedAt: started, Outcome: outcome, LastError: msg})
	}
	if recErr != nil {
		log.Warn().Err(recErr).Msg("unable to record job run")
	}
	return err
}

// overdue reports whether a job missed a scheduled run since its last
// success (or never succeeded), so it should run at start.
func (r *runner) overdue(ctx context.Context, j Job, sched cron.Schedule, now time.Time) (bool, error) {
	row, err := db.New(r.pool).JobGet(ctx, j.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if row.LastSuccessAt == nil {
		return true, nil
	}
	return !sched.Next(*row.LastSuccessAt).After(now), nil
}

// cronLogger adapts zerolog to cron.Logger.
type cronLogger struct{ log zerolog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug().Fields(kv).Msg(msg) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error().Err(err).Fields(kv).Msg(msg)
}

// RunExclusive runs an exclusive job once now, as the CLI does for
// `thresholds recompute`: it takes the job's lease (ErrLeaseHeld if another
// replica holds it) and records the run in arbsync.job_runs.
func RunExclusive(ctx context.Context, pool *pgxpool.Pool, replica string, log zerolog.Logger, j Job) error {
	r := &runner{pool: pool, replica: replica, log: log, metrics: newJobMetrics(nil, pool, log)}
	return r.run(ctx, j)
}
