package root

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// branchFor builds the tree as Execute does for args.
func branchFor(t *testing.T, args ...string) *cobra.Command {
	t.Helper()
	f, _, _, _ := cmdtest.Factory(nil)
	f.DeferSubcommands()
	cmd := newCmdRoot(f)
	f.BuildBranch(cmd, args)
	finishTree(cmd)
	return cmd
}

// describe is everything of c that parsing, help and completion read.
func describe(c *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "path %q use %q aliases %q group %q hidden %v\nshort %q\nlong %q\nexample %q\n",
		c.CommandPath(), c.Use, c.Aliases, c.GroupID, c.Hidden, c.Short, c.Long, c.Example)
	fmt.Fprintf(&b, "runnable %v args %v valid-args-fn %v\n", c.Runnable(), c.Args != nil, c.ValidArgsFunction != nil)
	var subs []string
	for _, s := range c.Commands() {
		subs = append(subs, s.Name())
	}
	slices.Sort(subs)
	fmt.Fprintf(&b, "subcommands %q\n", subs)
	flags := func(kind string, fs *pflag.FlagSet) {
		fs.VisitAll(func(fl *pflag.Flag) {
			_, completes := c.GetFlagCompletionFunc(fl.Name)
			fmt.Fprintf(&b, "%s --%s -%s %s default %q hidden %v deprecated %q completes %v: %s\n",
				kind, fl.Name, fl.Shorthand, fl.Value.Type(), fl.DefValue, fl.Hidden, fl.Deprecated, completes, fl.Usage)
		})
	}
	flags("local", c.LocalFlags())
	flags("inherited", c.InheritedFlags())
	return b.String()
}

// Every command, built on its own as Execute builds it, is the command the
// whole tree has: same flags, help, arguments and subcommands.
func TestBranchBuildsTheSameCommandAsTheWholeTree(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	var walk func(c *cobra.Command, path []string)
	n := 0
	walk = func(c *cobra.Command, path []string) {
		got, _, err := branchFor(t, path...).Find(path)
		if err != nil {
			t.Fatalf("hydra %s: %v", strings.Join(path, " "), err)
		}
		if want, have := describe(c), describe(got); want != have {
			t.Errorf("hydra %s built on its own differs from the whole tree's:\nwhole tree:\n%s\nbranch:\n%s", strings.Join(path, " "), want, have)
		}
		n++
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
			for _, alias := range sub.Aliases {
				got, _, err := branchFor(t, append(slices.Clone(path), alias)...).Find(append(slices.Clone(path), alias))
				if err != nil || got.CommandPath() != sub.CommandPath() {
					t.Errorf("alias %q of %s: found %v, %v", alias, sub.CommandPath(), got, err)
				}
			}
		}
	}
	walk(NewCmdRoot(f), nil)
	if n < 60 {
		t.Errorf("compared only %d commands", n)
	}
}

// A command line builds its own branch and not the others: that is what
// makes start-up cheap. A flag before the command, an unknown word or no
// word at all builds everything, so help and suggestions see every command.
func TestBranchBuildsOnlyWhatTheCommandLineNames(t *testing.T) {
	names := func(c *cobra.Command) []string {
		var s []string
		for _, sub := range c.Commands() {
			s = append(s, sub.Name())
		}
		slices.Sort(s)
		return s
	}
	f, _, _, _ := cmdtest.Factory(nil)
	whole := names(NewCmdRoot(f))
	for _, tc := range []struct {
		args []string
		want []string // the root's subcommands; nil means all of them
	}{
		{[]string{"version"}, []string{"version"}},
		{[]string{"token", "client", "--cache"}, []string{"token"}},
		{[]string{"clients", "list"}, []string{"clients"}},
		{[]string{"client", "list"}, []string{"client"}},
		{[]string{"introspect", "token", "x"}, []string{"introspect"}},
		{[]string{"-v", "token", "client"}, nil},
		{[]string{"tokn", "client"}, nil},
		{[]string{"help", "token"}, nil},
		{[]string{"__complete", "token", ""}, nil},
		{nil, nil},
	} {
		want := tc.want
		if want == nil {
			want = whole
		}
		root := branchFor(t, tc.args...)
		if got := names(root); !slices.Equal(got, want) {
			t.Errorf("%q built %q, want %q", tc.args, got, want)
		}
	}
	// Below the last word named, everything is built: "hydra token" lists
	// every token command, and "hydra token clinet" can suggest "client".
	token, _, _ := branchFor(t, "token", "clinet").Find([]string{"token"})
	if got := names(token); len(got) < 10 || !slices.Contains(got, "client") {
		t.Errorf("hydra token clinet built token commands %q", got)
	}
	// Above it, only the branch: "token client" does not build "token user".
	if c, _, _ := branchFor(t, "token", "client").Find([]string{"token", "user"}); c != nil && c.Name() == "user" {
		t.Errorf("hydra token client also built token user")
	}
}
