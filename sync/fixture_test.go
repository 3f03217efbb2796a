package casesync_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/sim/simtest"
	"github.com/arbsync/arbsync/internal/testdb"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/sync"
)

type bundle struct {
	db     *testdb.Database
	pool   *pgxpool.Pool
	sim    *sim.Server
	url    string
	codes  []string
	engine *casesync.Engine
}

type setupOpts struct {
	companies    int // 0 = 30, -1 = none
	unknownShare float64
	front        func(http.Handler) http.Handler // wraps the simulator (fault proxies)
	replica      string
}

func logger(t *testing.T) zerolog.Logger {
	if os.Getenv("ARBSYNC_TEST_LOG") != "" {
		return zerolog.New(zerolog.NewTestWriter(t))
	}
	return zerolog.Nop()
}

func setup(t *testing.T, o setupOpts) *bundle {
	t.Helper()
	switch {
	case o.companies == 0:
		o.companies = 30
	case o.companies < 0: // none
		o.companies = 0
	}
	if o.replica == "" {
		o.replica = "replica-1"
	}
	d := testdb.NewDatabase(t)
	s, url := simtest.Start(t, simtest.Options{UnknownShare: o.unknownShare, Front: o.front})
	b := &bundle{db: d, pool: d.Pool, sim: s, url: url}
	b.codes = b.addCompanies(t, 0, o.companies)
	b.engine = b.newEngine(t, b.pool, o.replica)
	return b
}

// addCompanies puts n simulated companies on the watchlist, with the
// industry the simulator gives them.
func (b *bundle) addCompanies(t *testing.T, from, n int) []string {
	t.Helper()
	var codes []string
	for i := from; i < from+n; i++ {
		code := uscc.Generate(i%34, uint64(1000+i))
		p := b.sim.Profile(code)
		_, err := b.pool.Exec(context.Background(),
			`INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`,
			code, p.Name, p.Industry)
		require.NoError(t, err)
		codes = append(codes, code)
	}
	return codes
}

func (b *bundle) newEngine(t *testing.T, pool *pgxpool.Pool, replica string) *casesync.Engine {
	t.Helper()
	cfg := simtest.Config(b.url)
	cfg.ReplicaID = replica
	return simtest.Engine(t, pool, simtest.Client(t, cfg), b.sim, cfg, logger(t))
}

func (b *bundle) pass(t *testing.T, opts casesync.PassOptions) casesync.PassResult {
	t.Helper()
	res, err := b.engine.RunPass(context.Background(), opts)
	require.NoError(t, err)
	return res
}

// storedCase is the comparable form of a case row.
type storedCase struct {
	ID, No, Title, Cause, Role, Result, Exec, Committee string
	Claim, Award, Unexecuted                            int64
	Filed, Closed                                       string
}

func fromUpstream(c upstream.Case) storedCase {
	closed := ""
	if c.ClosingDate != nil {
		closed = c.ClosingDate.String()
	}
	return storedCase{
		ID: c.CaseID, No: c.CaseNo, Title: c.Title, Cause: c.Cause, Role: string(c.Role),
		Result: string(c.Result), Exec: string(c.ExecutionStatus), Committee: c.Committee,
		Claim: int64(c.ClaimAmount), Award: int64(c.AwardAmount), Unexecuted: int64(c.UnexecutedAmount),
		Filed: c.FilingDate.String(), Closed: closed,
	}
}

// stored returns a company's live (not removed) cases as stored.
func (b *bundle) stored(t *testing.T, code string) []storedCase {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `
		SELECT case_id, case_no, title, cause, role, result, execution_status, committee,
		       (claim_amount*100)::bigint, (award_amount*100)::bigint, (unexecuted_amount*100)::bigint,
		       filing_date::text, coalesce(closing_date::text, '')
		FROM arbsync.cases WHERE credit_code = $1 AND removed_at IS NULL ORDER BY case_id`, code)
	require.NoError(t, err)
	defer rows.Close()
	var out []storedCase
	for rows.Next() {
		var c storedCase
		require.NoError(t, rows.Scan(&c.ID, &c.No, &c.Title, &c.Cause, &c.Role, &c.Result, &c.Exec, &c.Committee,
			&c.Claim, &c.Award, &c.Unexecuted, &c.Filed, &c.Closed))
		out = append(out, c)
	}
	require.NoError(t, rows.Err())
	return out
}

func (b *bundle) truth(t *testing.T, code string) []storedCase {
	t.Helper()
	company, ok := b.sim.Truth(code)
	require.True(t, ok, "simulator knows %s", code)
	out := make([]storedCase, 0, len(company.Cases))
	for _, c := range company.Cases {
		out = append(out, fromUpstream(c))
	}
	slices.SortFunc(out, func(a, b storedCase) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// requireMatchesTruth asserts the database holds exactly the simulator's
// current cases for every company.
func (b *bundle) requireMatchesTruth(t *testing.T, codes []string) int {
	t.Helper()
	total := 0
	for _, code := range codes {
		want := b.truth(t, code)
		got := b.stored(t, code)
		if len(want) == 0 {
			require.Empty(t, got, code)
		} else {
			require.Equal(t, want, got, "cases of %s", code)
		}
		total += len(want)
	}
	return total
}

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// rowVersions identifies every physical row version of arbsync.cases: an
// UPDATE of any row changes it.
func (b *bundle) rowVersions(t *testing.T) map[string]string {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT credit_code || '/' || case_id, xmin::text || ctid::text FROM arbsync.cases`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		require.NoError(t, rows.Scan(&k, &v))
		out[k] = v
	}
	require.NoError(t, rows.Err())
	return out
}
