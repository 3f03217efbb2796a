package bench_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/bench"
)

// testLog sends the benchmark's progress to the test log.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// TestSmoke runs every scenario at smoke sizes so the harness cannot rot:
// each scenario must run and produce at least one figure with a limit
// measured in the run. How fast anything is does not matter here. It uses
// TEST_DATABASE_URL when set (as under `make test`) and otherwise starts a
// throwaway cluster with devpg.
func TestSmoke(t *testing.T) {
	cfg := bench.SmokeConfig()
	cfg.DatabaseURL = os.Getenv("TEST_DATABASE_URL")
	cfg.Log = testLog{t}
	cfg.JSONPath = filepath.Join(t.TempDir(), "bench-results.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	rep, err := bench.Run(ctx, cfg)
	require.NoError(t, err)
	var table bytes.Buffer
	require.NoError(t, rep.WriteTable(&table))
	t.Log("\n" + table.String())
	require.NoError(t, rep.WriteJSON(cfg.JSONPath))

	ran := map[string]bool{}
	for _, s := range rep.Scenarios {
		require.Empty(t, s.Error, "scenario %s", s.Name)
		ran[s.Name] = true
	}
	for _, name := range bench.ScenarioNames() {
		require.True(t, ran[name], "scenario %s did not run", name)
		limited := false
		for _, f := range rep.Figures {
			if f.Scenario != name {
				continue
			}
			require.NotEmpty(t, f.Verdict, "%s / %s", name, f.Name)
			if f.Limit > 0 && f.LimitName != "" {
				limited = true
			}
		}
		require.True(t, limited, "scenario %s produced no figure with a limit", name)
	}
}
