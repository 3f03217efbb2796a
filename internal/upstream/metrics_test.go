package upstream_test

import (
	"context"
	"testing"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
)

// metricFamilyValue finds a sample by name and labels in reg.
func sample(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (counter, gauge float64, histCount uint64, found bool) {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue(), m.GetGauge().GetValue(), m.GetHistogram().GetSampleCount(), true
		}
	}
	return 0, 0, 0, false
}

func counterValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	v, _, _, ok := sample(t, reg, name, labels)
	require.True(t, ok, "metric %s%v is registered", name, labels)
	return v
}

func gaugeValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	_, v, _, ok := sample(t, reg, name, nil)
	require.True(t, ok, "metric %s is registered", name)
	return v
}

// TestMetrics: the client's metrics are registered on the registry it is
// given (not the global one) and count what happened.
func TestMetrics(t *testing.T) {
	b := setup(t, nil)
	code := b.codeWithCases(t, 12)
	c := b.client(t, upstream.ProtocolSigned, func(cfg *upstream.Config) { cfg.PageSize = 5 })
	company, err := c.Fetch(context.Background(), code)
	require.NoError(t, err)
	pages := float64((len(company.Cases) + 4) / 5)

	require.NoError(t, b.sim.SetFaults(sim.Faults{ErrorRates: map[int]float64{5001: 1}}))
	_, err = c.Fetch(context.Background(), code)
	requireKind(t, err, upstream.KindBusy)

	require.Equal(t, pages, counterValue(t, b.reg, "arbsync_api_requests_total", map[string]string{"outcome": "ok"}))
	require.Equal(t, 4.0, counterValue(t, b.reg, "arbsync_api_requests_total", map[string]string{"outcome": "busy"}))
	require.Equal(t, 4.0, counterValue(t, b.reg, "arbsync_api_errors_total", map[string]string{"type": "busy"}))
	require.Equal(t, 0.0, counterValue(t, b.reg, "arbsync_api_errors_total", map[string]string{"type": "auth"}))
	require.Equal(t, 3.0, counterValue(t, b.reg, "arbsync_api_retries_total", nil))
	_, _, n, ok := sample(t, b.reg, "arbsync_api_latency_seconds", nil)
	require.True(t, ok)
	require.EqualValues(t, pages+4, n, "one latency observation per attempt")

	// A second client on the same registry shares the collectors.
	c2 := b.client(t, upstream.ProtocolSigned, nil)
	_, err = c2.Fetch(context.Background(), code)
	requireKind(t, err, upstream.KindBusy)
	require.Equal(t, 8.0, counterValue(t, b.reg, "arbsync_api_errors_total", map[string]string{"type": "busy"}))

	// Without a registerer nothing is registered anywhere.
	cfg := b.clientConfig(upstream.ProtocolSigned)
	cfg.Registerer = nil
	_, err = upstream.New(cfg)
	require.NoError(t, err)
}
