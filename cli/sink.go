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

	"github.com/arbsync/arbsync/alerts"
)

// runSink is a tiny receiver for the generic JSON webhook channel: it
// verifies each request's signature and prints the alert. `make run` uses it
// as the demo's alert channel; operators can use it to try their
// ARBSYNC_ALERT_* configuration.
func runSink(ctx context.Context, args []string, stdio IO) error {
	fs := newFlagSet("webhook-sink", stdio.Stderr)
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on")
	secretFile := fs.String("secret-file", "", "file holding the webhook secret (signatures are checked when set)")
	if err := parseFlags(fs, args); err != nil {
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
		var m struct {
			alerts.Message
		}
		_ = json.Unmarshal(body, &m)
		fmt.Fprintf(stdio.Stdout, "%s ALERT %s %s %s score %s < %s (was %s) recent cases %d, claims %s yuan, latest: %s [%s]\n",
			time.Now().Format(time.RFC3339), m.Level, m.CreditCode, m.CompanyName, m.Score, m.Threshold,
			m.PreviousLevel, m.RecentCases, m.RecentClaimAmount, m.LatestCaseTitle, m.DedupKey)
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
