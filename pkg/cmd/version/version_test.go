package version

import (
	"errors"
	"testing"

	"github.com/hydratoken/hydra/pkg/build"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdVersion(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     printer.Format
		wantCode int
	}{
		{name: "default", args: nil, want: printer.Format{}},
		{name: "json", args: []string{"--format", "json"}, want: printer.Format{Name: printer.JSON}},
		{name: "jsonpath", args: []string{"--format=jsonpath=version"}, want: printer.Format{Name: printer.JSONPath, Expr: "version"}},
		{name: "unknown format", args: []string{"--format", "xml"}, wantCode: cmdutil.ExitUsage},
		{name: "an argument", args: []string{"v1"}, wantCode: cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdVersion, nil, tt.args...)
			if code := cmdutil.ExitCodeOf(err); code != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			if got.Format != tt.want {
				t.Errorf("Format = %+v, want %+v", got.Format, tt.want)
			}
		})
	}
}

func TestVersionRun(t *testing.T) {
	info := build.Info{Version: "v1.2.3", Commit: "0123456789abcdef", Date: "2026-11-25T00:00:00Z", GoVersion: "go1.26.8"}
	tests := []struct {
		name   string
		format printer.Format
		want   string
	}{
		{name: "default", want: "hydra version v1.2.3 (commit 0123456789ab, built 2026-11-25T00:00:00Z)\n"},
		{name: "json", format: printer.Format{Name: printer.JSON},
			want: `{"version":"v1.2.3","commit":"0123456789abcdef","date":"2026-11-25T00:00:00Z","go_version":"go1.26.8"}` + "\n"},
		{name: "yaml", format: printer.Format{Name: printer.YAML},
			want: "version: v1.2.3\ncommit: 0123456789abcdef\ndate: \"2026-11-25T00:00:00Z\"\ngo_version: go1.26.8\n"},
		{name: "jsonpath", format: printer.Format{Name: printer.JSONPath, Expr: "commit"}, want: "0123456789abcdef\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			err := versionRun(&Options{IO: ios, Format: tt.format, Info: func() build.Info { return info }})
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("stdout = %q, want %q", out.String(), tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", errOut.String())
			}
		})
	}
}

func TestVersionRunWriteError(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ios.Out = failingWriter{}
	err := versionRun(&Options{IO: ios, Info: func() build.Info { return build.Info{} }})
	if err == nil {
		t.Fatal("a failed write should fail the command")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed pipe") }
