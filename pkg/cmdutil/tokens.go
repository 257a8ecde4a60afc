package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hydratoken/hydra/pkg/batch"
)

// This file is the one home of token input: a token given as an argument,
// the one token of stdin, and a list of tokens as arguments or lines of
// stdin. Every path trims the white space around a token, refuses one with
// white space inside it (CheckToken), and reads stdin from a terminal
// without echo.

// ReadTokenArg returns the one token of arg: the argument itself, or stdin
// when arg is "-". From a terminal, stdin is prompted for on stderr and read
// without echo; otherwise it must hold one non-blank line, since a command
// that takes one token (refresh spends it) must not pick one of several.
// White space around the token is trimmed; white space inside it is a usage
// error (CheckToken), as is an empty token. what names it in messages, such
// as "refresh token".
func ReadTokenArg(f *Factory, arg, what string) (string, error) {
	if arg != "-" {
		return CleanToken(arg, what)
	}
	if f.IOStreams.IsStdinTTY() {
		t, err := readSecret(f, "-", what)
		if err != nil {
			return "", fmt.Errorf("reading the %s from stdin: %w", what, err)
		}
		return CleanToken(t, what)
	}
	head, _, more, err := batch.Peek(batch.Lines(f.IOStreams.In), 1)
	if err != nil {
		return "", fmt.Errorf("reading the %s from stdin: %w", what, err)
	}
	if len(head) == 0 {
		return "", FlagErrorf("the %s is empty: stdin holds no token", what)
	}
	if more {
		return "", FlagErrorf("stdin holds more than one line, but this command takes one %s; nothing was sent", what)
	}
	return head[0], CheckToken(head[0], "the "+what+" on stdin")
}

// CleanToken trims white space around a token, and refuses one that is
// empty or that CheckToken refuses. what names it in messages, such as
// "token".
func CleanToken(tok, what string) (string, error) {
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", FlagErrorf("the %s is empty", what)
	}
	return tok, CheckToken(tok, "the "+what)
}

// CheckToken refuses a token that cannot be one: white space inside it,
// such as a "Bearer " prefix or two tokens on one line. Surrounding white
// space must have been trimmed. A token so refused is never sent: the
// server would answer "inactive" or, for a revocation, 200, and hide the
// mistake. what names the token in the message, such as "line 3". The
// message never shows the token.
func CheckToken(tok, what string) error {
	i := indexSpace(tok)
	if i < 0 {
		return nil
	}
	if strings.EqualFold(tok[:i], "Bearer") {
		return FlagErrorf("%s starts with %q: give the token alone, without the Bearer prefix of an Authorization header", what, tok[:i+1])
	}
	return FlagErrorf("%s holds white space inside it, so it is not one token; it was not sent (give one token a line)", what)
}

// indexSpace is strings.IndexFunc(s, unicode.IsSpace), with a byte loop
// for ASCII, which a token is: it runs once per line of a stream.
func indexSpace(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return strings.IndexFunc(s, unicode.IsSpace)
		case c == ' ' || '\t' <= c && c <= '\r':
			return i
		}
	}
	return -1
}

// TokenItem is one token of TokenList, or why its argument or line holds
// none.
type TokenItem struct {
	Token string
	// Err is the item's failure: a token that CleanToken refuses, a line
	// over batch.MaxLineLength (a *batch.LineError), or, as the last item,
	// a failure to read stdin. Its message names no token and no index:
	// the caller labels the item.
	Err error
}

// TokenList yields the tokens of args, for commands that take many: each
// argument, or each non-blank line of stdin for "-". From a terminal, each
// token of stdin is read without echo, after a prompt on stderr, until an
// empty line or Ctrl-D. A token is trimmed and checked (CleanToken); an
// item that fails is yielded with its error, and the sequence goes on,
// except after a read error, which ends it.
func TokenList(f *Factory, args []string) iter.Seq[TokenItem] {
	return func(yield func(TokenItem) bool) {
		for _, a := range args {
			if a != "-" {
				tok, err := CleanToken(a, "token")
				if !yield(TokenItem{Token: tok, Err: err}) {
					return
				}
				continue
			}
			for tok, err := range StdinTokens(f) {
				var lineErr *batch.LineError
				switch {
				case errors.As(err, &lineErr):
					// That line's failure; the tokens after it follow.
				case err != nil:
					yield(TokenItem{Err: fmt.Errorf("reading tokens from stdin: %w", err)})
					return
				default:
					tok, err = CleanToken(tok, "token")
				}
				if !yield(TokenItem{Token: tok, Err: err}) {
					return
				}
			}
		}
	}
}

// StdinTokens yields the tokens on stdin, one a line, unchecked (TokenList
// checks them; token verify's stream checks them per line). From a terminal each
// token is read without echo, after a prompt on stderr, until an empty line
// or Ctrl-D, so that tokens typed or pasted there are never shown;
// otherwise the lines are read as they come, with batch.Lines' limits.
// Either way, white space around a token is trimmed.
func StdinTokens(f *Factory) iter.Seq2[string, error] {
	ios := f.IOStreams
	if !ios.IsStdinTTY() {
		return batch.Lines(ios.In)
	}
	return func(yield func(string, error) bool) {
		for n := 1; ; n++ {
			v, err := ios.ReadPassword(fmt.Sprintf("Token %d (input is hidden; an empty line ends the list): ", n))
			v = strings.TrimSpace(v)
			if errors.Is(err, io.EOF) || (err == nil && v == "") {
				return
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}
