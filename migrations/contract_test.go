package migrations_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
)

func TestIndustriesMatchReferenceData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)

	f, err := os.Open("gbt4754-2017-sections-divisions.tsv")
	require.NoError(t, err)
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		code := parts[0]
		if parts[1] != "" {
			code = parts[1]
		}
		want[code] = parts[2]
	}
	rows, err := pool.Query(ctx, `SELECT code, name, level, parent_code FROM arbsync.industries`)
	require.NoError(t, err)
	got := map[string]string{}
	sections, divisions := 0, 0
	for rows.Next() {
		var code, name, level string
		var parent *string
		require.NoError(t, rows.Scan(&code, &name, &level, &parent))
		got[code] = name
		if level == "section" {
			sections++
			require.Nil(t, parent)
		} else {
			divisions++
			require.NotNil(t, parent, "division %s has a parent section", code)
		}
	}
	require.NoError(t, rows.Err())
	require.Equal(t, want, got)
	require.Equal(t, 20, sections)
	require.Equal(t, 97, divisions)
}

// Every table, view and column of the contract carries a COMMENT.
func TestEveryObjectIsDocumented(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	rows, err := pool.Query(ctx, `
		SELECT n.nspname || '.' || c.relname || coalesce('.' || a.attname, '') AS object
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE n.nspname IN ('arbsync', 'bi') AND c.relkind IN ('r', 'v')
		  AND (a.attname IS NULL AND obj_description(c.oid, 'pg_class') IS NULL
		       OR a.attname IS NOT NULL AND col_description(c.oid, a.attnum) IS NULL)
		UNION ALL
		SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN ('arbsync', 'bi') AND c.relkind IN ('r', 'v') AND obj_description(c.oid, 'pg_class') IS NULL
		ORDER BY 1`)
	require.NoError(t, err)
	var missing []string
	for rows.Next() {
		var o string
		require.NoError(t, rows.Scan(&o))
		missing = append(missing, o)
	}
	require.NoError(t, rows.Err())
	require.Empty(t, missing, "objects without a COMMENT")
}

func TestBIViewsExist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	for _, v := range []string{"company_risk", "cases", "score_history", "industry_thresholds", "sync_health", "alerts", "backtest_results"} {
		var n int
		require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM bi."+v).Scan(&n), "bi.%s", v)
	}
}
