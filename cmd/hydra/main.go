// Command hydra gets, inspects and manages OAuth 2.0 tokens and clients of an
// Ory Hydra server. See "hydra --help".
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// interruptGrace is how long a command has to wind down after Ctrl-C or
// SIGTERM before the process exits anyway. Commands watch their context,
// but a read of stdin cannot be cancelled, and a signal must never be
// swallowed: a CI runner's SIGTERM has to end the job.
const interruptGrace = time.Second

// run executes the command line and returns the exit code. Only main exits.
func run(args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ios := iostreams.System()
	go func() {
		<-sigs
		cancel()
		// From here a second signal ends the process at once.
		signal.Stop(sigs)
		time.Sleep(interruptGrace)
		// Echo may be off, should the signal have come while a secret
		// was being typed.
		ios.RestoreTerminal()
		fmt.Fprintln(os.Stderr, "interrupted")
		os.Exit(cmdutil.ExitInterrupt)
	}()

	return root.Execute(ctx, cmdutil.New(ios), args)
}
