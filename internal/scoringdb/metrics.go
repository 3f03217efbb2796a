package scoringdb

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Metrics are the scoring metrics. A nil *Metrics records nothing. The
// score distribution is not among them: it is read from the database at
// each scrape (Distribution).
type Metrics struct {
	changed prometheus.Counter
	alerts  prometheus.Counter
}

// NewMetrics registers the scoring metrics on reg (nil registers them
// nowhere). Registering them twice on one registry panics.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	return &Metrics{
		changed: f.NewCounter(prometheus.CounterOpts{
			Name: "arbsync_scores_changed_total",
			Help: "Score-history rows appended (a company's score, a component or its level changed).",
		}),
		alerts: f.NewCounter(prometheus.CounterOpts{
			Name: "arbsync_alerts_created_total",
			Help: "Alerts written to the outbox.",
		}),
	}
}

func (m *Metrics) observe(st Stats) {
	if m == nil {
		return
	}
	m.changed.Add(float64(st.Changed))
	m.alerts.Add(float64(st.Alerts))
}
