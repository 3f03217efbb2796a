package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/config"
)

func migrateCommand() *command {
	return &command{
		name:    "migrate",
		args:    "up|down|status",
		summary: "apply or inspect the database migrations",
		about: "Applies or inspects the schema migrations embedded in the binary. Safe to run from several replicas " +
			"at once: one applies them while the others wait. The daemon refuses to start until the schema is current.",
		subs: []*command{{
			name: "migrate up", summary: "apply every pending migration", env: true, run: runMigrate,
			about: "Applies every pending migration, in order, and says how many it applied.",
		}, {
			name: "migrate down", summary: "roll back the most recent migration", env: true, run: runMigrate,
			about: "Rolls back the most recently applied migration, and says which.",
		}, {
			name: "migrate status", summary: "list the migrations and whether each is applied", env: true, run: runMigrate,
			about: "Lists every migration with its version, whether it is applied (and when) or pending, and its file.",
		}},
	}
}

func runMigrate(ctx context.Context, c *command, args []string, io IO) error {
	if err := c.parse(c.flags(), args, io); err != nil {
		return err
	}
	verb := c.leaf()
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
