package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/db"
)

func runMigrate(ctx context.Context, args []string, io IO) error {
	fs := newFlagSet("migrate", io.Stderr)
	fs.Usage = func() {
		fmt.Fprintln(io.Stderr, "usage: arbsync migrate up | down | status\n\n  up      apply every pending migration\n  down    roll back the most recent migration\n  status  list migrations and whether each is applied")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("want exactly one of up, down, status; got %q", strings.Join(fs.Args(), " "))
	}
	verb := fs.Arg(0)
	if verb != "up" && verb != "down" && verb != "status" {
		return usagef("unknown migrate action %q (want up, down or status)", verb)
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := db.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	log = log.With().Str("component", "migrate").Str("database", cfg.DatabaseTarget).Logger()
	switch verb {
	case "up":
		res, err := m.Up(ctx)
		for _, r := range res {
			log.Info().Int64("version", r.Version).Str("source", r.Source).Dur("took", r.Duration).Msg("applied migration")
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "migrations: %d applied; schema is current\n", len(res))
	case "down":
		res, err := m.Down(ctx)
		for _, r := range res {
			fmt.Fprintf(io.Stdout, "rolled back %d (%s)\n", r.Version, r.Source)
		}
		return err
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tSOURCE")
		for _, s := range st {
			state, at := "pending", ""
			if s.Applied {
				state, at = "applied", s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%05d\t%s\t%s\t%s\n", s.Version, state, at, s.Source)
		}
		return tw.Flush()
	}
	return nil
}
