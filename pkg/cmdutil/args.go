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
