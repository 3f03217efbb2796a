package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// binLabels are arbsync_risk_score_distribution's bins, lowest first.
var binLabels = []string{"0-10", "10-20", "20-30", "30-40", "40-50", "50-60", "60-70", "70-80", "80-90", "90-100"}

// scoresByBin counts arbsync.current_scores per bin directly, every bin
// present.
func (e *env) scoresByBin(t *testing.T) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for i, b := range binLabels {
		out[b] = float64(e.count(t, `SELECT count(*) FROM arbsync.current_scores WHERE least(floor(score / 10), 9) = $1`, i))
	}
	return out
}

// distribution reads arbsync_risk_score_distribution from a scrape.
func distribution(text string) map[string]float64 {
	out := map[string]float64{}
	for _, b := range binLabels {
		out[b] = metric(text, "arbsync_risk_score_distribution", `bin="`+b+`"`)
	}
	return out
}

// A daemon started on a database that `arbsync sync` already scored reports
// the scores' distribution at its first scrape, before any rescore, and the
// jobs' last successes as the database records them (the daemon itself ran
// none of them). It used to report 0 in every bin until the daily rescore,
// and no last success until it ran each job itself, which for the weekly
// job could be a week.
func TestMetricsRightAfterStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 40})
	sync := e.start(t, nil, "sync", "-all")
	require.Equal(t, 0, sync.wait(t, 60*time.Second), "sync -all; log:\n%s", tail(sync.log()))
	want := e.scoresByBin(t)
	scored := 0.0
	for _, n := range want {
		scored += n
	}
	require.Equal(t, float64(len(e.codes)), scored, "sync -all scored every company")

	// Every job succeeded a moment ago (another replica, say): none is
	// caught up at start.
	var lastSuccess float64
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `
		INSERT INTO arbsync.job_runs (job, last_success_at, last_outcome)
		SELECT j, date_trunc('second', now()), 'ok'
		FROM unnest(ARRAY['sync', 'rescore', 'thresholds', 'compact_distribution']) AS j
		ON CONFLICT (job) DO UPDATE SET last_success_at = excluded.last_success_at, last_outcome = 'ok'
		RETURNING extract(epoch FROM last_success_at)::float8`).Scan(&lastSuccess))

	addr := freeAddr(t)
	d := e.start(t, []string{"ARBSYNC_HTTP_ADDR=" + addr, "ARBSYNC_SYNC_SCHEDULE=@every 1h"}, "run")
	waitUntil(t, 30*time.Second, func() bool { return httpStatus("http://"+addr+"/readyz") == http.StatusOK },
		func() string { return "the daemon ready; log:\n" + tail(d.log()) })
	text := scrape(t, addr)
	require.Equal(t, want, distribution(text), "arbsync_risk_score_distribution at the first scrape (want: GROUP BY over current_scores)")
	for _, task := range []string{"sync", "rescore", "thresholds"} {
		require.Equal(t, lastSuccess, metric(text, "arbsync_job_last_success_timestamp_seconds", `task="`+task+`"`),
			"arbsync_job_last_success_timestamp_seconds{task=%q} is arbsync.job_runs' last success", task)
	}
	require.Equal(t, 0, e.count(t, `SELECT count(*) FROM arbsync.job_runs WHERE job = 'rescore' AND last_started_at IS NOT NULL`),
		"no rescore ran")
}

// series is one sample's name and labels as Prometheus stores it.
type series struct {
	name   string
	labels map[string]string
}

func (s series) String() string {
	keys := make([]string, 0, len(s.labels))
	for k := range s.labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, s.labels[k])
	}
	return s.name + "{" + strings.Join(parts, ", ") + "}"
}

// parseExposition parses a /metrics body into its samples (histogram and
// summary samples under their _bucket, _sum and _count names).
func parseExposition(t *testing.T, text string) []series {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
	require.NoError(t, err)
	var out []series
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			switch fam.GetType() {
			case dto.MetricType_HISTOGRAM:
				for _, b := range m.GetHistogram().GetBucket() {
					bl := maps(labels)
					bl["le"] = fmt.Sprint(b.GetUpperBound())
					out = append(out, series{name + "_bucket", bl})
				}
				out = append(out, series{name + "_sum", labels}, series{name + "_count", labels})
			case dto.MetricType_SUMMARY:
				out = append(out, series{name, labels}, series{name + "_sum", labels}, series{name + "_count", labels})
			default:
				out = append(out, series{name, labels})
			}
		}
	}
	return out
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// asStored is what Prometheus stores after scraping target instance of the
// job arbsync (honor_labels false, the default): a sample's own job and
// instance labels are renamed exported_job and exported_instance, and the
// target's are added.
func asStored(in []series, instance string) []series {
	out := make([]series, len(in))
	for i, s := range in {
		l := map[string]string{}
		for k, v := range s.labels {
			if k == "job" || k == "instance" {
				k = "exported_" + k
			}
			l[k] = v
		}
		l["job"], l["instance"] = "arbsync", instance
		out[i] = series{s.name, l}
	}
	return out
}

