package flush

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestFlush(t *testing.T) {
	for _, argv := range [][]string{nil, {"--endpoint", "http://h:4445", "--min-age", "1h"}} {
		f, _, stdout, stderr := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdFlush(f, nil), argv...)
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
	f, _, _, _ := cmdtest.Factory(nil)
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
