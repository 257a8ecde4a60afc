package cmdutil

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// ExecuteCommand runs cmd with args as the process does, and returns the
// exit code: cobra prints neither errors nor usage (a flag it cannot parse
// is a usage error), and HandleError prints the error on errOut. It is the
// one way a command line is run, by main through root.Execute and by every
// test harness, so that tests see what users see.
func ExecuteCommand(ctx context.Context, cmd *cobra.Command, errOut io.Writer, args []string) int {
	executed, err := ExecuteC(ctx, cmd, args)
	return HandleError(errOut, executed, err)
}

// ExecuteC runs cmd with args as ExecuteCommand does, but returns the
// command that ran and its error, as a usage error where cobra reports one
// as a plain error, rather than printing it.
func ExecuteC(ctx context.Context, cmd *cobra.Command, args []string) (*cobra.Command, error) {
	if args == nil {
		// cobra reads os.Args when the arguments are nil.
		args = []string{}
	}
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return FlagErrorWrap(err) })
	executed, err := cmd.ExecuteContextC(ctx)
	// Flag groups are checked after the FlagErrorFunc: cobra reports a
	// clash as a plain error, which is a usage error all the same.
	return executed, AsUsageError(err)
}