// rulesFile is the repository's Prometheus alert rules.
const rulesFile = "../deploy/prometheus/arbsync.rules.yml"

var (
	selectorRe = regexp.MustCompile(`\b(arbsync_[a-z0-9_]+)(\{[^}]*\})?`)
	matcherRe  = regexp.MustCompile(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"([^"]*)"\s*$`)
)

// ruleSelectors returns each alert rule's arbsync_* selectors, by rule.
func ruleSelectors(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(rulesFile)
	require.NoError(t, err)
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(b, &f))
	out := map[string][]string{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			for _, m := range selectorRe.FindAllString(r.Expr, -1) {
				out[r.Alert] = append(out[r.Alert], m)
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}

// selects reports whether the selector (name{label="value", …}, equality
// matchers only) selects one of have.
func selects(t *testing.T, selector string, have []series) bool {
	t.Helper()
	m := selectorRe.FindStringSubmatch(selector)
	name, want := m[1], map[string]string{}
	if m[2] != "" {
		for _, part := range strings.Split(strings.Trim(m[2], "{}"), ",") {
			mm := matcherRe.FindStringSubmatch(part)
			require.NotNil(t, mm, "matcher %q of %s", part, selector)
			require.Equal(t, "=", mm[2], "the check handles equality matchers only: %s", selector)
			want[mm[1]] = mm[3]
		}
	}
	return slices.ContainsFunc(have, func(s series) bool {
		if s.name != name {
			return false
		}
		for k, v := range want {
			if s.labels[k] != v {
				return false
			}
		}
		return true
	})
}

// A daemon that has run every job, delivered alerts and answered a lookup
// exports no label named job or instance (Prometheus would rename it
// exported_job, and rules selecting it would select nothing), its /metrics
// passes `promtool check metrics`, and every arbsync_* selector of the
// repository's alert rules selects a series as Prometheus stores it after a
// scrape. It also reports the distribution of the scores its own sync
// wrote.
func TestMetricsAsPrometheusStoresThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{companies: 40})
	recv := newReceiver(t, "metrics-webhook-secret", 0)
	addr := freeAddr(t)
	d := e.start(t, []string{
		"ARBSYNC_HTTP_ADDR=" + addr,
		"ARBSYNC_LOOKUP_TOKEN=metrics-lookup-token",
		"ARBSYNC_ALERT_CHANNELS=t",
		"ARBSYNC_ALERT_T_KIND=webhook",
		"ARBSYNC_ALERT_T_URL=" + recv.srv.URL + "/",
		"ARBSYNC_ALERT_T_SECRET=metrics-webhook-secret",
		"ARBSYNC_ALERT_T_DIGEST=daily",
	}, "run")
	// A fresh database: every job is caught up at start (the digest job
	// too: the channel takes digests).
	waitUntil(t, 90*time.Second, func() bool {
		receipts, _ := recv.count()
		return e.count(t, `SELECT count(*) FROM arbsync.job_runs WHERE last_outcome = 'ok'
				AND job IN ('sync', 'rescore', 'thresholds', 'digest')`) == 4 &&
			e.count(t, `SELECT count(*) FROM arbsync.sync_state WHERE last_success_at IS NULL`) == 0 &&
			receipts > 0
	}, func() string {
		return "sync, rescore, thresholds and digest run once, every company synced, an alert delivered; log:\n" + tail(d.log())
	})
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/companies/"+e.codes[0]+"/risk", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer metrics-lookup-token")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	text := scrape(t, addr)
	exported := parseExposition(t, text)
	var offenders []string
	for _, s := range exported {
		_, job := s.labels["job"]
		_, instance := s.labels["instance"]
		if job || instance {
			delete(s.labels, "le")
			if o := s.String(); !slices.Contains(offenders, o) {
				offenders = append(offenders, o)
			}
		}
	}
	require.Empty(t, offenders, "samples with a label named job or instance (Prometheus renames them exported_job/exported_instance)")

	check := exec.Command(promtool(t), "check", "metrics")
	check.Stdin = strings.NewReader(text)
	out, err := check.CombinedOutput()
	require.NoError(t, err, "promtool check metrics:\n%s", out)

	stored := asStored(exported, "arbsync-1:8080")
	for rule, sels := range ruleSelectors(t) {
		for _, sel := range sels {
			require.True(t, selects(t, sel, stored), "rule %s: %s selects none of the daemon's series as Prometheus stores them", rule, sel)
		}
	}

	require.Equal(t, e.scoresByBin(t), distribution(text), "arbsync_risk_score_distribution after the daemon's own sync")
}
