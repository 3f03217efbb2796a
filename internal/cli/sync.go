package cli

import (
	"context"
	"fmt"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/uscc"
	"github.com/arbsync/arbsync/sync"
)

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func syncCommand() *command {
	return &command{
		name:    "sync",
		args:    "[-all] [-code CREDIT_CODE]...",
		summary: "run one sync pass (due companies, -all, or -code C)",
		about: "Runs one sync pass, as the daemon's sync tick does: fetches every company that is due from the vendor, " +
			"or every enabled company (-all), or the named ones (due or not), stores what changed and rescores them. " +
			"Prints the pass's counts; the pass is recorded in arbsync.sync_runs.",
		env: true,
		run: runSync,
	}
}

func runSync(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	all := fs.Bool("all", false, "sync every enabled company once, due or not")
	var codes stringList
	fs.Var(&codes, "code", "sync only the company with this `CREDIT_CODE` (repeatable), due or not")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	for i, code := range codes {
		codes[i] = uscc.Normalize(code)
		if !uscc.FormatValid(codes[i]) {
			return usagef("-code %q: %s", code, uscc.Problem(codes[i]))
		}
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true, Upstream: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	engine, assessor, err := app.App{Config: cfg, Log: log, Pool: pool}.SyncEngine()
	if err != nil {
		return err
	}
	res, err := engine.RunPass(ctx, casesync.PassOptions{Trigger: "manual", IgnoreSchedule: *all || len(codes) > 0, Codes: codes})
	fmt.Fprintf(io.Stdout, "sync run %d: %d companies attempted, %d succeeded (%d changed), %d failed; cases: %d inserted, %d updated, %d removed; %d upstream calls; %s\n",
		res.RunID, res.Attempted, res.Succeeded, res.Changed, res.Failed, res.Inserted, res.Updated, res.Removed, res.UpstreamCalls, res.Duration.Round(1e6))
	st := assessor.Totals()
	fmt.Fprintf(io.Stdout, "scores: %d companies rescored, %d scores changed, %d alerts raised\n", st.Scored, st.Changed, st.Alerts)
	if res.Stopped {
		return fmt.Errorf("stopped: the upstream refused permission (see the log)")
	}
	if err == nil && len(codes) > 0 && res.Attempted == 0 {
		return fmt.Errorf("none of %v is an enabled company on the watchlist (or another replica is syncing it now)", []string(codes))
	}
	return err
}
