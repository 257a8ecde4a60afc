package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// ExactArgs is cobra.ExactArgs with a usage error that names what is
// missing.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return FlagErrorf("%s takes %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

// OneTokenAsHydra is the arguments of a token command under Hydra v2's
// spelling, which takes exactly one token as Hydra's CLI does; several
// come through "-", one a line on stdin, or through this tool's own
// spelling, ownPath ("hydra token introspect"), which takes them as
// arguments.
func OneTokenAsHydra(ownPath string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return FlagErrorf("%s takes one token, as Hydra v2's CLI does: for several, pass - and the tokens on stdin, one a line, or use '%s TOKEN...'", cmd.CommandPath(), ownPath)
		}
		return nil
	}
}

// MinimumArgs is cobra.MinimumNArgs with a usage error that names what is
// missing.
func MinimumArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

// NoArgs is cobra.NoArgs as a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("%s takes no arguments, but got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// SplitList flattens repeated list flags whose values may also be comma- or
// space-separated, dropping empties and duplicates while keeping order:
// "--scope a,b --scope 'c d'" gives a, b, c, d.
func SplitList(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !seen[item] {
				seen[item] = true
				out = append(out, item)
			}
		}
	}
	return out
}
