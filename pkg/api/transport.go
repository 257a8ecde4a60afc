package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/hydratoken/hydra/pkg/text"
)

// TransportOptions configures the HTTP client that every request of the tool
// goes through, token requests included.
type TransportOptions struct {
	// SkipTLSVerify turns certificate verification off. The command layer
	// warns about it on stderr.
	SkipTLSVerify bool

	// CACertFile names a PEM file of CA certificates to trust instead of
	// the system's, as curl --cacert and kubectl --certificate-authority
	// do: the narrower trust a private Hydra deployment wants, and it
	// spares parsing the system store (about 8 ms) on every run.
	CACertFile string

	// Headers are added to every request. The client follows no redirect,
	// so they reach only the URLs the user named: the endpoint, a token or
	// JWKS URL, and the hosts of token user's headless flow.
	Headers http.Header

	// FakeTLSTermination adds "X-Forwarded-Proto: https", so that a Hydra
	// serving plain HTTP behind a TLS-terminating proxy in production mode
	// answers (Hydra v1's --fake-tls-termination).
	FakeTLSTermination bool

	// Timeout bounds each request, from dialling to the end of the body.
	// Zero means no limit.
	Timeout time.Duration

	// Retries is how many times a request marked safe to repeat is retried
	// after a transient failure. See WithRetry. With FailAfter, a negative
	// Retries leaves the count unbounded: FailAfter alone ends the retries.
	Retries int

	// FailAfter, when positive, is Hydra v1's --fail-after: how long the
	// tool keeps retrying a request whose server is down or answers 502,
	// 503 or 504, counted from its first attempt. Each attempt then has
	// Timeout to itself, rather than all attempts sharing it, so that a
	// script can wait for a Hydra that is still starting. Requests marked
	// safe (see WithRetry) are retried after any transient failure; the
	// others only when the connection could not be made, which proves that
	// nothing was sent, so a grant is still never sent twice.
	FailAfter time.Duration

	// RetryBackoff is the first wait between retries, which then grows
	// exponentially; a Retry-After header replaces it. Zero means 200ms.
	// Tests shorten it.
	RetryBackoff time.Duration

	// Trace, when set, receives a line per request and response, with
	// secrets masked.
	Trace io.Writer

	// MaxConnsPerHost sizes the pool of kept-alive connections, for batch
	// work. Zero means the net/http default.
	MaxConnsPerHost int
}

// NewHTTPClient builds the tool's HTTP client: TLS settings, proxy from the
// environment, headers, tracing and retries, stacked as transports.
//
// The client follows no redirect. A redirect from an API endpoint is a
// misconfiguration (Hydra v2 answers Hydra v1 paths with a 307 whose
// Location is unusable), and following one could carry credentials to
// another host; the caller turns it into an error instead.
func NewHTTPClient(o TransportOptions) (*http.Client, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.SkipTLSVerify {
		tlsConfig.InsecureSkipVerify = true // the user asked for it, and is warned
	}
	// Without --ca-cert, RootCAs stays nil: crypto/x509 then loads the
	// system store at the first certificate it verifies, once per process.
	// So a plain-HTTP endpoint, or a command that sends nothing, never pays
	// for it.
	if o.CACertFile != "" {
		pool, err := loadCAFile(o.CACertFile)
		if err != nil {
			return nil, err
		}
		tlsConfig.RootCAs = pool
	}

	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   10 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          max(100, o.MaxConnsPerHost),
	}
	if o.MaxConnsPerHost > 0 {
		base.MaxIdleConnsPerHost = o.MaxConnsPerHost
	}

	var rt http.RoundTripper = base
	if o.CACertFile != "" {
		rt = &caFileTransport{next: rt, file: o.CACertFile}
	}
	if o.Trace != nil {
		// The values of -H headers are masked whole: the tool cannot tell
		// a credential from a harmless value by the header's name.
		masked := map[string]bool{}
		for k := range o.Headers {
			masked[http.CanonicalHeaderKey(k)] = true
		}
		rt = &traceTransport{next: rt, w: o.Trace, masked: masked}
	}
	// Retries sit outside the trace, so that each attempt is traced.
	retry := &retryTransport{next: rt, retries: o.Retries, initial: o.RetryBackoff}
	timeout := o.Timeout
	if o.FailAfter > 0 {
		// http.Client.Timeout spans every attempt of a request: with
		// --fail-after, each attempt gets --timeout of its own, and the
		// client's limit only backs the two up.
		retry.failAfter, retry.attemptTimeout = o.FailAfter, o.Timeout
		if timeout > 0 {
			timeout += o.FailAfter
		}
	}
	rt = retry
	headers := o.Headers.Clone()
	if o.FakeTLSTermination {
		if headers == nil {
			headers = http.Header{}
		}
		headers.Set("X-Forwarded-Proto", "https")
	}
	if len(headers) > 0 {
		rt = &headerTransport{next: rt, headers: headers}
	}

	return &http.Client{
		Transport: rt,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// loadCAFile reads the CA certificates to trust from a PEM file. It is read
// at once, even for a plain-HTTP endpoint, so that a wrong path is a usage
// error before any request: one small file costs microseconds.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, &CAFileReadError{File: path, Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &CAFileReadError{File: path, NoCertificate: true}
	}
	return pool, nil
}

