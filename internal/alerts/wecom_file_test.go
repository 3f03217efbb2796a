package alerts_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/alerts/alertstest"
	"github.com/arbsync/arbsync/internal/secret"
)

func reportFileMessage(content []byte) alerts.Message {
	return alerts.Message{Kind: alerts.MessageReportFile, DedupKey: "report_file:ops:2026-11-30", Heading: "劳动仲裁风险周报 2026-W49",
		ReportWeek: "2026-11-30", FileName: "arbsync-thresholds-2026-W49.html", FileContent: content}
}

func wecomSender(t *testing.T, url string) alerts.Sender {
	t.Helper()
	return mustSender(t, alerts.ChannelConfig{Name: "ops", Kind: alerts.KindWeCom, URL: secret.Value(url),
		RateLimit: alerts.RateLimit{N: 100, Per: time.Second}}, newClock())
}

// The weekly report reaches a WeCom group as a file: uploaded, then sent as
// a file message naming the upload.
func TestWeComSendsTheReportAsAFile(t *testing.T) {
	robot := alertstest.NewWeComRobot(t, 20, time.Minute)
	html := bytes.Repeat([]byte("<p>阈值周报</p>\n"), 2000)
	must(t, wecomSender(t, robot.URL()).Send(t.Context(), reportFileMessage(html)))
	files := robot.Files()
	if len(files) != 1 || files[0].Name != "arbsync-thresholds-2026-W49.html" || !bytes.Equal(files[0].Content, html) || !files[0].Sent {
		t.Fatalf("robot has %d files: %+v", len(files), files)
	}
	got := robot.Received()
	if len(got) != 1 || got[0].Key != "file:arbsync-thresholds-2026-W49.html" || got[0].Bytes != len(html) {
		t.Errorf("robot received %+v", got)
	}
}

func TestWeComFileFailures(t *testing.T) {
	t.Run("throttled upload", func(t *testing.T) {
		robot := alertstest.NewWeComRobot(t, 1, time.Minute) // the one request of the minute is the upload
		err := wecomSender(t, robot.URL()).Send(t.Context(), reportFileMessage([]byte("<html>report</html>")))
		wantKind(t, err, alerts.Throttled)
		if len(robot.Files()) != 1 || len(robot.Received()) != 0 || robot.Throttled() != 1 {
			t.Errorf("files %d, messages %d, throttled %d", len(robot.Files()), len(robot.Received()), robot.Throttled())
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		robot := alertstest.NewWeComRobot(t, 20, time.Minute)
		url := strings.Replace(robot.URL(), "robot-test-key", "wrong-key-4711", 1)
		err := wecomSender(t, url).Send(t.Context(), reportFileMessage([]byte("<html>report</html>")))
		wantKind(t, err, alerts.Permanent)
		assertNoSecrets(t, err, "wrong-key-4711")
		if len(robot.Files()) != 0 {
			t.Error("an upload with a wrong key was accepted")
		}
	})
	for _, tt := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"not loaded", nil, "report file content was not loaded"},
		{"too small", []byte("<p/>"), "more than 5 bytes and at most 20 MB"},
		{"too large", make([]byte, 20<<20+1), "more than 5 bytes and at most 20 MB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			robot := alertstest.NewWeComRobot(t, 20, time.Minute)
			err := wecomSender(t, robot.URL()).Send(t.Context(), reportFileMessage(tt.content))
			e := wantKind(t, err, alerts.Permanent)
			if !strings.Contains(e.Error(), tt.want) || !alerts.NotSent(err) {
				t.Errorf("error %v", err)
			}
			if len(robot.Files())+len(robot.Received()) != 0 {
				t.Error("a request was made")
			}
		})
	}
}

// Other chat tools have no file messages: their senders refuse one without
// calling the service.
func TestOnlyWeComTakesFiles(t *testing.T) {
	clock := newClock()
	rb, cfg := newDingTalkRobot(t, clock)
	err := mustSender(t, cfg, clock).Send(t.Context(), reportFileMessage([]byte("<html>report</html>")))
	e := wantKind(t, err, alerts.Permanent)
	if !strings.Contains(e.Error(), "WeCom channels only") || len(rb.delivered()) != 0 {
		t.Errorf("error %v, delivered %d", err, len(rb.delivered()))
	}
}
