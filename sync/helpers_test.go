package casesync_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/uscc"
)

func ucode(i int) string { return uscc.Generate(i%34, uint64(500000+i)) }

func simBusy() sim.Faults       { return sim.Faults{ErrorRates: map[int]float64{5001: 1}} }
func simPermission() sim.Faults { return sim.Faults{Permission: true} }
func simSlow() sim.Faults {
	return sim.Faults{Hang: 1, HangFor: 300 * time.Millisecond}
}

func newPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	p, err := db.Connect(context.Background(), dsn, db.PoolOptions{MaxConns: 8})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}
