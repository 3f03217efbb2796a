package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/watchlist"
)

func runWatchlist(ctx context.Context, args []string, io IO) error {
	if len(args) == 0 {
		return usagef("usage: arbsync watchlist import [-dry-run] FILE.csv | export [-out FILE.csv]")
	}
	switch args[0] {
	case "import":
		fs := newFlagSet("watchlist import", io.Stderr)
		dry := fs.Bool("dry-run", false, "validate and report what would change, without writing")
		fs.Usage = func() {
			fmt.Fprintln(io.Stderr, "usage: arbsync watchlist import [-dry-run] FILE.csv   (- reads standard input)\n\nValidates every row first and reports every bad row with its line number;\napplies all rows in one transaction, or none. See README \"Importing a watchlist\".")
			fs.PrintDefaults()
		}
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usagef("want one CSV file (or - for standard input)")
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
	case "export":
		fs := newFlagSet("watchlist export", io.Stderr)
		out := fs.String("out", "", "file to write (default: standard output)")
		if err := parseFlags(fs, args[1:]); err != nil {
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
	default:
		return usagef("unknown watchlist action %q (want import or export)", args[0])
	}
}
