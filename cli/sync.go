package cli

import (
	"context"
	"fmt"

	"github.com/arbsync/arbsync/config"
	casesync "github.com/arbsync/arbsync/sync"
	"github.com/arbsync/arbsync/uscc"
)

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runSync(ctx context.Context, args []string, io IO) error {
	fs := newFlagSet("sync", io.Stderr)
	all := fs.Bool("all", false, "sync every enabled company once, due or not")
	var codes stringList
	fs.Var(&codes, "code", "sync only this company (repeatable), due or not")
	fs.Usage = func() {
		fmt.Fprintln(io.Stderr, "usage: arbsync sync [-all] [-code CREDIT_CODE]...\n\nRuns one sync pass: every due company, or all enabled companies, or the named ones.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for i, c := range codes {
		codes[i] = uscc.Normalize(c)
		if !uscc.FormatValid(codes[i]) {
			return usagef("-code %q: %s", c, uscc.Problem(codes[i]))
		}
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true, Upstream: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := newAssessor(cfg, nil)
	if err != nil {
		return err
	}
	engine, err := newEngine(cfg, log, pool, nil, a)
	if err != nil {
		return err
	}
	res, err := engine.RunPass(ctx, casesync.PassOptions{Trigger: "manual", IgnoreSchedule: *all || len(codes) > 0, Codes: codes})
	fmt.Fprintf(io.Stdout, "sync run %d: %d companies attempted, %d succeeded (%d changed), %d failed; cases: %d inserted, %d updated, %d removed; %d upstream calls; %s\n",
		res.RunID, res.Attempted, res.Succeeded, res.Changed, res.Failed, res.Inserted, res.Updated, res.Removed, res.UpstreamCalls, res.Duration.Round(1e6))
	if res.Stopped {
		return fmt.Errorf("stopped: the upstream refused permission (see the log)")
	}
	if err == nil && len(codes) > 0 && res.Attempted == 0 {
		return fmt.Errorf("none of %v is an enabled company on the watchlist (or another replica is syncing it now)", []string(codes))
	}
	return err
}
