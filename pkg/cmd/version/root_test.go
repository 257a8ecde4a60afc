package version_test

import (
	"testing"

	"github.com/hydratoken/hydra/pkg/build"
	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmd/version"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// "hydra --version" and "hydra version" must say the same thing.
func TestVersionFlagMatchesCommand(t *testing.T) {
	want := version.Line(build.Get())
	for _, args := range [][]string{{"--version"}, {"version"}} {
		f, _, out, errOut := cmdtest.Factory(nil)
		cmd := root.NewCmdRoot(f)
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("hydra %v: %v", args, err)
		}
		if out.String() != want {
			t.Errorf("hydra %v printed %q, want %q", args, out.String(), want)
		}
		if errOut.Len() != 0 {
			t.Errorf("hydra %v wrote to stderr: %q", args, errOut.String())
		}
	}
}
