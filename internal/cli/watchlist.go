package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/watchlist"
)

func watchlistCommand() *command {
	return &command{
		name:    "watchlist",
		args:    "import|export [flags]",
		summary: "import the watchlist from CSV (all rows or none), or export it",
		about: "Loads the watchlist (arbsync.watchlist) from a CSV file, or writes it as one, for admins who keep " +
			"their list of companies in a spreadsheet. See README \"Importing a watchlist\" for the format.",
		subs: []*command{{
			name:       "watchlist import",
			args:       "[-dry-run] FILE.csv",
			positional: []string{"FILE.csv"},
			summary:    "import a CSV file: every row, or none",
			about: "Reads FILE.csv (- reads standard input), validates every row with the database's own rules and " +
				"reports every bad row with its line number; then inserts new codes and updates watched ones in one " +
				"transaction, or, if any row is bad, changes nothing. Re-importing the same file changes nothing. " +
				"It never deletes a company.",
			env: true,
			run: runWatchlistImport,
		}, {
			name:    "watchlist export",
			args:    "[-out FILE.csv]",
			summary: "write the whole watchlist as CSV",
			about: "Writes every watchlist row in credit-code order, in the format import reads, from one consistent " +
				"snapshot. Importing an export changes nothing.",
			env: true,
			run: runWatchlistExport,
		}},
	}
}

func runWatchlistImport(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	dry := fs.Bool("dry-run", false, "validate and report what would change, without writing")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	in := io.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	_, _, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	rep, err := watchlist.Import(ctx, pool, in, watchlist.ImportOptions{DryRun: *dry})
	if err != nil {
		return err
	}
	verb := "imported"
	if *dry {
		verb = "dry run, nothing written:"
	}
	fmt.Fprintf(io.Stdout, "%s %d rows: %d inserted, %d updated, %d unchanged\n", verb, rep.Rows, rep.Inserted, rep.Updated, rep.Unchanged)
	return nil
}

func runWatchlistExport(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	out := fs.String("out", "", "file to write (default: standard output)")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	_, _, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	w := io.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	n, err := watchlist.Export(ctx, pool, w)
	if err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(io.Stderr, "exported %d rows to %s\n", n, *out)
	}
	return nil
}
