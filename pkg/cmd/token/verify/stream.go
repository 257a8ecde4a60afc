package verify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/batch"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// maxReasonsShown bounds the invalid tokens named on stderr; stdout names
// every one.
const maxReasonsShown = 10

// flushDelay is how long results may wait in the output buffer for the
// next one, as in introspect's batch: a pipeline sees them promptly, and a
// fast stream is written in large blocks.
const flushDelay = 20 * time.Millisecond

// item is one line of the stream: a token, or why the line holds none.
type item struct {
	token string
	err   error
}

// outcome is one token's result. It never holds the token.
type outcome struct {
	claims []byte
	// reason says why the token is invalid.
	reason string
	// keysFailed marks a token that could not be checked because the keys
	// could not be loaded again for its kid.
	keysFailed bool
}

// errStopped ends a stream at its first invalid token, under
// --require-valid.
var errStopped = errors.New("stopped at the first invalid token")

// lines turns stdin's lines into items, with introspect's reader and
// limits: a line over batch.MaxLineLength, or one with white space inside,
// is an invalid item, and the lines after it are read on.
func lines(tokens iter.Seq2[string, error]) iter.Seq2[item, error] {
	return func(yield func(item, error) bool) {
		for tok, err := range tokens {
			var lineErr *batch.LineError
			if errors.As(err, &lineErr) {
				if !yield(item{err: lineErr}, nil) {
					return
				}
				continue
			}
			if err != nil {
				yield(item{}, err)
				return
			}
			// The token is checked (cmdutil.CleanToken) by the worker, not
			// here: this loop runs on the one goroutine that feeds every
			// core.
			if !yield(item{token: tok}, nil) {
				return
			}
		}
	}
}

// verifyStream verifies the tokens on stdin, one a line, on every core, and
// writes one JSON object a line in input order.
func verifyStream(ctx context.Context, opts *Options) error {
	v, err := newVerifier(ctx, opts)
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	w := &streamWriter{
		out:     out,
		opts:    opts,
		p:       printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()},
		compact: opts.Format.Name == "" || opts.Format.Name == printer.JSON,
	}
	r := batch.Runner[item, outcome]{
		// Verification is CPU work: one worker per core this process
		// may use, as main or the Go runtime set it.
		Concurrency: runtime.GOMAXPROCS(0),
		Work: func(ctx context.Context, it item) outcome {
			if it.err != nil {
				return outcome{reason: it.err.Error()}
			}
			tok, err := cmdutil.CleanToken(it.token, "line")
			if err != nil {
				return outcome{reason: err.Error()}
			}
			claims, err := v.verify(ctx, tok)
			if err != nil {
				var inv *shared.InvalidError
				if errors.As(err, &inv) {
					return outcome{reason: inv.Reason}
				}
				return outcome{reason: err.Error(), keysFailed: true}
			}
			return outcome{claims: claims}
		},
		Emit: w.emit,
		Idle: func() error {
			if err := out.Flush(); err != nil {
				return &writeError{err: err}
			}
			return nil
		},
		IdleDelay: flushDelay,
	}
	runErr := r.Run(ctx, lines(cmdutil.StdinTokens(opts.Factory)))
	var we *writeError
	if !errors.As(runErr, &we) {
		if err := out.Flush(); err != nil && runErr == nil {
			runErr = &writeError{err: err}
		}
	}
	switch {
	case errors.Is(runErr, errStopped):
		return &cmdutil.ExitError{Code: cmdutil.ExitInactive, Err: fmt.Errorf("token %d is not valid: %s\n--require-valid: the tokens after it were not verified", w.n-1, w.firstReason)}
	case errors.Is(runErr, context.Canceled):
		return runErr
	case errors.As(runErr, &we):
		return fmt.Errorf("writing the results: %w", we.err)
	case runErr != nil:
		return fmt.Errorf("reading tokens from stdin after %d tokens: %w", w.n, runErr)
	}
	if w.n == 0 {
		return cmdutil.FlagErrorf("stdin holds no token")
	}
	if w.invalid > maxReasonsShown {
		fmt.Fprintf(opts.IO.ErrOut, "(%d more invalid tokens not shown)\n", w.invalid-maxReasonsShown)
	}
	if w.keysFailed > 0 {
		return fmt.Errorf("%d of %d tokens could not be checked: their kid is not among the keys, and loading the keys again failed", w.keysFailed, w.n)
	}
	if w.invalid > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitInactive, Err: fmt.Errorf("%d of %d tokens are not valid", w.invalid, w.n)}
	}
	return nil
}

// writeError marks a failure to write the output.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

// streamWriter writes the results in input order, on one goroutine.
type streamWriter struct {
	out     *bufio.Writer
	opts    *Options
	p       printer.Printer
	compact bool

	n, invalid, keysFailed int
	firstReason            string
	// line is reused for every result's JSON.
	line []byte
}

func (w *streamWriter) emit(index int, o outcome) error {
	w.n++
	if o.claims == nil {
		w.invalid++
		if o.keysFailed {
			w.keysFailed++
		}
		if w.invalid == 1 {
			w.firstReason = o.reason
		}
		if w.invalid <= maxReasonsShown {
			reason := o.reason
			if w.invalid > 1 {
				reason, _, _ = strings.Cut(reason, "\n")
			}
			fmt.Fprintf(w.opts.IO.ErrOut, "invalid: token %d: %s\n", index, reason)
		}
	}
	if err := w.write(index, o); err != nil {
		return &writeError{err: err}
	}
	if o.claims == nil && w.opts.RequireValid {
		return errStopped
	}
	return nil
}

func (w *streamWriter) write(index int, o outcome) error {
	line, err := appendResult(w.line[:0], index, o)
	if err != nil {
		return err
	}
	w.line = line
	if w.compact {
		w.line = append(w.line, '\n')
		_, err := w.out.Write(w.line)
		return err
	}
	if w.opts.Format.Name == printer.YAML && index > 0 {
		if _, err := w.out.WriteString("---\n"); err != nil {
			return err
		}
	}
	err = w.p.Print(w.out, line, nil)
	var noMatch *printer.NoMatchError
	if errors.As(err, &noMatch) {
		// One line per token, even where the expression selects nothing,
		// such as the claims of an invalid token.
		return w.out.WriteByte('\n')
	}
	return err
}

// appendResult appends {"index":N,"valid":true,"claims":{...}} or
// {"index":N,"valid":false,"error":"..."} to b, as one line of JSON.
func appendResult(b []byte, index int, o outcome) ([]byte, error) {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(index), 10)
	if o.claims == nil {
		msg, err := json.Marshal(o.reason)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"valid":false,"error":`...)
		b = append(b, msg...)
		return append(b, '}'), nil
	}
	b = append(b, `,"valid":true,"claims":`...)
	if bytes.ContainsAny(o.claims, "\r\n") {
		// Line breaks can only be white space between tokens: a JSON
		// string holds them escaped.
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, o.claims); err != nil {
			return nil, err
		}
		b = buf.Bytes()
	} else {
		b = append(b, bytes.TrimSpace(o.claims)...)
	}
	return append(b, '}'), nil
}
