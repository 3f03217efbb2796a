package upstream

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the client's Prometheus collectors. None has a per-company
// label. Clients sharing a Registerer share the collectors.
type metrics struct {
	latency  prometheus.Histogram
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	retries  prometheus.Counter
	limit    prometheus.Gauge
}

// newMetrics builds the collectors and registers them on reg when it is
// not nil. A collector already registered by another Client is reused.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "arbsync_api_latency_seconds",
			Help:    "Latency of upstream HTTP requests (each attempt), in seconds.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_api_requests_total",
			Help: "Upstream HTTP requests (each attempt) by outcome: ok, an error type, or canceled.",
		}, []string{"outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arbsync_api_errors_total",
			Help: "Failed upstream HTTP requests (each attempt) by error type.",
		}, []string{"type"}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arbsync_api_retries_total",
			Help: "Upstream requests repeated after a retriable (busy) error.",
		}),
		limit: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "arbsync_api_concurrency_limit",
			Help: "Current adaptive limit of upstream requests in flight.",
		}),
	}
	for _, k := range Kinds() {
		m.errors.WithLabelValues(string(k))
		m.requests.WithLabelValues(string(k))
	}
	m.requests.WithLabelValues("ok")
	if reg == nil {
		return m, nil
	}
	var err error
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}
	if m.requests, err = register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.errors, err = register(reg, m.errors); err != nil {
		return nil, err
	}
	if m.retries, err = register(reg, m.retries); err != nil {
		return nil, err
	}
	if m.limit, err = register(reg, m.limit); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the equal collector already registered.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	var zero C
	return zero, fmt.Errorf("upstream metrics: %w", err)
}
