package cli

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
)

// The webhook sink prints each alert the real webhook channel sends it; a
// company's first alert reads "(first score)", not "(was )".
func TestWebhookSinkPrintsFirstAlertNaturally(t *testing.T) {
	t.Parallel()
	secretFile := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secretFile, []byte("sink-secret\n"), 0o600))
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr safeBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"webhook-sink", "-listen", addr, "-secret-file", secretFile}, nil, &stdout, &stderr, envMap(nil))
	}()
	defer func() {
		cancel()
		require.Equal(t, ExitOK, <-done, stderr.String())
	}()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "listening") }, 10*time.Second, 10*time.Millisecond)

	sender, err := alerts.NewSender(alerts.ChannelConfig{Name: "sink", Kind: alerts.KindWebhook,
		URL: secret.Value("http://" + addr + "/"), Secret: secret.Value("sink-secret")}, nil, nil)
	require.NoError(t, err)
	first := alerts.Message{
		DedupKey: "91440300708461136T:1:warning", CreditCode: "91440300708461136T", CompanyName: "深圳测试公司",
		Score: "55.00", Threshold: "60.00", Level: alerts.LevelWarning, RecentCases: 2,
		RecentClaimAmount: "30000.00", AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
	}
	require.NoError(t, sender.Send(ctx, first))
	worse := first
	worse.DedupKey, worse.Level, worse.PreviousLevel, worse.Score, worse.Threshold = "91440300708461136T:2:urgent", alerts.LevelUrgent, alerts.LevelWarning, "35.00", "40.00"
	worse.LatestCaseTitle = "张某与深圳测试公司劳动争议"
	require.NoError(t, sender.Send(ctx, worse))
	// An alert that names its rule and the cases that drove the score.
	named := worse
	named.DedupKey, named.RuleVersion = "91440300708461136T:3:urgent", 2
	named.TopCases = []alerts.TopCase{
		{CaseNo: "深劳人仲案〔2026〕第8号", Title: "张某与深圳测试公司劳动争议", FilingDate: "2026-11-02", Points: "36.00", Why: "recent"},
		{FilingDate: "2024-05-06", Points: "2.50", Why: "unexecuted_award"},
	}
	require.NoError(t, sender.Send(ctx, named))

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, 3, stdout.String())
	require.Contains(t, lines[0], "ALERT warning 91440300708461136T 深圳测试公司 score 55.00 < 60.00 (first score) recent cases 2, claims 30000.00 yuan, latest: none [91440300708461136T:1:warning]")
	require.Contains(t, lines[1], "ALERT urgent 91440300708461136T 深圳测试公司 score 35.00 < 40.00 (was warning) recent cases 2, claims 30000.00 yuan, latest: 张某与深圳测试公司劳动争议")
	require.NotContains(t, lines[1], "rule", "an alert without a rule says none")
	require.Contains(t, lines[2], "score 35.00 < 40.00 (was warning; rule 2) recent cases 2, claims 30000.00 yuan, latest: 张某与深圳测试公司劳动争议; "+
		"driven by: 深劳人仲案〔2026〕第8号 张某与深圳测试公司劳动争议 2026-11-02 36.00 points (recent), 2024-05-06 2.50 points (unexecuted_award) [91440300708461136T:3:urgent]")
	require.NotContains(t, stdout.String(), "(was )")

	// A signed body that is not an alert is refused and named, not printed
	// as an alert with empty fields.
	body := []byte(`{"hello":"world"}`)
	mac := hmac.New(sha256.New, []byte("sink-secret"))
	mac.Write(body)
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set(alerts.HeaderSignature, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, stdout.String(), `REJECTED: body is not an arbsync message (type "", want arbsync.alert, .event, .digest or .weekly)`)
	require.Equal(t, 3, strings.Count(stdout.String(), "ALERT "))
}
