package shared

import (
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/hydratoken/hydra/pkg/batch"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// CheckToken is cmdutil.CheckToken: a token with white space inside it is
// refused, never sent.
func CheckToken(tok, what string) error { return cmdutil.CheckToken(tok, what) }

// ReadOneToken returns the one token of arg: the argument itself, or the
// one line of stdin when arg is "-". Surrounding white space is trimmed,
// and CheckToken applies. More than one line on stdin is a usage error:
// commands that spend a token, such as refresh, take exactly one.
func ReadOneToken(f *cmdutil.Factory, arg, what string) (string, error) {
	if arg != "-" || f.IOStreams.IsStdinTTY() {
		// From a terminal, ReadTokenArg prompts and reads one line
		// without echo.
		tok, err := cmdutil.ReadTokenArg(f, arg, what)
		if err != nil {
			return "", err
		}
		return tok, CheckToken(tok, "the "+what)
	}
	head, _, more, err := batch.Peek(batch.Lines(f.IOStreams.In), 1)
	if err != nil {
		return "", fmt.Errorf("reading the %s from stdin: %w", what, err)
	}
	if len(head) == 0 {
		return "", cmdutil.FlagErrorf("the %s is empty: stdin holds no token", what)
	}
	if more {
		return "", cmdutil.FlagErrorf("stdin holds more than one line, but this command takes one %s; nothing was sent", what)
	}
	return head[0], CheckToken(head[0], "the "+what+" on stdin")
}

// TokenArgs yields the tokens of args: each argument, or each non-blank
// line of stdin for "-", trimmed. A token that CheckToken refuses is
// yielded with its error, and the sequence goes on; a read error ends it.
// The index counts from 1, for messages.
func TokenArgs(f *cmdutil.Factory, args []string) iter.Seq2[int, TokenOrError] {
	return func(yield func(int, TokenOrError) bool) {
		n := 0
		emit := func(tok, where string) bool {
			n++
			if tok == "" {
				return yield(n, TokenOrError{Err: cmdutil.FlagErrorf("%s is empty", where)})
			}
			return yield(n, TokenOrError{Token: tok, Err: CheckToken(tok, where)})
		}
		for _, a := range args {
			if a != "-" {
				if !emit(strings.TrimSpace(a), fmt.Sprintf("argument %d", n+1)) {
					return
				}
				continue
			}
			// From a terminal, each token is read without echo.
			for tok, err := range cmdutil.StdinTokens(f, "Token") {
				var lineErr *batch.LineError
				if errors.As(err, &lineErr) {
					// A line over the limit is that token's error; the
					// tokens after it are still revoked.
					n++
					if !yield(n, TokenOrError{Err: fmt.Errorf("token %d (stdin): %w", n, lineErr.Err)}) {
						return
					}
					continue
				}
				if err != nil {
					n++
					yield(n, TokenOrError{Err: fmt.Errorf("reading tokens from stdin: %w", err)})
					return
				}
				if !emit(tok, fmt.Sprintf("token %d (stdin)", n+1)) {
					return
				}
			}
		}
	}
}

// TokenOrError is one item of TokenArgs.
type TokenOrError struct {
	Token string
	Err   error
}
