package version_test

import (
	"context"
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
		if code := root.Execute(context.Background(), f, args); code != 0 {
			t.Fatalf("hydra %v exited %d: %s", args, code, errOut)
		}
		if out.String() != want {
			t.Errorf("hydra %v printed %q, want %q", args, out.String(), want)
		}
		if errOut.Len() != 0 {
			t.Errorf("hydra %v wrote to stderr: %q", args, errOut.String())
		}
	}
}
