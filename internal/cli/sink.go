package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
)

func sinkCommand() *command {
	return &command{
		name:    "webhook-sink",
		args:    "[-listen ADDR] [-secret-file FILE]",
		summary: "print the alerts a generic webhook channel sends (to try alert configuration)",
		about: "Receives alerts on the generic webhook channel and prints one line per alert on standard output " +
			"until SIGTERM or Ctrl-C. With -secret-file it checks each request's signature and refuses a bad one; " +
			"a body that is not an arbsync alert is refused and named. Operators use it to try an ARBSYNC_ALERT_* " +
			"configuration; `make run` uses it as the demo's alert channel.",
		run: runSink,
	}
}

// runSink is a tiny receiver for the generic JSON webhook channel: it
// verifies each request's signature and prints the alert.
func runSink(ctx context.Context, c *command, args []string, stdio IO) error {
	fs := c.flags()
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on")
	secretFile := fs.String("secret-file", "", "file holding the webhook secret (signatures are checked when set)")
	if err := c.parse(fs, args, stdio); err != nil {
		return err
	}
	secret := ""
	if *secretFile != "" {
		b, err := os.ReadFile(*secretFile)
		if err != nil {
			return err
		}
		secret = strings.TrimSpace(string(b))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if secret != "" && !alerts.VerifyWebhook(body, r.Header.Get(alerts.HeaderSignature), secret) {
			fmt.Fprintf(stdio.Stdout, "%s REJECTED: bad signature\n", time.Now().Format(time.RFC3339))
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		line, err := sinkLine(body)
		if err != nil {
			fmt.Fprintf(stdio.Stdout, "%s REJECTED: %v\n", time.Now().Format(time.RFC3339), err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(stdio.Stdout, "%s %s\n", time.Now().Format(time.RFC3339), line)
		w.WriteHeader(http.StatusNoContent)
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	fmt.Fprintf(stdio.Stderr, "webhook-sink listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// sinkAlert is what the sink reads of the generic webhook's JSON body.
type sinkAlert struct {
	Type              string           `json:"type"`
	DedupKey          string           `json:"dedupKey"`
	CreditCode        string           `json:"creditCode"`
	CompanyName       string           `json:"companyName"`
	Score             string           `json:"score"`
	Threshold         string           `json:"threshold"`
	Level             alerts.Level     `json:"level"`
	PreviousLevel     alerts.Level     `json:"previousLevel"`
	RecentCases       int              `json:"recentCases"`
	RecentClaimAmount string           `json:"recentClaimAmount"`
	LatestCaseTitle   string           `json:"latestCaseTitle"`
	RuleVersion       int              `json:"ruleVersion"`
	TopCases          []alerts.TopCase `json:"topCases"`
	// Title and Lines are those of events, digests and weekly summaries.
	Title string   `json:"title"`
	Lines []string `json:"lines"`
}

// sinkLine describes one received alert on one line. A company scored for
// the first time has no earlier level, and a company may have no case title:
// the line says so rather than leave a blank. The rule that produced the
// score and the cases that drove it follow when the alert names them.
func sinkLine(body []byte) (string, error) {
	var a sinkAlert
	if err := json.Unmarshal(body, &a); err != nil {
		return "", fmt.Errorf("body is not JSON: %v", err)
	}
	switch a.Type {
	case "arbsync.alert":
	case "arbsync.event":
		// One line: the title, then the event's lines.
		return fmt.Sprintf("EVENT %s %s: %s [%s]", a.CreditCode, a.Title, strings.Join(a.Lines, "; "), a.DedupKey), nil
	case "arbsync.digest", "arbsync.weekly":
		// A block: the title, then each line indented.
		kind := "DIGEST"
		if a.Type == "arbsync.weekly" {
			kind = "WEEKLY"
		}
		return fmt.Sprintf("%s %s [%s]\n    %s", kind, a.Title, a.DedupKey, strings.Join(a.Lines, "\n    ")), nil
	default:
		return "", fmt.Errorf("body is not an arbsync message (type %q, want arbsync.alert, .event, .digest or .weekly)", a.Type)
	}
	was := "first score"
	if a.PreviousLevel != "" {
		was = "was " + string(a.PreviousLevel)
	}
	if a.RuleVersion > 0 {
		was += fmt.Sprintf("; rule %d", a.RuleVersion)
	}
	latest := a.LatestCaseTitle
	if latest == "" {
		latest = "none"
	}
	drivers := ""
	if len(a.TopCases) > 0 {
		parts := make([]string, len(a.TopCases))
		for i, c := range a.TopCases {
			parts[i] = strings.Join(strings.Fields(fmt.Sprintf("%s %s %s %s points (%s)", c.CaseNo, c.Title, c.FilingDate, c.Points, c.Why)), " ")
		}
		drivers = "; driven by: " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("ALERT %s %s %s score %s < %s (%s) recent cases %d, claims %s yuan, latest: %s%s [%s]",
		a.Level, a.CreditCode, a.CompanyName, a.Score, a.Threshold, was,
		a.RecentCases, a.RecentClaimAmount, latest, drivers, a.DedupKey), nil
}
