package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/testdb"
)

// The README's demo, verbatim: `make run` (scripts/run.sh), then `make
// advance` (scripts/run.sh advance) beside it lets simulated time pass at the
// vendor, and a newcomer sees new cases, changed scores and delivered alerts
// at once. Before, the documented `curl …/_sim/advance` was followed by a
// scheduled sync that attempted no company (all due in 24 h).
func TestDemoAdvanceShowsNewCasesScoresAndAlerts(t *testing.T) {
	t.Parallel()
	d := testdb.NewDatabase(t)
	dev := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + d.DSN,
		"DEV_DIR=" + dev,
		"SIM_ADDR=" + freeAddr(t),
		"SINK_ADDR=" + freeAddr(t),
		"ARBSYNC_HTTP_ADDR=" + freeAddr(t),
		"ARBSYNC_BIN=" + binary,
		"ARBSYNC_LOG_FORMAT=json",
		"DEMO_COMPANIES=150",
	}
	started := make(chan string, 1)
	run := startCommand(t, "make-run", env, "bash", "../scripts/run.sh")
	go func() { started <- <-run.watch("sending to this channel") }()
	select {
	case <-started:
	case <-run.done:
		t.Fatalf("make run stopped; log:\n%s", tail(run.log()))
	case <-time.After(3 * time.Minute):
		t.Fatalf("the demo daemon is not delivering alerts; log:\n%s", tail(run.log()))
	}
	// The first sync's alerts all reach the receiver.
	logged := func(what string) int {
		b, _ := os.ReadFile(dev + "/alerts.log")
		return strings.Count(string(b), " "+what+" ")
	}
	alertLines := func() int { return logged("ALERT") }
	delivered := func() int {
		return qInt(t, d.Pool, `SELECT count(*) FROM arbsync.alert_deliveries WHERE status = 'sent'`)
	}
	waitUntil(t, time.Minute, func() bool {
		return alertLines() == qInt(t, d.Pool, `SELECT count(*) FROM arbsync.alerts WHERE kind = 'level'`) &&
			delivered() == qInt(t, d.Pool, `SELECT count(*) FROM arbsync.alerts`)
	}, func() string { return "the first alerts are delivered; log:\n" + tail(run.log()) })
	require.Zero(t, logged("EVENT"), "the first sync is the baseline: no case event alerts")
	before := alertLines()

	cmd := exec.Command("bash", "../scripts/run.sh", "advance", "60")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "make advance:\n%s", out)
	require.Empty(t, unexpectedErrors(string(out), nil), "make advance logs no error")
	m := regexp.MustCompile(`cases: (\d+) inserted, (\d+) updated`).FindStringSubmatch(string(out))
	require.NotNil(t, m, "the sync's summary:\n%s", out)
	inserted, _ := strconv.Atoi(m[1])
	require.Positive(t, inserted, "new cases at the vendor are stored:\n%s", out)
	s := regexp.MustCompile(`scores: \d+ companies rescored, (\d+) scores changed, (\d+) alerts raised`).FindStringSubmatch(string(out))
	require.NotNil(t, s, "the scoring summary:\n%s", out)
	changed, _ := strconv.Atoi(s[1])
	raised, _ := strconv.Atoi(s[2])
	require.Positive(t, changed, "scores change:\n%s", out)
	require.Positive(t, raised, "alerts are raised:\n%s", out)
	waitUntil(t, time.Minute, func() bool { return alertLines() == before+raised }, func() string {
		return "the running daemon delivers the new alerts to alerts.log; log:\n" + tail(run.log())
	})
	// The demo channel takes filed events as they are found, and make
	// advance sends today's digest so far.
	require.Regexp(t, `digest of \d{4}-\d\d-\d\d written to the outbox: \d+ message\(s\), [1-9]\d* case events`, string(out))
	events := qInt(t, d.Pool, `SELECT count(*) FROM arbsync.case_events WHERE kind = 'filed'`)
	require.Positive(t, events)
	waitUntil(t, time.Minute, func() bool {
		b, _ := os.ReadFile(dev + "/alerts.log")
		return logged("EVENT") == events && strings.Contains(string(b), "（截至 ")
	}, func() string { return "the new cases and today's digest reach alerts.log; log:\n" + tail(run.log()) })
	t.Logf("make advance 60: %d cases inserted, %d scores changed, %d alerts delivered, %d filed events delivered, and a digest", inserted, changed, raised, events)
}
