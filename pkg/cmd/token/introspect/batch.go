package introspect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/batch"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// maxErrorsShown bounds the per-token errors printed on stderr; the JSON
// output carries every one.
const maxErrorsShown = 10

// flushDelay is how long answers may wait in the output buffer for the
// next one: long enough to write many answers at once when the server is
// busy, short enough that a person or a pipeline sees them promptly.
const flushDelay = 20 * time.Millisecond

// outcome is one token's answer in a batch. It never holds the token.
type outcome struct {
	res *api.Introspection
	// err is the failure, with the token masked should the server have
	// echoed it.
	err string
	// noAnswer marks a failure without any HTTP answer: refused, timed
	// out, TLS.
	noAnswer bool
}

// introspectBatch introspects every token of tokens concurrently and prints
// the answers in input order. total is the number of tokens, or -1 when it
// is not known ahead (stdin).
func introspectBatch(ctx context.Context, opts *Options, tokens iter.Seq2[string, error], total int) error {
	// Keep a kept-alive connection for every worker: net/http keeps only
	// two idle ones per host by default, and would reconnect for the rest.
	opts.Conn.MaxConnsPerHost = opts.Concurrency
	// Workers write -v traces while the writer reports errors: serialize
	// them on stderr.
	errOut := &lockedWriter{w: opts.IO.ErrOut}
	ios := *opts.IO
	ios.ErrOut = errOut
	f := *opts.Factory
	f.IOStreams = &ios
	batchOpts := *opts
	batchOpts.IO, batchOpts.Factory = &ios, &f
	client, err := batchOpts.Admin.Client(batchOpts.Factory)
	if err != nil {
		return err
	}

	out := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	w := &batchWriter{
		out:    out,
		errOut: errOut,
		format: opts.Format,
		p:      printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()},

		giveUpAfter: max(16, 2*opts.Concurrency),
	}
	if opts.Format.Name == printer.Table {
		w.table = w.p.NewTableWriter(out, append([]string{"INDEX"}, Table(nil).Headers...))
	}
	if opts.IO.IsStderrTTY() && !opts.Conn.Verbose {
		// The bar writes to the stream itself, not through errOut, so that
		// it can read the terminal's width. Traces are off while it shows,
		// and errors are printed on this same goroutine after clearing it.
		w.bar = newProgressBar(opts.IO.ErrOut, total)
	}

	r := batch.Runner[string, outcome]{
		Concurrency: opts.Concurrency,
		Work: func(ctx context.Context, token string) outcome {
			res, err := client.Introspect(ctx, token, opts.Scopes)
			if err != nil {
				// Hydra never echoes the token, but a proxy in front of
				// it might, in an error page.
				var connErr *api.ConnError
				return outcome{err: maskToken(err.Error(), token), noAnswer: errors.As(err, &connErr)}
			}
			return outcome{res: res}
		},
		Emit: func(index int, o outcome) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return w.emit(index, o)
		},
		Idle: func() error {
			if err := out.Flush(); err != nil {
				return &writeError{err: err}
			}
			return nil
		},
		IdleDelay: flushDelay,
	}
	runErr := r.Run(ctx, tokens)
	var writeErr *writeError
	if w.table != nil && !errors.As(runErr, &writeErr) && !errors.Is(runErr, context.Canceled) {
		if err := w.table.Flush(); err != nil && runErr == nil {
			runErr = &writeError{err: err}
		}
	}
	if err := out.Flush(); err != nil && runErr == nil {
		runErr = &writeError{err: err}
	}
	if w.bar != nil {
		_ = w.bar.Finish()
		if errors.Is(runErr, context.Canceled) {
			fmt.Fprintln(errOut)
		}
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return runErr
		}
		if errors.Is(runErr, errNoAnswer) {
			return fmt.Errorf("stopped after the first %d tokens: none of them got an answer from the server (see the errors above)", w.n)
		}
		if errors.As(runErr, &writeErr) {
			return fmt.Errorf("writing the results: %w", writeErr.err)
		}
		return fmt.Errorf("reading tokens from stdin after %d tokens: %w", w.n, runErr)
	}

	if w.failed > 0 {
		if w.failed > maxErrorsShown {
			fmt.Fprintf(errOut, "(%d more errors not shown)\n", w.failed-maxErrorsShown)
		}
		return fmt.Errorf("%d of %d tokens could not be introspected", w.failed, w.n)
	}
	if opts.RequireActive && w.inactive > 0 {
		return cmdutil.InactiveError(fmt.Sprintf("%d of %d tokens are not active", w.inactive, w.n))
	}
	return nil
}

// lockedWriter serializes writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// errNoAnswer stops a batch whose first tokens all failed to get an HTTP
// answer.
var errNoAnswer = errors.New("no answer")

// writeError marks a failure to write the output, as opposed to reading
// the input.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

