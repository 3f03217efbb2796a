// Package debpkg finds the programs arbsync's own tooling needs (PostgreSQL's
// server binaries, promtool, pgbouncer) and, on a fresh Debian machine where
// one is missing, installs the Debian package that provides it. It is what
// lets `make run` and `make test` work with no prior setup. It installs only
// when running as root with apt-get available; otherwise it says what to
// install.
package debpkg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Ensure returns what find finds (a path), installing Debian package pkg
// first when find finds nothing. Progress goes to log. Concurrent callers in
// several processes are safe: apt-get waits for the dpkg lock.
func Ensure(ctx context.Context, log io.Writer, pkg string, find func() string) (string, error) {
	if p := find(); p != "" {
		return p, nil
	}
	how := fmt.Sprintf("install Debian's %s package (apt-get install -y --no-install-recommends %s)", pkg, pkg)
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "", fmt.Errorf("%s is not installed and apt-get is not available: %s", pkg, how)
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("%s is not installed and installing needs root: %s", pkg, how)
	}
	fmt.Fprintf(log, "debpkg: %s not found; installing Debian's %s package\n", pkg, pkg)
	install := []string{"-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", pkg}
	if err := aptGet(ctx, install...); err != nil {
		// The package lists may be missing or stale on a fresh machine.
		if err := aptGet(ctx, "-o", "DPkg::Lock::Timeout=600", "update"); err != nil {
			return "", fmt.Errorf("%s: %w; %s", pkg, err, how)
		}
		if err := aptGet(ctx, install...); err != nil {
			return "", fmt.Errorf("%s: %w; %s", pkg, err, how)
		}
	}
	if p := find(); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("installed Debian's %s package but still cannot find what it provides", pkg)
}

// Command returns a finder for a program on PATH (or in extra directories,
// such as /usr/sbin, which a non-login PATH may lack).
func Command(name string, extra ...string) func() string {
	return func() string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, dir := range extra {
			p := dir + "/" + name
			if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				return p
			}
		}
		return ""
	}
}

func aptGet(ctx context.Context, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return errors.New("apt-get " + strings.Join(args, " ") + ": " + err.Error() + ": " + lastLines(out, 8))
	}
	return nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
