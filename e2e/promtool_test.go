package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	promtoolOnce sync.Once
	promtoolPath string
	promtoolErr  string
)

// promtool returns the path of promtool (Debian package prometheus). When it
// is missing and the tests run as root, it installs the package with apt-get
// (it is large: about 100 MB); otherwise it fails the test with what to do.
// It never skips.
func promtool(t *testing.T) string {
	t.Helper()
	promtoolOnce.Do(func() {
		if p, err := exec.LookPath("promtool"); err == nil {
			promtoolPath = p
			return
		}
		const how = "install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus) or put promtool on PATH"
		if os.Geteuid() != 0 {
			promtoolErr = "promtool not found and not running as root: " + how
			return
		}
		if _, err := exec.LookPath("apt-get"); err != nil {
			promtoolErr = "promtool not found and apt-get is not available: " + how
			return
		}
		run := func(args ...string) (string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		if out, err := run("apt-cache", "show", "prometheus"); err != nil || !strings.Contains(out, "Package: prometheus") {
			if _, err := run("apt-get", "update"); err != nil {
				promtoolErr = "promtool not found; apt-get update failed: " + how
				return
			}
			if out, err := run("apt-cache", "show", "prometheus"); err != nil || !strings.Contains(out, "Package: prometheus") {
				promtoolErr = "promtool not found and the Debian package prometheus is not available from the configured sources: " + how
				return
			}
		}
		if out, err := run("apt-get", "install", "-y", "--no-install-recommends", "prometheus"); err != nil {
			promtoolErr = "promtool not found; apt-get install prometheus failed: " + lastLines(out, 5) + "; " + how
			return
		}
		p, err := exec.LookPath("promtool")
		if err != nil {
			promtoolErr = "installed prometheus but promtool is still not on PATH: " + how
			return
		}
		promtoolPath = p
	})
	if promtoolPath == "" {
		t.Fatal(promtoolErr)
	}
	return promtoolPath
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