// batchWriter prints the answers of a batch, one per token, as they come in
// input order. It runs on one goroutine.
type batchWriter struct {
	out    *bufio.Writer
	errOut io.Writer
	format printer.Format
	p      printer.Printer
	table  *printer.TableWriter
	bar    *progressbar.ProgressBar

	n, failed, inactive int
	// answered is whether any token got an HTTP answer. When the first
	// giveUpAfter tokens got none, the endpoint is wrong or down, and
	// going on through a million lines, each retried, would help no one.
	answered    bool
	giveUpAfter int
	// env is reused for every token's {"index","result"|"error"} object.
	env []byte
	// hinted is set once the hint about the envelope has been given.
	hinted bool
}

func (w *batchWriter) emit(index int, o outcome) error {
	w.n++
	if !o.noAnswer {
		w.answered = true
	}
	switch {
	case o.err != "":
		w.failed++
		if w.failed <= maxErrorsShown {
			if w.bar != nil {
				_ = w.bar.Clear()
			}
			msg := o.err
			if w.failed > 1 {
				// The advice under an error is the same for every token:
				// after the first, one line each keeps stderr short.
				msg, _, _ = strings.Cut(msg, "\n")
			}
			fmt.Fprintf(w.errOut, "error: token %d: %s\n", index, msg)
		}
	case !o.res.Active:
		w.inactive++
	}
	if err := w.print(index, o); err != nil {
		return &writeError{err: err}
	}
	if w.bar != nil {
		_ = w.bar.Add(1)
	}
	if !w.answered && w.n >= w.giveUpAfter {
		return errNoAnswer
	}
	return nil
}

func (w *batchWriter) print(index int, o outcome) error {
	if w.table != nil {
		if o.err != "" {
			return w.table.Row(strconv.Itoa(index), "error", "", "", "", "", "")
		}
		r := o.res
		return w.table.Row(strconv.Itoa(index), strconv.FormatBool(r.Active), r.Subject, r.ClientID, r.Scope, r.TokenUse, formatUnix(r.ExpiresAt))
	}
	env, err := appendEnvelope(w.env[:0], index, o)
	if err != nil {
		return err
	}
	w.env = env
	switch w.format.Name {
	case "", printer.JSON:
		env = append(env, '\n')
		w.env = env
		_, err := w.out.Write(env)
		return err
	case printer.YAML:
		if index > 0 {
			if _, err := w.out.WriteString("---\n"); err != nil {
				return err
			}
		}
	}
	err = w.p.Print(w.out, env, nil)
	var noMatch *printer.NoMatchError
	if errors.As(err, &noMatch) {
		// One line per token, even where the expression selects nothing,
		// such as a result field of a token that failed.
		if !w.hinted && !envelopePath(w.format.Expr) {
			w.hinted = true
			fmt.Fprintf(w.errOut, "warning: %s %q selects nothing in the answer for token %d: with several tokens, each answer is {\"index\":N,\"result\":{...}}, so a path starts at result, as in result.active or $.result.active\n", w.format.Name, w.format.Expr, index)
		}
		return w.out.WriteByte('\n')
	}
	return err
}

// appendEnvelope appends {"index":N,"result":{...}} or {"index":N,"error":"..."}
// to b, as one line of compact JSON.
func appendEnvelope(b []byte, index int, o outcome) ([]byte, error) {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(index), 10)
	if o.err != "" {
		msg, err := json.Marshal(o.err)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"error":`...)
		b = append(b, msg...)
		return append(b, '}'), nil
	}
	b = append(b, `,"result":`...)
	raw := bytes.TrimRight(o.res.Raw, " \t\r\n")
	if isCompact(raw) {
		b = append(b, raw...)
	} else {
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, raw); err != nil {
			return nil, err
		}
		b = buf.Bytes()
	}
	return append(b, '}'), nil
}

// isCompact reports whether raw holds no white space outside strings, so
// that it can be copied into a line of NDJSON without json.Compact. Hydra's
// answers are compact; ParseIntrospection has checked that raw is JSON.
func isCompact(raw []byte) bool {
	inString, escaped := false, false
	for _, c := range raw {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\n' || c == '\r' || c == '\t'):
			return false
		}
	}
	return true
}

func newProgressBar(w io.Writer, total int) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("introspecting"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("tokens"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionSetWidth(20),
	)
}

// minMaskedLen is the shortest token masked in error messages. A real access
// or refresh token is tens of characters; masking a dummy such as "a" or
// "test" would mangle every word of the message that contains it.
const minMaskedLen = 8

// maskToken replaces token in msg, where a proxy's error page may have
// echoed it.
func maskToken(msg, token string) string {
	if len(token) < minMaskedLen {
		return msg
	}
	return strings.ReplaceAll(msg, token, api.Masked)
}

// envelopePath reports whether a jsonpath or jsonpointer expression starts
// at the batch envelope's members, as it should with several tokens.
func envelopePath(expr string) bool {
	for _, p := range []string{"index", "result", "error", "$.index", "$.result", "$.error", "$['", "$[\"", "/index", "/result", "/error"} {
		if strings.HasPrefix(expr, p) {
			return true
		}
	}
	return false
}
