package cmdutil

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// A Subcommand whose name is not its command's would be unreachable when
// only a branch is built, so building it panics in every test that builds
// the tree.
func TestSubcommandWithTheWrongNamePanics(t *testing.T) {
	for _, s := range []Subcommand{
		{Name: "list", Build: func() *cobra.Command { return &cobra.Command{Use: "ls"} }},
		{Name: "client", Build: func() *cobra.Command { return &cobra.Command{Use: "client", Aliases: []string{"clients"}} }},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), s.Name) {
					t.Errorf("%q: recovered %v, want a panic naming it", s.Name, r)
				}
			}()
			(&Factory{}).AddSubcommands(&cobra.Command{Use: "parent"}, s)
		}()
	}
}

// BuildBranch builds the named branch, everything below its end, and
// nothing else; then AddSubcommands builds at once again.
func TestBuildBranch(t *testing.T) {
	built := map[string]int{}
	leaf := func(name string) Subcommand {
		return Subcommand{Name: name, Build: func() *cobra.Command {
			built[name]++
			return &cobra.Command{Use: name, Run: func(*cobra.Command, []string) {}}
		}}
	}
	f := &Factory{}
	f.DeferSubcommands()
	root := &cobra.Command{Use: "hydra"}
	f.AddSubcommands(root,
		Subcommand{Name: "token", Build: func() *cobra.Command {
			built["token"]++
			c := &cobra.Command{Use: "token"}
			f.AddSubcommands(c, leaf("client"), leaf("user"))
			return c
		}},
		leaf("version"),
	)
	f.BuildBranch(root, []string{"token", "--scope", "x"})
	if built["token"] != 1 || built["client"] != 1 || built["user"] != 1 || built["version"] != 0 {
		t.Errorf("built %v, want token and both its commands once, and not version", built)
	}
	f.AddSubcommands(root, leaf("later"))
	if built["later"] != 1 {
		t.Errorf("after BuildBranch, AddSubcommands deferred a command")
	}
}
