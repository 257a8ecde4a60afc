package api

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"time"
)

// TransportOptions configures the HTTP client that every request of the tool
// goes through, token requests included.
type TransportOptions struct {
	// SkipTLSVerify turns certificate verification off. The command layer
	// warns about it on stderr.
	SkipTLSVerify bool

	// CACertFile names a PEM file of CA certificates to trust instead of
	// the system's, as curl and kubectl let a user choose: the narrower
	// trust a private Hydra deployment wants, and it
	// spares parsing the system store (about 8 ms) on every run.
	CACertFile string

	// Headers are added to every request. The client follows no redirect,
	// so they reach only the URLs the user named: the endpoint, a token or
	// JWKS URL, and the hosts of token user's headless flow.
	Headers http.Header

	// FakeTLSTermination adds "X-Forwarded-Proto: https", so that a Hydra
	// serving plain HTTP behind a TLS-terminating proxy in production mode
	// answers (Hydra v1's flag of the same name).
	FakeTLSTermination bool

	// Timeout bounds each request, from dialling to the end of the body.
	// Zero means no limit.
	Timeout time.Duration

	// Retries is how many times a request marked safe to repeat is retried
	// after a transient failure. See WithRetry. With FailAfter, a negative
	// Retries leaves the count unbounded: FailAfter alone ends the retries.
	Retries int

	// FailAfter, when positive, is what Hydra v1's flag of that name was: how long the
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
	// Without CACertFile, RootCAs stays nil: crypto/x509 then loads the
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
		// The values of the user's extra headers are masked whole: the
		// tool cannot tell a credential from a harmless value by the
		// header's name.
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
		// FailAfter, each attempt gets Timeout of its own, and the
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
