// Command arbsync-bench measures arbsync against the performance targets of
// ARCHITECTURE.md “Targets” and prints each figure beside a limit measured in the same run
// (`make bench`; see package bench and `arbsync-bench -h`).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/arbsync/arbsync/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := bench.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
