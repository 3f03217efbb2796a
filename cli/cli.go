// Package cli implements the arbsync command line: one function per
// subcommand, each parsing its flags, loading the configuration it needs and
// calling the same code the daemon's schedules run.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/config"
	"github.com/arbsync/arbsync/db"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// IO is what a command reads and writes.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            config.Env
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, io IO) error
}

func commands() map[string]command {
	return map[string]command{
		"run":          {"run the daemon: schedules, watchlist notifications, HTTP", runDaemon},
		"migrate":      {"apply or inspect database migrations: up | down | status", runMigrate},
		"sync":         {"run one sync pass (due companies, -all, or -code C)", runSync},
		"score":        {"score cases from stdin (-json), or rescore companies in the database", runScore},
		"sim":          {"run the upstream vendor simulator (or `sim sample` for a demo watchlist CSV)", runSim},
		"keygen":       {"write an RSA key pair for the signed protocol", runKeygen},
		"thresholds":   {"weekly dynamic thresholds: recompute a week (-dry-run), or backtest fixed vs dynamic", runThresholds},
		"report":       {"write the weekly threshold report (report weekly -week W -out DIR)", runReport},
		"watchlist":    {"import the watchlist from CSV (all rows or none), or export it", runWatchlist},
		"webhook-sink": {"print alerts received on the generic webhook channel (for trying alert configuration)", runSink},
	}
}

// usageError marks errors that should exit with ExitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Main runs the command named by args[0] and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Env) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr, cmds)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "arbsync: unknown command %q\n\n", args[0])
		printUsage(stderr, cmds)
		return ExitUsage
	}
	err := cmd.run(ctx, args[1:], IO{Stdin: stdin, Stdout: stdout, Stderr: stderr, Env: env})
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	fmt.Fprintf(stderr, "arbsync %s: %v\n", args[0], err)
	var ue usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitFailure
}

func printUsage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: arbsync COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment; see README.md. `arbsync COMMAND -h` lists a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("arbsync "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// setup loads the configuration, builds the logger and, if need.Database,
// connects to PostgreSQL.
func setup(ctx context.Context, io IO, need config.Need) (config.Config, zerolog.Logger, *pgxpool.Pool, error) {
	cfg, err := config.Load(io.Env, need)
	if err != nil {
		return cfg, zerolog.Nop(), nil, err
	}
	log := cfg.NewLogger(io.Stderr)
	if !need.Database {
		return cfg, log, nil, nil
	}
	// A sync pass holds up to three connections (claims and two writers);
	// the outbox, the jobs and lookups need theirs meanwhile.
	pool, err := db.Connect(ctx, cfg.DatabaseURL.Reveal(), db.PoolOptions{ApplicationName: "arbsync", DefaultMaxConns: 8})
	if err != nil {
		return cfg, log, nil, err
	}
	return cfg, log, pool, nil
}
