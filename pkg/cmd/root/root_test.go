package root

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// A mistyped command at the top level gets cobra's suggestions, as one
// under a group does (issue 11).
func TestRootSuggestsCommands(t *testing.T) {
	f, _, stdout, stderr := cmdtest.Factory(nil)
	if code := Execute(context.Background(), f, []string{"clinet", "list"}); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), `unknown command "clinet" for "hydra"; did you mean client?`) {
		t.Errorf("stdout %q, stderr:\n%s", stdout, stderr)
	}
}

// A usage error points at --help once (issue 11: it said so twice).
func TestUsageErrorPointsAtHelpOnce(t *testing.T) {
	for _, argv := range [][]string{{"token", "revoke"}, {"token", "introspect"}, {"introspect", "token"}, {"token", "delete", "x"}} {
		f, _, _, stderr := cmdtest.Factory(nil)
		if code := Execute(context.Background(), f, argv); code != 2 {
			t.Fatalf("%v: exit %d, want 2", argv, code)
		}
		if n := strings.Count(stderr.String(), "--help"); n != 1 {
			t.Errorf("%v: stderr names --help %d times:\n%s", argv, n, stderr)
		}
	}
}

// No --help has two blank lines in a row, as it had after every Examples
// block (issue 11).
func TestHelpHasNoDoubleBlankLines(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	var walk func(c *cobra.Command, path []string)
	count := 0
	walk = func(c *cobra.Command, path []string) {
		f, _, stdout, _ := cmdtest.Factory(nil)
		if code := Execute(context.Background(), f, append(append([]string(nil), path...), "--help")); code != 0 {
			t.Fatalf("%v --help exited %d", path, code)
		}
		count++
		if strings.Contains(stdout.String(), "\n\n\n") {
			t.Errorf("hydra %s --help has two blank lines in a row:\n%s", strings.Join(path, " "), stdout)
		}
		for _, sub := range c.Commands() {
			if !sub.Hidden {
				walk(sub, append(path, sub.Name()))
			}
		}
	}
	walk(NewCmdRoot(f), nil)
	if count < 20 {
		t.Errorf("checked only %d commands", count)
	}
}
