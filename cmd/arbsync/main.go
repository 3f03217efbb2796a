// Command arbsync keeps a PostgreSQL database current with the
// labor-arbitration history of a watchlist of companies. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/arbsync/arbsync/internal/cli"
	"github.com/arbsync/arbsync/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, config.OSEnv())
	stop()
	os.Exit(code)
}
