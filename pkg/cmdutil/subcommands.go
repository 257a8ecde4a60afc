package cmdutil

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// Subcommand is a command that its parent adds through AddSubcommands, and
// that is built only when the command line can reach it. Name and Aliases
// are the built command's own (Build's result is checked against them), so
// that a parent can tell which subcommand a word names without building
// any of them.
type Subcommand struct {
	Name    string
	Aliases []string
	Build   func() *cobra.Command
}

// AddSubcommands adds subs to parent. A tree built for docs, completion
// scripts or tests (NewCmdRoot) builds them at once. A process that runs
// one command line (root.Execute) defers them, and BuildBranch then builds
// only the branch that the command line names: building the flags and help
// of the whole tree was most of the start-up time of every command (see
// docs/performance.md, "Start-up").
func (f *Factory) AddSubcommands(parent *cobra.Command, subs ...Subcommand) {
	if f.deferred == nil {
		for _, s := range subs {
			parent.AddCommand(s.build())
		}
		return
	}
	f.deferred[parent] = append(f.deferred[parent], subs...)
}

// DeferSubcommands makes AddSubcommands defer building, until BuildBranch.
func (f *Factory) DeferSubcommands() {
	f.deferred = map[*cobra.Command][]Subcommand{}
}

// BuildBranch builds, from root down, the deferred subcommands that the
// leading words of args name, and then every subcommand below the last one
// named, so that its help, its suggestions for a mistyped word and its
// completions see them all. It stops at the first flag, since a flag may
// take the next word as its value; "hydra -v token client" therefore builds
// the whole tree, as does a first word that names no command (cobra's
// "help" and "__complete" among them). Subcommands on other branches are
// never built. AddSubcommands builds at once again afterwards.
func (f *Factory) BuildBranch(root *cobra.Command, args []string) {
	if f.deferred == nil {
		return
	}
	node := root
	for _, word := range args {
		if strings.HasPrefix(word, "-") {
			break
		}
		next := f.buildNamed(node, word)
		if next == nil {
			break
		}
		node = next
	}
	f.buildAll(node)
	f.deferred = nil
}

// buildNamed builds and adds the deferred subcommand of parent that word
// names, and returns it, or the subcommand of parent already built with
// that name. It returns nil when word names neither.
func (f *Factory) buildNamed(parent *cobra.Command, word string) *cobra.Command {
	subs := f.deferred[parent]
	for i, s := range subs {
		if s.Name == word || slices.Contains(s.Aliases, word) {
			f.deferred[parent] = slices.Delete(slices.Clone(subs), i, i+1)
			c := s.build()
			parent.AddCommand(c)
			return c
		}
	}
	for _, c := range parent.Commands() {
		if c.Name() == word || c.HasAlias(word) {
			return c
		}
	}
	return nil
}

// buildAll builds every deferred subcommand below cmd, depth first.
func (f *Factory) buildAll(cmd *cobra.Command) {
	subs := f.deferred[cmd]
	delete(f.deferred, cmd)
	for _, s := range subs {
		cmd.AddCommand(s.build())
	}
	for _, c := range cmd.Commands() {
		f.buildAll(c)
	}
}

// build builds s and checks that the command is the one s names: a name
// that differs would make the command unreachable on the deferred path
// alone, so it is a programming error, caught by any test that builds the
// tree.
func (s Subcommand) build() *cobra.Command {
	c := s.Build()
	if c.Name() != s.Name || !slices.Equal(c.Aliases, s.Aliases) {
		panic(fmt.Sprintf("subcommand %q (aliases %q) builds %q (aliases %q)", s.Name, s.Aliases, c.Name(), c.Aliases))
	}
	return c
}
