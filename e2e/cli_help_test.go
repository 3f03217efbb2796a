package e2e

import (
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cliCommand is one arbsync command or subcommand as a user types it.
type cliCommand struct {
	name  string   // after "arbsync": "thresholds recompute"; "" for arbsync itself
	flags []string // every flag it takes
	subs  []string // its subcommands
	// runsBare says that it does something with no arguments at all (so a
	// missing subcommand is not misuse).
	runsBare bool
	// positional are arguments it takes after its flags.
	positional []string
	// missing is an invocation (after the name) that lacks a required
	// argument, and what the error names.
	missing     []string
	missingSays string
}

func cliCommands() []cliCommand {
	simFlags := []string{"listen", "protocol", "public-key", "app-id", "access-id", "access-key", "access-key-file",
		"product", "qps", "latency", "jitter", "error-rate", "deny-product", "unknown-share", "seed", "date",
		"advance-every", "page-size-max", "log-level", "log-format"}
	return []cliCommand{
		{name: "", subs: []string{"run", "migrate", "sync", "score", "thresholds", "report", "watchlist", "sim", "keygen", "webhook-sink", "version"}},
		{name: "run", runsBare: true},
		{name: "migrate", subs: []string{"up", "down", "status"}},
		{name: "migrate up"},
		{name: "migrate down"},
		{name: "migrate status"},
		{name: "sync", flags: []string{"all", "code"}, runsBare: true},
		{name: "score", flags: []string{"json", "all", "code"}, runsBare: true},
		{name: "thresholds", subs: []string{"recompute", "backtest"}},
		{name: "thresholds recompute", flags: []string{"week", "dry-run"}},
		{name: "thresholds backtest", flags: []string{"from", "to", "horizon", "rules", "json"}},
		{name: "report", subs: []string{"weekly"}},
		{name: "report weekly", flags: []string{"week", "out"}},
		{name: "watchlist", subs: []string{"import", "export"}},
		{name: "watchlist import", flags: []string{"dry-run"}, positional: []string{"watchlist.csv"}, missing: []string{"-dry-run"}, missingSays: "FILE.csv"},
		{name: "watchlist export", flags: []string{"out"}},
		{name: "sim", flags: simFlags, subs: []string{"sample"}, runsBare: true},
		{name: "sim sample", flags: []string{"n", "seed"}},
		{name: "keygen", flags: []string{"out", "name"}},
		{name: "webhook-sink", flags: []string{"listen", "secret-file"}},
		{name: "version"},
	}
}

// Every command and subcommand answers -h and --help the same way, on
// standard output with exit 0: a usage line naming it, a paragraph on what
// it does, its subcommands and each of its flags. Misuse (an unknown flag or
// subcommand, a missing or extra argument) exits 2 on standard error and
// says what was wrong.
func TestEveryCommandAnswersHelpAndMisuse(t *testing.T) {
	t.Parallel()
	for _, c := range cliCommands() {
		words := strings.Fields(c.name)
		t.Run("arbsync "+c.name, func(t *testing.T) {
			t.Parallel()
			with := func(args ...string) []string { return append(slices.Clone(words), args...) }

			help := runCmd(t, []string{}, "", with("-h")...)
			require.Equal(t, 0, help.code, "-h exits 0; stderr:\n%s", help.stderr)
			require.Empty(t, help.stderr, "help goes to standard output")
			out := help.stdout
			lines := strings.Split(out, "\n")
			require.True(t, strings.HasPrefix(lines[0], strings.Join(strings.Fields("usage: arbsync "+c.name), " ")), "first line is the usage line naming the command:\n%s", out)
			require.True(t, len(lines) > 3 && lines[1] == "" && len(strings.Fields(lines[2])) > 5, "a paragraph follows the usage line:\n%s", out)
			for _, f := range c.flags {
				require.Regexp(t, `(?m)^  -`+regexp.QuoteMeta(f)+`( [A-Za-z0-9_]+)?$`, out, "-h lists flag -%s on a line of its own", f)
			}
			require.NotRegexp(t, `(?m)^  -[a-z-]+ \S+ \S`, out, "a flag's line names at most one argument type")
			for _, s := range c.subs {
				require.Regexp(t, `(?m)^  `+regexp.QuoteMeta(s)+`  `, out, "-h lists subcommand %s", s)
			}

			for _, same := range [][]string{with("--help"), append([]string{"help"}, words...)} {
				r := runCmd(t, []string{}, "", same...)
				require.Equal(t, 0, r.code, "arbsync %v", same)
				require.Equal(t, out, r.stdout, "arbsync %v answers as arbsync %v", same, with("-h"))
			}

			bad := runCmd(t, []string{}, "", with("-no-such-flag")...)
			require.Equal(t, 2, bad.code, "an unknown flag exits 2; stderr:\n%s", bad.stderr)
			require.Empty(t, bad.stdout)
			require.Contains(t, bad.stderr, "-no-such-flag", "says which flag")
			require.Contains(t, bad.stderr, lines[0], "and shows the usage line")

			extra := runCmd(t, []string{}, "", with(append(slices.Clone(c.positional), "no-such-thing")...)...)
			require.Equal(t, 2, extra.code, "an unknown subcommand or extra argument exits 2; stderr:\n%s", extra.stderr)
			require.Contains(t, extra.stderr, `"no-such-thing"`)
			for _, s := range c.subs {
				require.Regexp(t, `(?m)^  `+regexp.QuoteMeta(s)+`  `, extra.stderr, "an unknown subcommand lists the valid ones: %s", s)
			}

			if len(c.subs) > 0 && !c.runsBare {
				none := runCmd(t, []string{}, "", words...)
				require.Equal(t, 2, none.code, "a missing subcommand exits 2; stderr:\n%s", none.stderr)
				for _, s := range c.subs {
					require.Regexp(t, `(?m)^  `+regexp.QuoteMeta(s)+`  `, none.stderr, "a missing subcommand lists the valid ones: %s", s)
				}
			}
			if c.missing != nil {
				r := runCmd(t, []string{}, "", with(c.missing...)...)
				require.Equal(t, 2, r.code, "a missing argument exits 2; stderr:\n%s", r.stderr)
				require.Contains(t, r.stderr, "missing")
				require.Contains(t, r.stderr, c.missingSays)
			}
		})
	}
}

// `arbsync run -h` lists every variable of the README's configuration
// table, and the table documents every variable it lists.
func TestRunHelpListsTheEnvironment(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	section := string(readme)
	start := strings.Index(section, "\n## Configuration\n")
	require.GreaterOrEqual(t, start, 0, "README has a Configuration section")
	section = section[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	documented := map[string]bool{}
	for _, row := range regexp.MustCompile("(?m)^\\| (.*?) \\|").FindAllStringSubmatch(section, -1) {
		for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_<>]*)`").FindAllStringSubmatch(row[1], -1) {
			documented[m[1]] = true
		}
	}
	require.Greater(t, len(documented), 30, "found the README's variables")

	r := runCmd(t, []string{}, "", "run", "-h")
	require.Equal(t, 0, r.code)
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^    ((?:DATABASE|ARBSYNC)_[A-Z0-9_<>]*)`).FindAllStringSubmatch(r.stdout, -1) {
		listed[m[1]] = true
	}
	for v := range documented {
		require.True(t, listed[v], "`arbsync run -h` does not list %s (README's configuration table does):\n%s", v, r.stdout)
	}
	for v := range listed {
		require.True(t, documented[v], "README's configuration table does not document %s, which `arbsync run -h` lists", v)
	}
	require.Regexp(t, `(?m)^    DATABASE_URL \(_FILE\) +required`, r.stdout)
	require.Regexp(t, `(?m)^    ARBSYNC_SYNC_SCHEDULE +\*/5 \* \* \* \*$`, r.stdout, "with its default")
	require.Regexp(t, `(?m)^  vendor \(upstream\)$`, r.stdout, "grouped")
	require.Regexp(t, `(?m)^  scoring\n    ARBSYNC_SCORE_RULE +2$`, r.stdout, "the scoring rule, with its default")
}

// `arbsync version`, -version and --version print the build's version and
// the Go version it was built with.
func TestVersion(t *testing.T) {
	t.Parallel()
	var first string
	for _, args := range [][]string{{"version"}, {"-version"}, {"--version"}} {
		r := runCmd(t, []string{}, "", args...)
		require.Equal(t, 0, r.code, "arbsync %v; stderr:\n%s", args, r.stderr)
		require.Regexp(t, `(?m)^arbsync \S+`, r.stdout)
		require.Regexp(t, `(?m)^module +github.com/arbsync/arbsync$`, r.stdout)
		require.Regexp(t, `(?m)^revision +\S+`, r.stdout)
		require.Regexp(t, `(?m)^go +`+regexp.QuoteMeta(runtime.Version())+` `+runtime.GOOS+"/"+runtime.GOARCH+`$`, r.stdout)
		if first == "" {
			first = r.stdout
		}
		require.Equal(t, first, r.stdout)
	}
}
