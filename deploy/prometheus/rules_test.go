package prometheus_test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/debpkg"
)

const (
	rulesFile = "arbsync.rules.yml"
	readme    = "../../README.md"
)

// promtool returns promtool's path, installing Debian's prometheus package
// when it is missing. It never skips: without promtool the test fails and
// says what to install.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := debpkg.Ensure(context.Background(), os.Stderr, "prometheus", debpkg.Command("promtool"))
	require.NoError(t, err)
	return p
}

func run(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(promtool(t), args...).CombinedOutput()
	require.NoError(t, err, "promtool %s:\n%s", strings.Join(args, " "), out)
}

// The rules are valid, and every rule fires when it should, with its
// labels and annotations, and stays quiet when it should not
// (arbsync.rules.test.yml, arbsync.rules.days.test.yml).
func TestAlertRules(t *testing.T) {
	run(t, "check", "rules", rulesFile)
	run(t, "test", "rules", "arbsync.rules.test.yml", "arbsync.rules.days.test.yml")
}

// yamlBlocks returns the README's fenced yaml blocks.
func yamlBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(readme)
	require.NoError(t, err)
	return regexp.MustCompile("(?ms)^```yaml\n(.*?)^```$").FindAllString(string(b), -1)
}

func blockBody(block string) string {
	return strings.TrimSuffix(strings.TrimPrefix(block, "```yaml\n"), "```")
}

// The README shows exactly the rules of arbsync.rules.yml, and a scrape
// config whose job name is the one the rules select.
func TestReadmeShowsTheRules(t *testing.T) {
	rules, err := os.ReadFile(rulesFile)
	require.NoError(t, err)
	var shown []string
	var scrape string
	for _, b := range yamlBlocks(t) {
		body := blockBody(b)
		if strings.HasPrefix(body, "# "+"deploy/prometheus/"+rulesFile) {
			shown = append(shown, body)
		}
		if strings.HasPrefix(body, "# prometheus.yml") {
			scrape = body
		}
	}
	require.Len(t, shown, 1, "the README has one yaml block starting with the rules file's first line")
	require.Equal(t, string(rules), shown[0], "the README's rules block differs from %s", rulesFile)

	job := regexp.MustCompile(`(?m)job_name: *(\S+)`).FindStringSubmatch(scrape)
	require.NotNil(t, job, "the README shows a scrape config (a yaml block starting with # prometheus.yml)")
	require.Contains(t, string(rules), `up{job="`+job[1]+`"}`, "the rules select the README's scrape job")
}
