// Command hydra gets, inspects and manages OAuth 2.0 tokens and clients of an
// Ory Hydra server. See "hydra --help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the exit code. Only main exits.
func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ios := iostreams.System()
	f := cmdutil.New(ios)
	cmd := root.NewCmdRoot(f)
	cmd.SetArgs(args)
	executed, err := cmd.ExecuteContextC(ctx)
	return cmdutil.HandleError(ios.ErrOut, executed, err)
}
