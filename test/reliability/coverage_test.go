package reliability

import (
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// sendsNothing lists the leaf commands that send no request, each with the
// reason. Every other leaf command must have a row in commands.
var sendsNothing = map[string]string{
	"hydra version":          "prints the build's version, commit and date",
	"hydra completion":       "prints a shell completion script",
	"hydra help":             "prints help",
	"hydra token cache list": "reads the local token cache only",
}

// Every leaf command that sends requests has a row in commands, so that it
// runs through every suite here: hostile servers, retries, TLS, secrets.
// The cobra tree is walked, so a command added later without a row fails
// this test (docs/project-layout.md, "Add a command").
func TestEveryCommandThatSendsRequestsHasARow(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	tree := root.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }})

	rows := map[string][]string{}
	for _, c := range commands {
		cmd, _, err := tree.Find(c.argv("http://127.0.0.1:1"))
		if err != nil || cmd == tree {
			t.Errorf("row %q: its argv names no command (%v)", c.name, err)
			continue
		}
		rows[cmd.CommandPath()] = append(rows[cmd.CommandPath()], c.name)
	}

	leaves := map[string]bool{}
	var visit func(cmd *cobra.Command)
	visit = func(cmd *cobra.Command) {
		if !cmd.HasSubCommands() {
			leaves[cmd.CommandPath()] = true
			return
		}
		for _, sub := range cmd.Commands() {
			visit(sub)
		}
	}
	// cobra adds "help" only when it executes; add it now, as it would.
	tree.InitDefaultHelpCmd()
	visit(tree)

	var missing []string
	for path := range leaves {
		if _, ok := sendsNothing[path]; ok {
			if len(rows[path]) > 0 {
				t.Errorf("%s is listed as sending nothing, but has rows %q", path, rows[path])
			}
			continue
		}
		if len(rows[path]) == 0 {
			missing = append(missing, path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("these commands send requests but have no row in test/reliability/commands_test.go (or, if they send nothing, no entry with a reason in sendsNothing):\n  %s", strings.Join(missing, "\n  "))
	}
	for path := range sendsNothing {
		if !leaves[path] {
			t.Errorf("sendsNothing lists %q, which is not a leaf command: remove it", path)
		}
	}
}