// CAFileReadError is a file of CA certificates (TransportOptions.CACertFile)
// that could not be used: it could not be read, or holds no certificate.
type CAFileReadError struct {
	File string
	// NoCertificate says that the file was read, and holds no PEM
	// certificate.
	NoCertificate bool
	Err           error
}

func (e *CAFileReadError) Error() string {
	if e.NoCertificate {
		return fmt.Sprintf("%s holds no PEM certificate", e.File)
	}
	return fmt.Sprintf("reading %s: %v", e.File, e.Err)
}

func (e *CAFileReadError) Unwrap() error { return e.Err }

// CAFileError is a certificate verification failure while only the CAs of
// --ca-cert were trusted. Its advice names the file, since the system's CAs
// were not consulted.
type CAFileError struct {
	File string
	Err  error
}

func (e *CAFileError) Error() string { return e.Err.Error() }
func (e *CAFileError) Unwrap() error { return e.Err }

// caFileTransport marks certificate failures with the --ca-cert file that
// was trusted.
type caFileTransport struct {
	next http.RoundTripper
	file string
}

func (t *caFileTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	var verifyErr *tls.CertificateVerificationError
	if err != nil && errors.As(err, &verifyErr) {
		return nil, &CAFileError{File: t.file, Err: err}
	}
	return resp, err
}

// ParseHeader parses a -H value of the form "Name: value". The value may
// itself contain colons.
func ParseHeader(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		// The value is not quoted: it is often a credential.
		return "", "", fmt.Errorf("invalid header: want \"Name: value\", with a colon after a name without spaces (the value given is not shown)")
	}
	return name, strings.TrimSpace(value), nil
}

