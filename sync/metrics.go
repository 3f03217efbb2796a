package casesync

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Metrics are the sync engine's Prometheus metrics. A nil *Metrics is valid
// and records nothing.
type Metrics struct {
	companies   *prometheus.CounterVec
	cases       *prometheus.CounterVec
	backlog     prometheus.Gauge
	passSeconds prometheus.Histogram
	lastSuccess prometheus.Gauge
	leaseLost   prometheus.Counter
}

// NewMetrics registers the sync metrics on reg (nil registers them
// nowhere). Registering them twice on one registry panics.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	m := &Metrics{
		companies: f.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_sync_companies_total",
			Help: "Companies synced, by outcome (unchanged, changed, failed).",
		}, []string{"outcome"}),
		cases: f.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_sync_cases_total",
			Help: "Case rows written by sync, by change (inserted, updated, removed).",
		}, []string{"change"}),
		backlog: f.NewGauge(prometheus.GaugeOpts{
			Name: "arbsync_sync_backlog_companies",
			Help: "Enabled companies due for sync, measured at the end of the last pass.",
		}),
		passSeconds: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "arbsync_sync_pass_duration_seconds",
			Help:    "Duration of sync passes.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2.5, 12),
		}),
		lastSuccess: f.NewGauge(prometheus.GaugeOpts{
			Name: "arbsync_sync_last_success_timestamp_seconds",
			Help: "Unix time at which the last sync pass finished without a database error.",
		}),
		leaseLost: f.NewCounter(prometheus.CounterOpts{
			Name: "arbsync_sync_lease_lost_total",
			Help: "Fetched companies not written because their lease had passed to another replica.",
		}),
	}
	for _, o := range []string{"unchanged", "changed", "failed"} {
		m.companies.WithLabelValues(o)
	}
	for _, c := range []string{"inserted", "updated", "removed"} {
		m.cases.WithLabelValues(c)
	}
	return m
}

func (m *Metrics) observeWrite(c Counts) {
	if m == nil {
		return
	}
	m.companies.WithLabelValues("changed").Add(float64(c.Changed))
	m.companies.WithLabelValues("unchanged").Add(float64(c.Succeeded - c.Changed))
	m.companies.WithLabelValues("failed").Add(float64(c.Failed))
	m.cases.WithLabelValues("inserted").Add(float64(c.Inserted))
	m.cases.WithLabelValues("updated").Add(float64(c.Updated))
	m.cases.WithLabelValues("removed").Add(float64(c.Removed))
	m.leaseLost.Add(float64(c.LeaseLost))
}

func (m *Metrics) observePass(r PassResult, ok bool) {
	if m == nil {
		return
	}
	m.passSeconds.Observe(r.Duration.Seconds())
	if ok {
		m.lastSuccess.Set(float64(time.Now().Unix()))
	}
}
