// Package flush implements "hydra token flush", which Hydra v2 removed: it
// tells a Hydra v1 script what to run instead, and fails.
package flush

import (
	"context"
	"fmt"
	"slices"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// Message explains what replaced the flush endpoint.
const Message = `hydra token flush: Hydra v2 removed the token flush endpoint (Hydra v1's POST /oauth2/flush), so no client can flush tokens any more.
Run the janitor on the Hydra server instead, against its database, for example:
  hydra janitor --tokens --keep-if-younger 24h "$DSN"
See https://www.ory.sh/docs/hydra/cli/hydra-janitor.`

// Options are the arguments of the command, which it ignores.
type Options struct {
	IO *iostreams.IOStreams
}

// NewCmdFlush builds the command. runF replaces the run function in tests.
func NewCmdFlush(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "flush",
		Short: "Removed in Hydra v2: explains how to flush tokens with 'hydra janitor'",
		Long: heredoc.Doc(`
			Hydra v1 flushed expired tokens through its API. Hydra v2 removed that
			endpoint: tokens are flushed on the server, with 'hydra janitor'.

			This command stays so that Hydra v1 scripts fail with a clear message
			instead of an unknown command. It accepts and ignores Hydra v1's flags,
			prints what to run instead on stderr, and exits 1.
		`),
		Example: heredoc.Doc(`
			# on the Hydra server:
			$ hydra janitor --tokens --keep-if-younger 24h "$DSN"
		`),
		// Hydra v1's flags (--endpoint, --min-age ...) must reach the
		// message, not an "unknown flag" error.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if slices.Contains(args, "--help") || slices.Contains(args, "-h") {
				return cmd.Help()
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return flushRun(opts)
		},
	}
	return cmd
}

func flushRun(opts *Options) error {
	fmt.Fprintln(opts.IO.ErrOut, Message)
	return cmdutil.ErrSilent
}
