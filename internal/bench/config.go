package bench

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is one run: which scenarios, at which sizes, against which
// PostgreSQL. Defaults (DefaultConfig) are the sizes of ARCHITECTURE.md “Targets”;
// SmokeConfig shrinks every size so a run takes seconds.
type Config struct {
	// DatabaseURL is a server where the user may CREATE DATABASE; empty
	// starts a throwaway durable cluster with devpg.
	DatabaseURL string
	// Scenarios to run, in registry order; empty runs all.
	Scenarios []string
	// JSONPath receives the report; empty writes none.
	JSONPath string
	// Smoke marks a run at smoke sizes (recorded in the report).
	Smoke bool
	// Keep leaves the databases and the temporary directory in place.
	Keep bool
	// ArbsyncBin is a prebuilt arbsync binary for the memory scenario;
	// empty builds ./cmd/arbsync with the go tool.
	ArbsyncBin string
	// Seed is the simulator's data seed.
	Seed int64
	// DBSettings are applied to every benchmark database (ALTER DATABASE
	// … SET name = value) before it is used: a what-if tool for trying a
	// server setting, such as plan_cache_mode, without editing arbsync.
	// Empty for the real measurement.
	DBSettings map[string]string
	// Log receives progress lines.
	Log io.Writer

	// Upstream-bound scenario.
	UpstreamCompanies         int           // companies synced at the quota (6,000)
	UpstreamBaselineCompanies int           // companies fetched by the seed-style baseline (1,500)
	UpstreamQPS               float64       // the simulator's quota and the client's QPS (200)
	UpstreamLatency           time.Duration // simulated mean latency (50 ms)
	UpstreamJitter            time.Duration // ± spread of the latency (10 ms)

	// Engine-bound scenarios.
	SignedCompanies   int           // companies synced over the signed protocol (20,000)
	TianyuanCompanies int           // companies synced over tianyuan (20,000)
	SignFor           time.Duration // how long the pure signing rate is measured (3 s)

	// Write path and re-sync.
	WriteCompanies     int // companies stored through Store.Write (50,000)
	WriteSeedCompanies int // companies stored the seed's way (5,000)
	WriteBatch         int // companies per write transaction (200, the engine's default)

	// Rescore and weekly thresholds.
	RescoreCompanies int  // companies loaded with COPY and rescored (1,000,000)
	RescoreSteady    bool // also time a second Rescore(All) with nothing changed (off: it doubles the scenario's time)

	// Memory.
	MemorySyncSizes    []int // watchlist sizes synced by the arbsync binary (100,000 and 1,000,000)
	MemoryRescoreSizes []int // watchlist sizes rescored by the arbsync binary (100,000 and 1,000,000)
}

// DefaultConfig returns the sizes of ARCHITECTURE.md “Targets” (what `make bench` runs).
func DefaultConfig() Config {
	return Config{
		Seed:                      7,
		Log:                       os.Stderr,
		UpstreamCompanies:         6000,
		UpstreamBaselineCompanies: 1500,
		UpstreamQPS:               200,
		UpstreamLatency:           50 * time.Millisecond,
		UpstreamJitter:            10 * time.Millisecond,
		SignedCompanies:           20000,
		TianyuanCompanies:         20000,
		SignFor:                   3 * time.Second,
		WriteCompanies:            50000,
		WriteSeedCompanies:        5000,
		WriteBatch:                200,
		RescoreCompanies:          1_000_000,
		MemorySyncSizes:           []int{100_000, 1_000_000},
		MemoryRescoreSizes:        []int{100_000, 1_000_000},
	}
}

// SmokeConfig returns tiny sizes: every scenario runs and produces its
// figures in seconds, so the harness is exercised by `make test`. The
// figures of a smoke run say nothing about performance.
func SmokeConfig() Config {
	c := DefaultConfig()
	c.Smoke = true
	c.UpstreamCompanies = 150
	c.UpstreamBaselineCompanies = 60
	c.SignedCompanies = 200
	c.TianyuanCompanies = 200
	c.SignFor = 300 * time.Millisecond
	c.WriteCompanies = 300
	c.WriteSeedCompanies = 60
	c.RescoreCompanies = 3000
	c.RescoreSteady = true
	c.MemorySyncSizes = []int{150, 300}
	c.MemoryRescoreSizes = []int{300, 3000}
	return c
}

