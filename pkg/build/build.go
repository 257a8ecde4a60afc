// Package build reports the version of this binary. Release builds set the
// variables with -ldflags "-X"; under go install they come from the module's
// build information.
package build

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// Set by release builds:
//
//	-X github.com/hydratoken/hydra/pkg/build.Version=v1.2.3
//	-X github.com/hydratoken/hydra/pkg/build.Commit=abc1234
//	-X github.com/hydratoken/hydra/pkg/build.Date=2026-11-25T00:00:00Z
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info is the version, commit and build date of this binary.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
}

var (
	once sync.Once
	info Info
)

// Get returns the build information, reading the module's build info only
// when ldflags did not set it. It is called only by commands that print it,
// so that start-up of other commands does not pay for it.
func Get() Info {
	once.Do(func() {
		bi, ok := debug.ReadBuildInfo()
		if !ok {
			bi = nil
		}
		info = resolve(Info{Version: Version, Commit: Commit, Date: Date}, bi)
	})
	return info
}

// resolve fills what ldflags left empty in set from the module's build info
// (bi may be nil), then "dev" or "unknown". A go install of a tagged module
// gives its version; a build from a git checkout with VCS stamping gives the
// commit and its time. Builds with -buildvcs=false carry no VCS settings.
func resolve(set Info, bi *debug.BuildInfo) Info {
	info := set
	if bi != nil {
		info.GoVersion = bi.GoVersion
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			}
		}
	}
	if info.GoVersion == "" {
		info.GoVersion = runtime.Version()
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	if info.Date == "" {
		info.Date = "unknown"
	}
	return info
}

// String returns "v1.2.3 (commit abc1234, built 2026-11-25T00:00:00Z)".
func (i Info) String() string {
	commit := i.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	return i.Version + " (commit " + commit + ", built " + i.Date + ")"
}
