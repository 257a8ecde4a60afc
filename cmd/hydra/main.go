// Command hydra gets, inspects and manages OAuth 2.0 tokens and clients of an
// Ory Hydra server. See "hydra --help".
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/fatih/color"

	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// switchColor sets fatih/color's global switch from the streams' one
// decision, which follows NO_COLOR, CLICOLOR and CLICOLOR_FORCE: fatih/color
// decides at init from NO_COLOR, TERM and stdout alone. The switch is
// process-wide state, so it is set here, in main, and never by a command.
func switchColor(ios *iostreams.IOStreams) {
	color.NoColor = !ios.ColorEnabled()
}

// interruptGrace is how long a command has to wind down after Ctrl-C or
// SIGTERM before the process exits anyway. Commands watch their context,
// but a read of stdin cannot be cancelled, and a signal must never be
// swallowed: a CI runner's SIGTERM has to end the job.
const interruptGrace = time.Second

// run executes the command line and returns the exit code. Only main exits.
func run(args []string) int {
	ios := iostreams.System()
	switchColor(ios)
	ctx := newInterruptContext(ios)
	ios.OnFirstInput(ctx.watch)
	return root.Execute(ctx, cmdutil.New(ios), args)
}

// interruptContext is the command line's context, cancelled by Ctrl-C or
// SIGTERM, after which the process exits 130 within interruptGrace.
//
// Its signal handling is set up the first time anything watches it: Done,
// which every request, every wait and every derived context calls, or the
// first read of stdin or of a secret from the terminal (OnFirstInput). A
// command that only prints (version, help, a cached token) thus does not
// pay for os/signal's goroutines and threads: 60 page faults and about
// 1 ms of its start-up (docs/performance.md). Until then a signal ends the
// process by its default action, which is right: nothing has been started
// that needs winding down, and no signal is swallowed.
type interruptContext struct {
	context.Context // cancelled on a signal
	cancel          context.CancelFunc
	ios             *iostreams.IOStreams
	once            sync.Once
}

func newInterruptContext(ios *iostreams.IOStreams) *interruptContext {
	ctx, cancel := context.WithCancel(context.Background())
	return &interruptContext{Context: ctx, cancel: cancel, ios: ios}
}

// Done sets up the signal handling, once, and returns the context's
// channel.
func (c *interruptContext) Done() <-chan struct{} {
	c.watch()
	return c.Context.Done()
}

// watch sets up the signal handling, once.
func (c *interruptContext) watch() { c.once.Do(c.notify) }

func (c *interruptContext) notify() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		c.cancel()
		// From here a second signal ends the process at once.
		signal.Stop(sigs)
		time.Sleep(interruptGrace)
		// Echo may be off, should the signal have come while a secret
		// was being typed.
		c.ios.RestoreTerminal()
		fmt.Fprintln(os.Stderr, "interrupted")
		os.Exit(cmdutil.ExitInterrupt)
	}()
}
