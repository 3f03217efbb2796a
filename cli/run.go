package cli

import (
	"context"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/daemon"
)

func runDaemon(ctx context.Context, args []string, io IO) error {
	fs := newFlagSet("run", io.Stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	d, err := daemon.New(ctx, cfg, log, pool)
	if err != nil {
		return err
	}
	return d.Run(ctx)
}
