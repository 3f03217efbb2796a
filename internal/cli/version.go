package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print the version, the source revision it was built from and the Go version",
		about: "Prints the module version, the VCS revision and commit time the binary was built from (go build " +
			"records them when it builds inside the git repository; \"modified\" means the working tree had " +
			"uncommitted changes), and the Go version and platform. `arbsync -version` does the same.",
		run: runVersion,
	}
}

func runVersion(_ context.Context, c *command, args []string, io IO) error {
	if err := c.parse(c.flags(), args, io); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintf(io.Stdout, "arbsync (no build information)\ngo       %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	}
	writeVersion(io.Stdout, info)
	return nil
}

// writeVersion prints what info says about the build.
func writeVersion(w io.Writer, info *debug.BuildInfo) {
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	version := info.Main.Version
	if version == "" {
		version = "(unknown)"
	}
	fmt.Fprintf(w, "arbsync %s\n", version)
	fmt.Fprintf(w, "module   %s\n", info.Main.Path)
	if rev := settings["vcs.revision"]; rev != "" {
		if settings["vcs.modified"] == "true" {
			rev += " (modified)"
		}
		fmt.Fprintf(w, "revision %s\n", rev)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(w, "time     %s\n", t)
		}
	} else {
		fmt.Fprintln(w, "revision unknown (not built in a git checkout: go run, -buildvcs=false, a linked git worktree or a source archive)")
	}
	goVersion := info.GoVersion
	if goVersion == "" {
		goVersion = runtime.Version()
	}
	fmt.Fprintf(w, "go       %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
}