// ParseFlags builds a Config from command-line arguments. -smoke switches
// the defaults to SmokeConfig; size flags given explicitly still apply.
func ParseFlags(args []string, stderr io.Writer) (Config, string, error) {
	fs := flag.NewFlagSet("arbsync-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	smoke := slices.ContainsFunc(args, func(a string) bool {
		return a == "-smoke" || a == "--smoke" || a == "-smoke=true" || a == "--smoke=true"
	})
	c := DefaultConfig()
	if smoke {
		c = SmokeConfig()
	}
	c.Log = stderr
	var scenarios, syncSizes, rescoreSizes, cpuProfile string
	fs.BoolVar(&c.Smoke, "smoke", c.Smoke, "tiny sizes for a CI smoke run (seconds); figures mean nothing")
	fs.StringVar(&scenarios, "scenarios", "", "comma-separated scenarios to run (default all): "+strings.Join(ScenarioNames(), ","))
	fs.StringVar(&c.JSONPath, "json", "bench-results.json", "write the results as JSON to this file (empty: none)")
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("TEST_DATABASE_URL"),
		"PostgreSQL server where this user may CREATE DATABASE (default $TEST_DATABASE_URL; empty: start a throwaway durable cluster with devpg)")
	fs.BoolVar(&c.Keep, "keep", false, "keep the benchmark databases and temporary directory")
	fs.StringVar(&c.ArbsyncBin, "arbsync-bin", "", "prebuilt arbsync binary for the memory scenario (default: go build ./cmd/arbsync)")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of this process (simulator, client, engine) to this file")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "simulator data seed")
	fs.Func("db-set", "what-if: `name=value` set on every benchmark database with ALTER DATABASE (repeatable; not for the real measurement)", func(v string) error {
		name, value, ok := strings.Cut(v, "=")
		if !ok || !validSettingName(name) {
			return fmt.Errorf("%q is not name=value with a PostgreSQL setting name", v)
		}
		if c.DBSettings == nil {
			c.DBSettings = map[string]string{}
		}
		c.DBSettings[name] = value
		return nil
	})

	fs.IntVar(&c.UpstreamCompanies, "upstream-companies", c.UpstreamCompanies, "upstream-bound: companies synced at the quota")
	fs.IntVar(&c.UpstreamBaselineCompanies, "upstream-baseline-companies", c.UpstreamBaselineCompanies, "upstream-bound: companies fetched by the seed-style baseline (5 blocking workers)")
	fs.Float64Var(&c.UpstreamQPS, "upstream-qps", c.UpstreamQPS, "upstream-bound: simulator quota (and the client's QPS)")
	fs.DurationVar(&c.UpstreamLatency, "upstream-latency", c.UpstreamLatency, "upstream-bound: simulated mean latency")
	fs.DurationVar(&c.UpstreamJitter, "upstream-jitter", c.UpstreamJitter, "upstream-bound: latency spread (±)")
	fs.IntVar(&c.SignedCompanies, "signed-companies", c.SignedCompanies, "signed: companies synced engine-bound")
	fs.IntVar(&c.TianyuanCompanies, "tianyuan-companies", c.TianyuanCompanies, "tianyuan: companies synced engine-bound")
	fs.DurationVar(&c.SignFor, "sign-for", c.SignFor, "signed: how long the machine's pure signing rate is measured")
	fs.IntVar(&c.WriteCompanies, "write-companies", c.WriteCompanies, "write/resync: companies stored through Store.Write")
	fs.IntVar(&c.WriteSeedCompanies, "write-seed-companies", c.WriteSeedCompanies, "write: companies stored the seed's way (one transaction per company, one INSERT per case)")
	fs.IntVar(&c.WriteBatch, "write-batch", c.WriteBatch, "write: companies per write transaction")
	fs.IntVar(&c.RescoreCompanies, "rescore-companies", c.RescoreCompanies, "rescore/weekly/ruleswitch: companies loaded with COPY")
	fs.BoolVar(&c.RescoreSteady, "rescore-steady", c.RescoreSteady, "rescore: also time a second Rescore(All) in which nothing changes")
	fs.StringVar(&syncSizes, "memory-sync-sizes", joinInts(c.MemorySyncSizes), "memory: watchlist sizes synced by the arbsync binary")
	fs.StringVar(&rescoreSizes, "memory-rescore-sizes", joinInts(c.MemoryRescoreSizes), "memory: watchlist sizes rescored by the arbsync binary")
	if err := fs.Parse(args); err != nil {
		return c, "", err
	}
	if fs.NArg() > 0 {
		return c, "", fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if c.MemorySyncSizes, err = parseInts(syncSizes); err != nil {
		return c, "", fmt.Errorf("-memory-sync-sizes: %w", err)
	}
	if c.MemoryRescoreSizes, err = parseInts(rescoreSizes); err != nil {
		return c, "", fmt.Errorf("-memory-rescore-sizes: %w", err)
	}
	if scenarios != "" {
		c.Scenarios = strings.Split(scenarios, ",")
	}
	return c, cpuProfile, c.Validate()
}

// Validate reports sizes and scenario names that cannot run.
func (c Config) Validate() error {
	known := ScenarioNames()
	for _, s := range c.Scenarios {
		if !slices.Contains(known, s) {
			return fmt.Errorf("unknown scenario %q (known: %s)", s, strings.Join(known, ", "))
		}
	}
	for name, v := range map[string]int{
		"upstream-companies": c.UpstreamCompanies, "upstream-baseline-companies": c.UpstreamBaselineCompanies,
		"signed-companies": c.SignedCompanies, "tianyuan-companies": c.TianyuanCompanies,
		"write-companies": c.WriteCompanies, "write-seed-companies": c.WriteSeedCompanies,
		"write-batch": c.WriteBatch, "rescore-companies": c.RescoreCompanies,
	} {
		if v < 1 {
			return fmt.Errorf("-%s must be at least 1", name)
		}
	}
	if c.UpstreamQPS <= 0 {
		return fmt.Errorf("-upstream-qps must be positive")
	}
	if len(c.MemorySyncSizes) != 2 || len(c.MemoryRescoreSizes) != 2 {
		return fmt.Errorf("-memory-sync-sizes and -memory-rescore-sizes take two sizes each (small,large)")
	}
	return nil
}

// validSettingName accepts PostgreSQL setting names (letters, digits,
// underscores and dots), which are spliced into ALTER DATABASE.
func validSettingName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}
