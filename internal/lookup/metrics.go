package lookup

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Cache tiers, the values of the tier label.
const (
	tierLocal    = "local"
	tierPostgres = "postgres"
)

// metrics are the lookup's collectors. None has a per-company label.
type metrics struct {
	cacheRequests *prometheus.CounterVec
	hitRatio      *prometheus.GaugeVec
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec

	mu     sync.Mutex
	hits   map[string]int64
	totals map[string]int64
}

// newMetrics registers the lookup metrics on reg (nil registers them
// nowhere). Registering them twice on one registry panics.
func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	m := &metrics{
		cacheRequests: f.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_cache_requests_total",
			Help: "Risk lookups asked of a cache tier (local: in-process cache; postgres: fresh data in the database), by result (hit, miss).",
		}, []string{"tier", "result"}),
		hitRatio: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: "arbsync_cache_hit_ratio",
			Help: "Hits over requests of a cache tier since start.",
		}, []string{"tier"}),
		requests: f.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_lookup_requests_total",
			Help: "Risk lookup HTTP requests by response status code.",
		}, []string{"code"}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arbsync_lookup_duration_seconds",
			Help:    "Duration of risk lookup HTTP requests, by where the answer came from (cache, postgres, upstream, error).",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"source"}),
		hits:   map[string]int64{},
		totals: map[string]int64{},
	}
	for _, tier := range []string{tierLocal, tierPostgres} {
		m.cacheRequests.WithLabelValues(tier, "hit")
		m.cacheRequests.WithLabelValues(tier, "miss")
		m.hitRatio.WithLabelValues(tier)
	}
	for _, code := range []int{200, 400, 401, 404, 405, 409, 500, 502, 503, 504} {
		m.requests.WithLabelValues(strconv.Itoa(code))
	}
	for _, s := range []string{SourceCache, SourcePostgres, SourceUpstream, "error"} {
		m.duration.WithLabelValues(s)
	}
	return m
}

// cacheResult counts one hit or miss of a tier and updates its ratio.
func (m *metrics) cacheResult(tier string, hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	m.cacheRequests.WithLabelValues(tier, result).Inc()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.totals[tier]++
	if hit {
		m.hits[tier]++
	}
	m.hitRatio.WithLabelValues(tier).Set(float64(m.hits[tier]) / float64(m.totals[tier]))
}

// request counts one finished HTTP request.
func (m *metrics) request(status int, source string, took time.Duration) {
	m.requests.WithLabelValues(strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(source).Observe(took.Seconds())
}
