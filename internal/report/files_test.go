package report_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/report"
)

func TestWriteFiles(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "reports", "thresholds")
	paths, err := report.WriteFiles(dir, f.weekly)
	require.NoError(t, err)
	require.Equal(t, []string{
		filepath.Join(dir, "arbsync-thresholds-2026-W48.md"),
		filepath.Join(dir, "arbsync-thresholds-2026-W48.html"),
		filepath.Join(dir, "arbsync-thresholds-2026-W48.csv"),
		filepath.Join(dir, "arbsync-thresholds-2026-W48-backtest.csv"),
	}, paths)

	want := renderAll(t, f.weekly)
	for i, p := range paths {
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Equal(t, want[i], string(got), p)
		info, err := os.Stat(p)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	}
	requireOnly(t, dir, 4) // no temporary file left behind

	// A rerun of the week replaces the files.
	again := f.weekly
	again.GeneratedAt = again.GeneratedAt.Add(time.Hour)
	_, err = report.WriteFiles(dir, again)
	require.NoError(t, err)
	got, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	require.Contains(t, string(got), "2026-11-23 04:00:12 +08:00")
	requireOnly(t, dir, 4)
}

func TestWriteFilesInvalid(t *testing.T) {
	r := emptyWeekly()
	r.GeneratedAt = time.Time{}
	dir := filepath.Join(t.TempDir(), "never")
	paths, err := report.WriteFiles(dir, r)
	require.ErrorContains(t, err, "generated-at time is zero")
	require.Empty(t, paths)
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist, "nothing is written for an invalid week")
}

func requireOnly(t *testing.T, dir string, n int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, n)
}

func itoa(n int) string { return strconv.Itoa(n) }

func percent4(f float64) string { return strconv.FormatFloat(100*f, 'f', 4, 64) }
