package cli

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A binary built inside the git repository says which commit it was built
// from, when, and whether the tree had uncommitted changes.
func TestVersionShowsTheBuild(t *testing.T) {
	t.Parallel()
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/arbsync/arbsync", Version: "v0.0.0-20261124081500-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-24T08:15:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	var out bytes.Buffer
	writeVersion(&out, info)
	require.Equal(t, strings.Join([]string{
		"arbsync v0.0.0-20261124081500-0123456789ab+dirty",
		"module   github.com/arbsync/arbsync",
		"revision 0123456789abcdef0123456789abcdef01234567 (modified)",
		"time     2026-11-24T08:15:00Z",
		"go       go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH,
	}, "\n")+"\n", out.String())

	// Without VCS information (go run, -buildvcs=false) it says so.
	out.Reset()
	writeVersion(&out, &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/arbsync/arbsync", Version: "(devel)"}})
	require.Contains(t, out.String(), "arbsync (devel)\n")
	require.Contains(t, out.String(), "revision unknown (")
	require.Contains(t, out.String(), "go       go1.26.8 ")
}
