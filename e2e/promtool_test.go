package e2e

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/arbsync/arbsync/internal/debpkg"
)

var (
	promtoolOnce sync.Once
	promtoolPath string
	promtoolErr  error
)

// promtool returns the path of promtool, installing Debian's prometheus
// package when it is missing (about 100 MB). It never skips: without
// promtool the test fails and says what to install.
func promtool(t *testing.T) string {
	t.Helper()
	promtoolOnce.Do(func() {
		promtoolPath, promtoolErr = debpkg.Ensure(context.Background(), os.Stderr, "prometheus", debpkg.Command("promtool"))
	})
	if promtoolErr != nil {
		t.Fatal(promtoolErr)
	}
	return promtoolPath
}
