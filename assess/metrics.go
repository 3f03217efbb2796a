package assess

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/arbsync/arbsync/db"
)

// Metrics are the scoring metrics. A nil *Metrics records nothing.
type Metrics struct {
	distribution *prometheus.GaugeVec
	changed      prometheus.Counter
	alerts       prometheus.Counter
}

// NewMetrics registers the scoring metrics on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		distribution: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "arbsync_risk_score_distribution",
			Help: "Enabled companies by current risk score, in 10-point bins (bin=\"0-10\" … \"90-100\").",
		}, []string{"bin"}),
		changed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arbsync_scores_changed_total",
			Help: "Score-history rows appended (a company's score, a component or its level changed).",
		}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "arbsync_alerts_created_total",
			Help: "Alerts written to the outbox.",
		}),
	}
	for i := 0; i < 10; i++ {
		m.distribution.WithLabelValues(binLabel(i))
	}
	for _, c := range []prometheus.Collector{m.distribution, m.changed, m.alerts} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func binLabel(i int) string { return strconv.Itoa(i*10) + "-" + strconv.Itoa(i*10+10) }

func (m *Metrics) observe(st Stats) {
	if m == nil {
		return
	}
	m.changed.Add(float64(st.Changed))
	m.alerts.Add(float64(st.Alerts))
}

// RefreshDistribution recounts arbsync_risk_score_distribution.
func (a *Assessor) RefreshDistribution(ctx context.Context, pool *pgxpool.Pool) error {
	if a.Metrics == nil {
		return nil
	}
	rows, err := db.New(pool).ScoreDistribution(ctx)
	if err != nil {
		return fmt.Errorf("score distribution: %w", err)
	}
	counts := make([]float64, 10)
	for _, r := range rows {
		if r.Bin >= 0 && r.Bin < 10 {
			counts[r.Bin] = float64(r.Companies)
		}
	}
	for i, c := range counts {
		a.Metrics.distribution.WithLabelValues(binLabel(i)).Set(c)
	}
	return nil
}
