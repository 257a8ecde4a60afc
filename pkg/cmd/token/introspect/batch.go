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
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/batch"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
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
	// class names how the request failed when the failure is not the
	// token's own but the server's or the route's: no answer, or an HTTP
	// error status. Empty for other failures.
	class string
	// notSent marks a token that was not sent because the batch stopped.
	notSent bool
}

// failureClass names how err failed when every token would fail the same
// way, whatever the token: no answer at all, or an HTTP error status (a
// wrong port answers 404 to every token). It is empty for other errors.
func failureClass(err error) string {
	var connErr *api.ConnError
	var apiErr *api.Error
	switch {
	case errors.As(err, &connErr):
		return "no answer from the server"
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusOK:
		return "answers that are not introspection results"
	case errors.As(err, &apiErr):
		return "HTTP " + strconv.Itoa(apiErr.StatusCode)
	}
	return ""
}

// introspectBatch introspects every token of tokens concurrently and prints
// the answers in input order. total is the number of tokens, or -1 when it
// is not known ahead (stdin).
func introspectBatch(ctx context.Context, opts *Options, tokens iter.Seq2[cmdutil.TokenItem, error], total int) error {
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
		each: &cmdutil.Each{
			ErrOut: errOut, Noun: "tokens", Verb: "introspected",
			// When this many tokens in a row fail the same way, the
			// server is down or the URL wrong, and going on through a
			// million lines, each retried, would help no one.
			Streak:          max(16, 2*opts.Concurrency),
			MaxErrors:       maxErrorsShown,
			ShortAfterFirst: true,
		},
	}
	if opts.Format.Name == printer.Table {
		w.table = w.p.NewTableWriter(out, append([]string{"INDEX"}, Table(nil).Headers...))
	}
	if opts.IO.IsStderrTTY() && !opts.Conn.Verbose {
		// Traces are off while the bar shows, and errors are printed on
		// this same goroutine after clearing it.
		w.bar = iostreams.NewProgress(opts.IO.ErrOut, "introspecting", "tokens", total)
	}

	r := batch.Runner[cmdutil.TokenItem, outcome]{
		Concurrency: opts.Concurrency,
		Work: func(ctx context.Context, it cmdutil.TokenItem) outcome {
			if it.Err != nil {
				return outcome{err: it.Err.Error()}
			}
			if why := w.stopped.Load(); why != nil {
				return outcome{err: *why, notSent: true}
			}
			res, err := client.Introspect(ctx, it.Token, opts.Scopes)
			if err != nil {
				// Hydra never echoes the token, but a proxy in front of
				// it might, in an error page.
				return outcome{err: text.Mask(err.Error(), it.Token), class: failureClass(err)}
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
		w.bar.Finish()
		if errors.Is(runErr, context.Canceled) {
			fmt.Fprintln(errOut)
		}
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return runErr
		}
		if errors.As(runErr, &writeErr) {
			return fmt.Errorf("writing the results: %w", writeErr.err)
		}
		return fmt.Errorf("reading tokens from stdin after %d tokens: %w", w.each.Count(), runErr)
	}

	if err := w.each.Summary(); err != nil {
		return err
	}
	if opts.RequireActive && w.inactive > 0 {
		return cmdutil.InactiveError(fmt.Sprintf("%d of %d tokens are not active", w.inactive, w.each.Count()))
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
	bar    *iostreams.Progress

	// each counts the tokens, prints the error lines and the summary, and
	// says when to stop: then stopped is set, and the tokens not sent yet
	// are answered with its message. The emitter writes it; workers read
	// it.
	each     *cmdutil.Each
	inactive int
	stopped  atomic.Pointer[string]
	// env is reused for every token's {"index","result"|"error"} object.
	env []byte
	// hinted is set once the hint about the envelope has been given.
	hinted bool
}

func (w *batchWriter) emit(index int, o outcome) error {
	switch {
	case o.notSent:
		w.each.Skip(1)
	case o.err != "":
		if w.bar != nil && w.each.ShowsNext() {
			w.bar.Clear()
		}
		f := cmdutil.Failure{Label: "token " + strconv.Itoa(index), Err: errors.New(o.err), Class: o.class}
		if w.each.Fail(f) {
			why := "not sent: the batch stopped after " + w.each.StopReason()
			w.stopped.Store(&why)
		}
	default:
		w.each.Ok()
		if !o.res.Active {
			w.inactive++
		}
	}
	if err := w.print(index, o); err != nil {
		return &writeError{err: err}
	}
	if w.bar != nil {
		w.bar.Add(1)
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

// envelopePath reports whether a jsonpath or jsonpointer expression starts
// at the batch envelope's members, as it should with several tokens.
func envelopePath(expr string) bool {
	expr = printer.RFCJSONPath(expr)
	for _, p := range []string{"index", "result", "error", "$.index", "$.result", "$.error", "$['", "$[\"", "/index", "/result", "/error"} {
		if strings.HasPrefix(expr, p) {
			return true
		}
	}
	return false
}
