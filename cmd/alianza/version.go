package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// release is the version of this source tree. Raise it (and tag the commit
// vX.Y.Z) when making a release; README "Upgrading" says what a release
// must note.
const release = "1.0.0"

// version and commit are set at build time by scripts/lib.sh and the
// Dockerfile: -ldflags "-X main.version=... -X main.commit=...". A plain
// go build leaves them empty: then release and the VCS stamp Go records
// in the binary are used.
var version, commit string

// buildInfo is this binary's release and commit.
type buildInfo struct {
	Version  string // e.g. 1.0.0, or what git describe said at build time
	Commit   string // full hash; "unknown" when neither ldflags nor VCS info say
	Time     string // commit time (RFC 3339), from the VCS stamp
	Modified bool   // built from a tree with uncommitted changes
}

// currentBuild reads the ldflags first, then debug.ReadBuildInfo's VCS
// settings (go build in a git checkout records them; -buildvcs=false, a
// tarball or a Docker context without .git do not).
func currentBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit}
	if b.Version == "" {
		b.Version = release
	}
	if strings.HasSuffix(b.Commit, "-dirty") {
		b.Commit, b.Modified = strings.TrimSuffix(b.Commit, "-dirty"), true
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				if commit == "" {
					b.Modified = s.Value == "true"
				}
			}
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

// String is the one line of alianza version, e.g.
// "alianza 1.0.0 (commit 4f2a9c1e7b3d, 2026-12-07T08:00:00Z)".
func (b buildInfo) String() string {
	c := b.Commit
	if len(c) > 12 && c != "unknown" {
		c = c[:12]
	}
	extra := []string{"commit " + c}
	if b.Modified {
		extra[0] += "-dirty"
	}
	if b.Time != "" {
		extra = append(extra, b.Time)
	}
	return fmt.Sprintf("alianza %s (%s)", b.Version, strings.Join(extra, ", "))
}

// short is the version shown by /healthz, the logs and backup manifests:
// "1.0.0+4f2a9c1e7b3d".
func (b buildInfo) short() string {
	if b.Commit == "unknown" {
		return b.Version
	}
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if b.Modified {
		c += ".dirty"
	}
	return b.Version + "+" + c
}
