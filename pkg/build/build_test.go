package build

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"},
	}
	tests := []struct {
		name string
		set  Info
		bi   *debug.BuildInfo
		want Info
	}{
		{
			name: "ldflags win over build info",
			set:  Info{Version: "v1.2.3", Commit: "abc1234", Date: "2026-11-25T00:00:00Z"},
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v9.9.9"}, Settings: vcs},
			want: Info{Version: "v1.2.3", Commit: "abc1234", Date: "2026-11-25T00:00:00Z", GoVersion: "go1.26.8"},
		},
		{
			name: "go install of a tagged module",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			want: Info{Version: "v1.4.0", Commit: "unknown", Date: "unknown", GoVersion: "go1.26.8"},
		},
		{
			name: "build from a checkout with VCS stamping",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: Info{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-20T10:00:00Z", GoVersion: "go1.26.8"},
		},
		{
			name: "build with -buildvcs=false",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: "go1.26.8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolve(tt.set, tt.bi); got != tt.want {
				t.Errorf("resolve() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveWithoutBuildInfo(t *testing.T) {
	got := resolve(Info{}, nil)
	if got.Version != "dev" || got.Commit != "unknown" || got.Date != "unknown" || got.GoVersion == "" {
		t.Errorf("resolve(nil) = %+v, want dev, unknown, unknown and the running Go version", got)
	}
}

func TestInfoString(t *testing.T) {
	i := Info{Version: "v1.2.3", Commit: "0123456789abcdef0123", Date: "2026-11-25T00:00:00Z"}
	want := "v1.2.3 (commit 0123456789ab, built 2026-11-25T00:00:00Z)"
	if got := i.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
