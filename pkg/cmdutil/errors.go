package cmdutil

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes. docs/exit-codes.md documents each one, and a table test in
// test/reliability shows that each is produced by the case that claims it.
const (
	ExitOK        = 0   // the command did what was asked
	ExitFailure   = 1   // the command failed: network, server, or bad input
	ExitUsage     = 2   // the command line was wrong: unknown flag, format, or missing argument
	ExitInactive  = 3   // --require-active was given and a token was inactive
	ExitInterrupt = 130 // interrupted by Ctrl-C (SIGINT) or SIGTERM, as shells report it
)

// FlagError is a usage error: a bad flag, argument or format. It exits 2 and
// points at --help.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// FlagErrorf returns a usage error built like fmt.Errorf.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap marks err as a usage error.
func FlagErrorWrap(err error) error {
	if err == nil {
		return nil
	}
	return &FlagError{err: err}
}

// ErrSilent fails the command with exit 1 and prints nothing more: the
// command has already said what went wrong on stderr.
var ErrSilent = errors.New("silent error")

// ExitError ends the command with a chosen exit code. Its message, if any,
// is printed on stderr.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ErrInactive is returned, wrapped in an ExitError with ExitInactive, when
// --require-active meets an inactive token.
var ErrInactive = errors.New("token is not active")

// InactiveError reports an inactive token under --require-active.
func InactiveError(msg string) error {
	if msg == "" {
		return &ExitError{Code: ExitInactive, Err: ErrInactive}
	}
	return &ExitError{Code: ExitInactive, Err: fmt.Errorf("%w: %s", ErrInactive, msg)}
}

// ExitCodeOf maps an error returned by a command to the process's exit code.
func ExitCodeOf(err error) int {
	var flagErr *FlagError
	var exitErr *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exitErr):
		return exitErr.Code
	case errors.As(err, &flagErr):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitInterrupt
	default:
		return ExitFailure
	}
}
