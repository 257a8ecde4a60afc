package cmdutil

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FlagAlias makes --alias parse as --name on cmd, for a flag renamed to the
// spelling the other commands use: scripts with the old spelling keep
// working, and help shows the new one. Register --name first.
func FlagAlias(cmd *cobra.Command, alias, name string) {
	fl := cmd.Flags()
	prev := fl.GetNormalizeFunc()
	fl.SetNormalizeFunc(func(f *pflag.FlagSet, n string) pflag.NormalizedName {
		if n == alias {
			n = name
		}
		return prev(f, n)
	})
}
