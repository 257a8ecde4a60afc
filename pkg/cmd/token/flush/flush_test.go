package flush

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

func TestFlush(t *testing.T) {
	for _, argv := range [][]string{nil, {"--endpoint", "http://h:4445", "--min-age", "1h"}} {
		ios, _, stdout, stderr := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
		cmd := NewCmdFlush(f, nil)
		cmd.SetArgs(argv)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		_, err := cmd.ExecuteC()
		if !errors.Is(err, cmdutil.ErrSilent) || cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure {
			t.Fatalf("err = %v, want a silent failure", err)
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout should be empty, got %q", stdout.String())
		}
		for _, want := range []string{"Hydra v2 removed", "hydra janitor --tokens"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr should contain %q:\n%s", want, stderr.String())
			}
		}
	}
}

func TestFlushHelp(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var out strings.Builder
	cmd := NewCmdFlush(f, nil)
	cmd.SetArgs([]string{"--help"})
	cmd.SetOut(&out)
	if _, err := cmd.ExecuteC(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "hydra janitor") {
		t.Errorf("help:\n%s", out.String())
	}
}
