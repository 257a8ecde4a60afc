package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cenkalti/backoff/v5"
)

type retryKey struct{}

// WithRetry marks the requests made with ctx as safe to repeat after a
// transient failure: a 502, 503 or 504, a refused connection, or a
// connection that broke (reset, EOF) before the whole answer came.
//
// Which requests are marked, and why:
//   - introspection (a POST that reads and changes nothing) and every GET:
//     a repeat changes nothing;
//   - a DELETE (a client, or a client's tokens): a repeat finds the work
//     done (DeleteClient reads a 404 after a lost answer as done);
//   - a client create with an ID the client chose: IDs are unique, so a
//     repeat cannot make a second client, and CreateClient confirms a 409
//     after a lost answer by a GET.
//
// Never marked: a token grant, which spends an authorization code or a
// refresh token or mints another token; a client create whose ID the
// server generates, which a repeat would create twice; a PATCH, which may
// set a new secret; revocation.
func WithRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryKey{}, true)
}

func retryable(ctx context.Context) bool {
	v, _ := ctx.Value(retryKey{}).(bool)
	return v
}

// attemptLog records what happened to the attempts of one request, for the
// callers that must read a later answer in the light of an earlier one.
type attemptLog struct {
	// lost counts the attempts that may have reached the server without
	// their answer reaching us: the connection broke after it was made, or
	// a gateway answered 502, 503 or 504.
	lost int
}

type attemptLogKey struct{}

// withAttemptLog returns a context whose requests record their attempts in
// the log returned.
func withAttemptLog(ctx context.Context) (context.Context, *attemptLog) {
	l := &attemptLog{}
	return context.WithValue(ctx, attemptLogKey{}, l), l
}

func (t *retryTransport) noteLost(req *http.Request) {
	if l, ok := req.Context().Value(attemptLogKey{}).(*attemptLog); ok {
		l.lost++
	}
}

// maxRetryAfter caps how long a Retry-After header may make us wait.
const maxRetryAfter = 30 * time.Second

// retryTransport retries requests marked with WithRetry after a transient
// failure (see WithRetry), with exponential backoff that honours
// Retry-After, at most retries times: faults of the connection and of the
// server share one budget. It reads the body of each answer within the
// attempt, so that a connection that breaks mid-body is retried too.
type retryTransport struct {
	next    http.RoundTripper
	retries int
	// initial is the first backoff interval; tests shorten it.
	initial time.Duration

	// failAfter, when positive, bounds the time spent retrying one
	// request, from its first attempt, and lets requests not marked safe
	// be retried after a failed dial (see TransportOptions.FailAfter).
	// A negative retries then means no limit on the count.
	failAfter time.Duration
	// attemptTimeout, when positive, bounds each attempt, body included.
	attemptTimeout time.Duration
	// now reads the clock for the failAfter budget; nil is time.Now.
	// Tests replace it.
	now func() time.Time
}

func (t *retryTransport) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

// errTransient marks a response worth retrying.
type errTransient struct {
	status     int
	retryAfter *backoff.RetryAfterError
}

func (e *errTransient) Error() string { return http.StatusText(e.status) }
func (e *errTransient) Unwrap() error {
	if e.retryAfter == nil {
		return nil
	}
	return e.retryAfter
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.failAfter <= 0 && t.retries <= 0 || (req.Body != nil && req.GetBody == nil) {
		return t.next.RoundTrip(req)
	}
	// safe: any transient failure may be retried. Otherwise, only with a
	// FailAfter budget, and only a failed dial, after which nothing was
	// sent.
	safe := retryable(req.Context())
	if !safe && t.failAfter <= 0 {
		return t.next.RoundTrip(req)
	}
	r := &retrying{t: t, req: req, safe: safe, bo: t.backOff(req)}
	var maxTries uint // zero: no limit but the FailAfter budget's
	if t.retries >= 0 {
		maxTries = uint(t.retries) + 1
	}
	resp, err := backoff.Retry(req.Context(), r.attempt,
		backoff.WithBackOff(r.bo),
		backoff.WithMaxTries(maxTries),
		backoff.WithMaxElapsedTime(0))
	var transient *errTransient
	if resp != nil && (err == nil || errors.As(err, &transient)) {
		// The last answer, transient or not, goes to the caller, who turns
		// it into a message naming the status.
		return resp, nil
	}
	if resp != nil {
		resp.Body.Close()
	}
	return nil, err
}

// backOff is the schedule of one request's retries: exponential, within
// the request's deadline and the FailAfter budget.
func (t *retryTransport) backOff(req *http.Request) *deadlineBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 200 * time.Millisecond
	if t.initial > 0 {
		b.InitialInterval = t.initial
	}
	b.MaxInterval = 5 * time.Second
	deadline, _ := req.Context().Deadline()
	bo := &deadlineBackOff{next: b, deadline: deadline}
	if t.failAfter > 0 {
		bo.budgetEnd, bo.now = t.clock().Add(t.failAfter), t.clock
	}
	return bo
}

// retrying is one request's attempts.
type retrying struct {
	t    *retryTransport
	req  *http.Request
	safe bool
	bo   *deadlineBackOff
	n    int
}

