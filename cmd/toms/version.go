package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// readBuildInfo is debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// versionText renders the module version and the VCS revision toms was
// built from, as the Go toolchain recorded them:
// "toms v1.2.0 (revision 5f3c2a1d9e0b, 2026-11-27T10:54:00Z, modified) go1.23.4".
// A build from a source tree is version "(devel)"; go run records no
// revision.
func versionText() string {
	bi, ok := readBuildInfo()
	if !ok {
		return "toms (no build information)"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	details := ""
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		details = " (revision " + rev
		if at != "" {
			details += ", " + at
		}
		if modified {
			details += ", modified"
		}
		details += ")"
	}
	return fmt.Sprintf("toms %s%s %s", version, details, bi.GoVersion)
}

// runVersion implements `toms version` (and `toms --version`).
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", stdout, stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usageError(fs, stderr, "unexpected argument %q", pos[0])
	}
	fmt.Fprintln(stdout, versionText())
	return exitOK
}
