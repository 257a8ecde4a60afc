package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// MakeGroup makes cmd, a command that only holds subcommands, runnable: on
// its own it shows its help, and with an argument that names no subcommand
// it is a usage error (exit 2) with cobra's suggestions. Cobra's default for
// such a command prints help and exits 0, so a mistyped verb in a script,
// as in TOKEN=$(hydra token clinet), would pass unnoticed.
func MakeGroup(cmd *cobra.Command) *cobra.Command {
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return UnknownCommandError(c, args[0])
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
	// Cobra applies this default only to the root command.
	cmd.SuggestionsMinimumDistance = 2
	return cmd
}

// UnknownCommandError is the usage error for arg, which names no
// subcommand of c, with cobra's suggestions of the ones it may have meant.
func UnknownCommandError(c *cobra.Command, arg string) error {
	msg := "unknown command %q for %q"
	if s := c.SuggestionsFor(arg); len(s) > 0 {
		return FlagErrorf(msg+"; did you mean %s?", arg, c.CommandPath(), strings.Join(s, " or "))
	}
	return FlagErrorf(msg, arg, c.CommandPath())
}