// attempt sends the request once more. A backoff.Permanent error ends the
// retries; an *errTransient with the answer asks for another attempt.
func (r *retrying) attempt() (*http.Response, error) {
	req := r.req
	if r.n > 0 && r.req.GetBody != nil {
		body, err := r.req.GetBody()
		if err != nil {
			return nil, backoff.Permanent(err)
		}
		req = r.req.Clone(r.req.Context())
		req.Body = body
	}
	if r.t.attemptTimeout > 0 {
		ctx, cancel := context.WithTimeout(req.Context(), r.t.attemptTimeout)
		// The body is read within the attempt (bufferBody), so the
		// attempt's context may end with it.
		defer cancel()
		req = req.WithContext(ctx)
	}
	r.n++
	resp, err := r.t.next.RoundTrip(req)
	if err != nil {
		return nil, r.failed(err)
	}
	if !r.safe {
		// The request was sent: its answer, whatever it is, is final.
		if err := bufferBody(resp); err != nil {
			return resp, backoff.Permanent(&errTransient{status: resp.StatusCode})
		}
		return resp, nil
	}
	if err := bufferBody(resp); err != nil {
		// The connection broke mid-answer. Should no attempt fare better,
		// the caller reads this answer and meets the error.
		r.t.noteLost(r.req)
		return resp, &errTransient{status: resp.StatusCode}
	}
	return r.answered(resp)
}

// failed decides whether a transport error is worth another attempt.
func (r *retrying) failed(err error) error {
	if r.safe && transientErr(err) {
		if !isDialErr(err) {
			r.t.noteLost(r.req)
		}
		return err
	}
	if !r.safe && isDialErr(err) && !isTimeout(err) && !isTLSError(err) {
		return err
	}
	return backoff.Permanent(err)
}

// answered decides whether a safe request's answer is worth another
// attempt: a 502, 503 or 504 is, unless its Retry-After asks for a wait
// longer than a command-line user expects, or than the deadline allows.
func (r *retrying) answered(resp *http.Response) (*http.Response, error) {
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return resp, nil
	}
	r.t.noteLost(r.req)
	e := &errTransient{status: resp.StatusCode}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		if d > maxRetryAfter || r.bo.outlasts(d) {
			// Give up and report the answer rather than a timeout.
			return resp, backoff.Permanent(e)
		}
		e.retryAfter = &backoff.RetryAfterError{Duration: d}
		// The server's wait replaces the backoff's; it was checked
		// against the deadline above.
		r.bo.retryAfter = true
	}
	return resp, e
}

// deadlineBackOff stops retrying when the next wait would outlast the
// request's deadline (TransportOptions.Timeout) or the FailAfter budget: the user then
// sees the server's last answer, such as "503 Service Unavailable", or the
// refused connection, instead of a timeout that hides it.
type deadlineBackOff struct {
	next     backoff.BackOff
	deadline time.Time // zero: none
	// budgetEnd is when the FailAfter budget is spent, read on now; zero:
	// no budget.
	budgetEnd time.Time
	now       func() time.Time
	// retryAfter is set when the last answer carried a Retry-After, whose
	// wait replaces this one: backoff.Retry asks NextBackOff first.
	retryAfter bool
}

func (d *deadlineBackOff) NextBackOff() time.Duration {
	next := d.next.NextBackOff()
	skip := d.retryAfter
	d.retryAfter = false
	if skip || next == backoff.Stop {
		return next
	}
	if !d.deadline.IsZero() && time.Now().Add(next).After(d.deadline) {
		return backoff.Stop
	}
	if !d.budgetEnd.IsZero() && d.now().Add(next).After(d.budgetEnd) {
		return backoff.Stop
	}
	return next
}

func (d *deadlineBackOff) Reset() { d.next.Reset() }

// outlasts reports whether waiting wait would outlast the deadline or the
// FailAfter budget.
func (d *deadlineBackOff) outlasts(wait time.Duration) bool {
	return (!d.deadline.IsZero() && time.Now().Add(wait).After(d.deadline)) ||
		(!d.budgetEnd.IsZero() && d.now().Add(wait).After(d.budgetEnd))
}

// transientErr reports whether a transport error is worth retrying: the
// server is not listening yet, or the connection broke (reset, closed
// early, or closed while idle in the pool) before the answer came.
// Certificate failures never heal, and a timeout has spent the time
// the request was allowed.
func transientErr(err error) bool {
	if isTLSError(err) || isTimeout(err) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	// net/http does not export this one: a kept-alive connection that the
	// server closed as the request was sent on it.
	return strings.Contains(err.Error(), "server closed idle connection")
}

// bufferBody reads resp's body, up to one byte more than MaxBodySize, so
// that a connection that breaks mid-answer is an error of the attempt,
// which can be retried. An error that is not transient (a timeout) is left
// for the reader of the body to meet, after the bytes that came.
func bufferBody(resp *http.Response) error {
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	resp.Body.Close()
	if err == nil {
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		// Known now, so that ReadBody reads it into a buffer of its size,
		// rather than growing one twice over (a body at the cap is 16 MiB).
		resp.ContentLength = int64(len(raw))
		return nil
	}
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errReader{err}))
	if transientErr(err) {
		return err
	}
	return nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date
// (RFC 9110 §10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		// Cap before converting: a huge value would overflow into a
		// negative wait (found by FuzzParseRetryAfter).
		return time.Duration(min(secs, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
