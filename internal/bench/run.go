package bench

import (
	"context"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/secret"
)

// Exit codes of Main.
const (
	ExitOK     = 0
	ExitFailed = 1 // a scenario could not run, or bad flags
)

// scenario is one measurement of ARCHITECTURE.md “Targets” (see doc.go).
type scenario struct {
	name  string
	title string
	run   func(ctx context.Context, r *runner) ([]Figure, error)
}

// registry lists the scenarios in the order they run. Later scenarios
// reuse what earlier ones prepared in the same run (resync the database the
// write scenario filled, weekly and memory the million companies rescore
// loaded); each prepares it itself when run alone.
var registry = []scenario{
	{"upstream", "upstream-bound sync at a QPS quota", runUpstream},
	{"signed", "signed engine-bound sync vs pure RSA signing", runSigned},
	{"tianyuan", "tianyuan engine-bound sync", runTianyuan},
	{"write", "write path vs raw COPY", runWrite},
	{"resync", "unchanged re-sync writes no case rows", runResync},
	{"rescore", "rescore every company", runRescore},
	{"weekly", "weekly thresholds", runWeekly},
	{"ruleswitch", "a change of scoring rule: every company rescored once, the week's thresholds again", runRuleSwitch},
	{"memory", "peak RSS of the arbsync binary", runMemory},
}

// ScenarioNames lists the scenarios in run order.
func ScenarioNames() []string {
	names := make([]string, len(registry))
	for i, s := range registry {
		names[i] = s.name
	}
	return names
}

// runner is the state of one run, shared by its scenarios.
type runner struct {
	cfg    Config
	srv    *server
	dir    string
	log    io.Writer
	date   time.Time // the simulated date of every scenario
	key    *rsa.PrivateKey
	keyPEM string // private key file, for the arbsync binary
	pubKey *rsa.PublicKey

	accessKey secret.Value

	measured string // what the running scenario measured, for the report

	signRate float64       // pure signing rate, measured once
	write    *writeFixture // the write scenario's database
	big      *bigFixture   // the million-company database
	bin      string        // arbsync binary
}

// logf prints a progress line.
func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, "bench: "+format+"\n", args...)
}

// Run runs the configured scenarios and returns the report. An error means
// the run could not start; a scenario that fails is recorded in the report
// and the others still run.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	started := time.Now()
	rep := &Report{
		StartedAt: started.UTC(),
		Smoke:     cfg.Smoke,
		Machine: Machine{
			CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
			LoadAvg: loadAverage(),
		},
	}
	dir, err := tempDir()
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, dir: dir, log: cfg.Log}
	defer func() {
		if !cfg.Keep {
			_ = os.RemoveAll(dir)
		} else {
			r.logf("kept %s", dir)
		}
	}()
	if err := r.makeKeys(); err != nil {
		return nil, err
	}
	r.date = time.Now().In(chinaTime)
	r.logf("starting PostgreSQL (%s)", map[bool]string{true: "devpg, durable", false: "from -database-url"}[cfg.DatabaseURL == ""])
	r.srv, err = startServer(ctx, cfg.DatabaseURL, dir, cfg.Keep, cfg.DBSettings, cfg.Log)
	if err != nil {
		return nil, err
	}
	defer r.srv.close(context.WithoutCancel(ctx))
	rep.Machine.PostgreSQL = r.srv.version
	rep.Machine.Database = r.srv.describe()

	for _, s := range registry {
		if len(cfg.Scenarios) > 0 && !slices.Contains(cfg.Scenarios, s.name) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		r.logf("scenario %s: %s", s.name, s.title)
		r.measured = ""
		t0 := time.Now()
		figs, err := s.run(ctx, r)
		run := ScenarioRun{Name: s.name, Title: s.title, Seconds: time.Since(t0).Seconds(), Measured: r.measured}
		if err != nil {
			run.Error = err.Error()
			r.logf("scenario %s failed: %v", s.name, err)
		}
		for _, f := range figs {
			f.Scenario = s.name
			rep.Figures = append(rep.Figures, f)
		}
		rep.Scenarios = append(rep.Scenarios, run)
		r.logf("scenario %s done in %.1f s", s.name, run.Seconds)
	}
	rep.Seconds = time.Since(started).Seconds()
	return rep, ctx.Err()
}

// Main is the arbsync-bench command: it parses flags, runs, prints the
// table to stdout and writes the JSON report.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, cpuProfile, err := ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "arbsync-bench: %v\n", err)
		return ExitFailed
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "arbsync-bench: %v\n", err)
			return ExitFailed
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "arbsync-bench: %v\n", err)
			return ExitFailed
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := Run(ctx, cfg)
	if rep == nil {
		fmt.Fprintf(stderr, "arbsync-bench: %v\n", err)
		return ExitFailed
	}
	rep.Command = "arbsync-bench " + strings.Join(args, " ")
	if err := rep.WriteTable(stdout); err != nil {
		return ExitFailed
	}
	if cfg.JSONPath != "" {
		if err := rep.WriteJSON(cfg.JSONPath); err != nil {
			fmt.Fprintf(stderr, "arbsync-bench: %v\n", err)
			return ExitFailed
		}
		fmt.Fprintf(stdout, "Results written to %s\n", cfg.JSONPath)
	}
	if err != nil || rep.Failed() > 0 {
		return ExitFailed
	}
	return ExitOK
}

// loadAverage is /proc/loadavg's first three fields: the machine is
// shared, and a busy one gives noisier figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