// headerTransport adds the user's -H headers. It adds them only where the
// request does not set the header itself.
type headerTransport struct {
	next    http.RoundTripper
	headers http.Header
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, vs := range t.headers {
		if req.Header.Get(k) != "" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return t.next.RoundTrip(req)
}

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
	// safe: any transient failure may be retried. Otherwise, only with
	// --fail-after, and only a failed dial, after which nothing was sent.
	safe := retryable(req.Context())
	if !safe && t.failAfter <= 0 {
		return t.next.RoundTrip(req)
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 200 * time.Millisecond
	if t.initial > 0 {
		b.InitialInterval = t.initial
	}
	b.MaxInterval = 5 * time.Second
	deadline, hasDeadline := req.Context().Deadline()
	bo := &deadlineBackOff{next: b, deadline: deadline}
	if t.failAfter > 0 {
		bo.budgetEnd, bo.now = t.clock().Add(t.failAfter), t.clock
	}
	// outlasts reports whether waiting d would outlast --timeout or
	// --fail-after.
	outlasts := func(d time.Duration) bool {
		return (hasDeadline && time.Now().Add(d).After(deadline)) ||
			(!bo.budgetEnd.IsZero() && t.clock().Add(d).After(bo.budgetEnd))
	}

	attempt := 0
	op := func() (*http.Response, error) {
		r := req
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, backoff.Permanent(err)
			}
			r = req.Clone(req.Context())
			r.Body = body
		}
		if t.attemptTimeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), t.attemptTimeout)
			// The body is read within the attempt (bufferBody), so the
			// attempt's context may end with it.
			defer cancel()
			r = r.WithContext(ctx)
		}
		attempt++
		resp, err := t.next.RoundTrip(r)
		if err != nil {
			if safe && transientErr(err) {
				if !isDialErr(err) {
					t.noteLost(req)
				}
				return nil, err
			}
			if !safe && isDialErr(err) && !isTimeout(err) && !isTLSError(err) {
				return nil, err
			}
			return nil, backoff.Permanent(err)
		}
		if !safe {
			// The request was sent: its answer, whatever it is, is final.
			if err := bufferBody(resp); err != nil {
				return resp, backoff.Permanent(&errTransient{status: resp.StatusCode})
			}
			return resp, nil
		}
		if err := bufferBody(resp); err != nil {
			// The connection broke mid-answer. Should no attempt fare
			// better, the caller reads this answer and meets the error.
			t.noteLost(req)
			return resp, &errTransient{status: resp.StatusCode}
		}
		switch resp.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			t.noteLost(req)
			e := &errTransient{status: resp.StatusCode}
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				if d > maxRetryAfter || outlasts(d) {
					// Waiting that long is not what a command-line user
					// expects, or would outlast --timeout; give up and
					// report the answer rather than a timeout.
					return resp, backoff.Permanent(e)
				}
				e.retryAfter = &backoff.RetryAfterError{Duration: d}
				// The server's wait replaces the backoff's; it was
				// checked against the deadline above.
				bo.retryAfter = true
			}
			return resp, e
		}
		return resp, nil
	}
	var maxTries uint // zero: no limit but --fail-after's
	if t.retries >= 0 {
		maxTries = uint(t.retries) + 1
	}
	resp, err := backoff.Retry(req.Context(), op,
		backoff.WithBackOff(bo),
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

// deadlineBackOff stops retrying when the next wait would outlast the
// request's deadline (--timeout) or the --fail-after budget: the user then
// sees the server's last answer, such as "503 Service Unavailable", or the
// refused connection, instead of a timeout that hides it.
type deadlineBackOff struct {
	next     backoff.BackOff
	deadline time.Time // zero: none
	// budgetEnd is when --fail-after's time is up, read on now; zero:
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

// transientErr reports whether a transport error is worth retrying: the
// server is not listening yet, or the connection broke (reset, closed
// early, or closed while idle in the pool) before the answer came.
// Certificate failures never heal, and a timeout has spent the time
// --timeout allows.
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

// traceTransport writes a short trace of each exchange: method, URL with
// sensitive query values masked, request headers with credentials masked,
// the names of form fields (values of secret ones masked), status and time.
// It never writes a body.
//
// Batch commands send requests from several goroutines at once, so each
// request's lines, and each response's, are written in one piece under a
// lock: traces of concurrent requests alternate whole, never mid-line.
type traceTransport struct {
	next http.RoundTripper
	w    io.Writer
	// masked names the request headers whose values are never shown.
	masked map[string]bool
	mu     sync.Mutex
}

func (t *traceTransport) write(b *bytes.Buffer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = t.w.Write(b.Bytes())
}

func (t *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var b bytes.Buffer
	fmt.Fprintf(&b, "> %s %s\n", req.Method, MaskURL(req.URL))
	for _, k := range sortedKeys(req.Header) {
		for _, v := range req.Header[k] {
			if t.masked[k] {
				v = Masked
			}
			fmt.Fprintf(&b, "> %s: %s\n", k, MaskHeader(k, v))
		}
	}
	if form, ok := requestForm(req); ok {
		fmt.Fprintf(&b, "> (form) %s\n", MaskForm(form))
	}
	t.write(&b)
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(100 * time.Microsecond)
	b.Reset()
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %s\n", elapsed, describeNetErr(err))
		t.write(&b)
		return nil, err
	}
	// The server chose the status text and headers: fold them to one line
	// without control characters, as for error messages.
	fmt.Fprintf(&b, "< %s %s (%s)\n", resp.Proto, text.OneLine(resp.Status, 80), elapsed)
	for _, k := range sortedKeys(resp.Header) {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "< %s: %s\n", text.OneLine(k, 80), text.OneLine(MaskHeader(k, v), 500))
		}
	}
	t.write(&b)
	return resp, nil
}
