// Package api is the tool's typed HTTP layer over Hydra's public and admin
// APIs. Its functions take a context and return typed results, or an *Error
// (an HTTP answer that was not a success) or a *ConnError (no answer at all).
// It prints nothing.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hydratoken/hydra/pkg/text"
)

// Kind says which server an endpoint is: one of Hydra's two APIs, or a
// server that is not Hydra.
type Kind int

const (
	// Public is Hydra's public API, port 4444 by default: OAuth 2.0 and
	// OpenID Connect endpoints.
	Public Kind = iota
	// Admin is Hydra's admin API, port 4445 by default: clients,
	// introspection, login and consent.
	Admin
	// External is a server that is not Hydra, which a command must reach:
	// an issuer's key set, a CI system's ID token service. It gets none of the
	// user's extra headers and no bearer token meant for Hydra.
	External
)

func (k Kind) String() string {
	switch k {
	case Admin:
		return "admin"
	case External:
		return "external"
	}
	return "public"
}

// MaxBodySize caps every response body the tool reads, so that a hostile or
// broken server cannot exhaust memory.
const MaxBodySize = 16 << 20

// Client talks to one endpoint: one of Hydra's APIs, or a server that is
// not Hydra. The command layer builds every Client in one place
// (cmdutil's connection), which decides what it sends.
type Client struct {
	// HTTP is the client built by NewHTTPClient.
	HTTP *http.Client

	// Endpoint is the server: its URL, its target and where the URL came
	// from.
	Endpoint

	// BearerToken, when set, is sent as "Authorization: Bearer" on every
	// request, for admin APIs behind an authorizing proxy.
	BearerToken string

	// Advise, when set, fills in what to do about each failure this
	// client reports, from its Cause.
	Advise Adviser

	// Generation, when set, is the admin API's generation as
	// the user gives it. When it is not, the first admin request that
	// Hydra v1 would answer with a 404 detects it (see Server).
	Generation Generation

	detect detection
}

// WithHTTP returns a client of the same endpoint, credentials and advice
// that sends through hc instead, such as c's own HTTP client with a cookie
// jar.
func (c *Client) WithHTTP(hc *http.Client) *Client {
	return &Client{HTTP: hc, Endpoint: c.Endpoint, BearerToken: c.BearerToken, Generation: c.Generation, Advise: c.Advise}
}

// Response is a successful answer with its body read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// URL returns the absolute URL of path under BaseURL. Admin paths are
// spelled as in Hydra v2 and mapped to the server's generation here.
func (c *Client) URL(path string, query url.Values) *url.URL {
	return c.url(path, query, c.generation())
}

func (c *Client) url(path string, query url.Values, gen Generation) *url.URL {
	path, query = c.adminPath(path, query, gen)
	u := *c.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	} else {
		u.RawQuery = ""
	}
	return &u
}

// Request is one call for Do.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Form, when set, is sent as application/x-www-form-urlencoded.
	Form url.Values
	// JSON, when set, is sent as application/json.
	JSON []byte
	// Header adds request headers.
	Header http.Header
	// Retry marks the request as safe to repeat after a transient failure.
	Retry bool
	// OK lists extra statuses that count as success besides 2xx.
	OK []int
	// Answer is what a 2xx answer must be (the response rule); the zero
	// value expects no body for a DELETE, and JSON otherwise.
	Answer Answer
}

// Do sends r and reads the answer. A status outside 2xx (and r.OK) gives an
// *Error; no answer at all gives a *ConnError.
//
// An admin request that gets a 404 before the server's generation is known
// detects it; against Hydra v1, the request is sent again on v1's path. A
// 404 for a route means the server did nothing, so even a POST is safe to
// send again.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	gen := c.generation()
	resp, err := c.do(ctx, r, gen)
	if gen != V1 && c.needsDetection(r.Path, err) && c.Server(ctx).Generation == V1 {
		gen = V1
		resp, err = c.do(ctx, r, gen)
	}
	c.generationCause(err, r.Path, gen)
	return resp, c.advise(err)
}

// advise lets the Adviser fill in the advice of err, and returns err.
// Advised gives err, an error about one of c's answers that the caller
// judged itself (a flow that follows redirects by hand, with Send), the
// advice of c's target, as c's own errors get it: the one adviser. An
// *Error's Cause selects the advice.
func (c *Client) Advised(err error) error { return c.advise(err) }

func (c *Client) advise(err error) error {
	if err != nil && c.Advise != nil {
		c.Advise(c, err)
	}
	return err
}

func (c *Client) do(ctx context.Context, r Request, gen Generation) (*Response, error) {
	u := c.url(r.Path, r.Query, gen)
	var body io.Reader
	var contentType string
	switch {
	case r.Form != nil:
		body, contentType = strings.NewReader(r.Form.Encode()), "application/x-www-form-urlencoded"
	case r.JSON != nil:
		body, contentType = bytes.NewReader(r.JSON), "application/json"
	}
	if r.Retry {
		ctx = WithRetry(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building request for %s: %w", StripQuery(u), err)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.BearerToken != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.BearerToken)
	}
	resp, err := c.send(req, r.OK...)
	if err == nil && resp.StatusCode/100 == 2 {
		err = checkAnswer(req.Method, req.URL, resp, r.Answer)
		if err != nil {
			return nil, scrubSecrets(err.(*Error), requestSecrets(req))
		}
	}
	return resp, err
}

// Send sends a prepared request through c's HTTP client and reads the
// answer. Unlike Do, it leaves a 2xx answer for the caller to judge: it
// serves a flow that follows redirects by hand, where any 2xx is already
// a failure.
func (c *Client) Send(req *http.Request, ok ...int) (*Response, error) {
	resp, err := c.send(req, ok...)
	return resp, c.advise(err)
}

func (c *Client) send(req *http.Request, ok ...int) (*Response, error) {
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, c.connError(req, err)
	}
	defer resp.Body.Close()
	raw, err := ReadBody(resp)
	if err != nil {
		return nil, &Error{Method: req.Method, URL: StripQuery(req.URL), StatusCode: resp.StatusCode, Status: resp.Status,
			Description: err.Error()}
	}
	if resp.StatusCode/100 == 2 || slices.Contains(ok, resp.StatusCode) {
		return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: raw}, nil
	}
	return nil, c.httpError(req, resp, raw)
}

// ReadBody reads a response body up to MaxBodySize and fails beyond it.
func ReadBody(resp *http.Response) ([]byte, error) {
	var raw []byte
	var err error
	switch n := resp.ContentLength; {
	case n > MaxBodySize:
		return nil, fmt.Errorf("the response body is larger than %d MiB, more than any Hydra answer; refusing to read it", MaxBodySize>>20)
	case n > 0:
		// A known length, as the retry transport sets for the bodies it
		// buffered: one buffer of that size, rather than one grown twice
		// over (a body at the cap is 16 MiB).
		raw = make([]byte, n)
		_, err = io.ReadFull(resp.Body, raw)
	default:
		raw, err = io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the response body: %s", describeNetErr(err))
	}
	if len(raw) > MaxBodySize {
		return nil, fmt.Errorf("the response body is larger than %d MiB, more than any Hydra answer; refusing to read it", MaxBodySize>>20)
	}
	return raw, nil
}

func (c *Client) connError(req *http.Request, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	e := &ConnError{Method: req.Method, URL: StripQuery(req.URL), Err: err}
	switch {
	case e.IsTLS():
		e.Cause = CauseTLS
		var caErr *CAFileError
		if errors.As(err, &caErr) {
			e.CAFile = caErr.File
		}
	case isTimeout(err) || errors.Is(err, context.DeadlineExceeded):
		e.Cause = CauseTimeout
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Cause = CausePlainHTTPServer
	case viaProxy(req) != "":
		e.Cause, e.Proxy = CauseProxy, viaProxy(req)
	case isDialErr(err):
		e.Cause = CauseDial
	default:
		e.Cause = CauseBrokenExchange
	}
	return e
}

// isDialErr reports whether err happened before any connection was made:
// the name did not resolve, or nothing listened.
func isDialErr(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

// viaProxy names the proxy from the environment that req went through, if
// any, as NewHTTPClient's transport chose it.
func viaProxy(req *http.Request) string {
	u, err := http.ProxyFromEnvironment(req)
	if err != nil || u == nil {
		return ""
	}
	return MaskURL(u)
}

func (c *Client) httpError(req *http.Request, resp *http.Response, raw []byte) error {
	e := &Error{
		Method:     req.Method,
		URL:        StripQuery(req.URL),
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		RetryAfter: resp.Header.Get("Retry-After"),
	}
	parseErrorBody(e, raw)
	if resp.StatusCode == http.StatusNotFound && isHydraRoute404(e) {
		// Hydra's "no such route" is about the URL, not about a resource:
		// shown as an excerpt, so that no command reads it as, say, "no
		// client with ID".
		demoteToExcerpt(e)
	}
	isJSON := e.Code != "" || e.Description != ""
	prefixed := c.BaseURL != nil && strings.Trim(c.BaseURL.Path, "/") != ""
	switch {
	case resp.StatusCode/100 == 3:
		e.Location, e.LocationNote = location(resp)
		e.Cause = CauseRedirect
	case resp.StatusCode == http.StatusNotFound && prefixed && isHydraRoute404(e):
		e.Cause = CauseRoutePrefix
	case resp.StatusCode == http.StatusNotFound && prefixed && !isHydraNotFound(e):
		// Not Hydra's word on the resource: shown as an excerpt, so that
		// no command reads it as, say, "no client with ID".
		demoteToExcerpt(e)
		e.Cause = CauseGateway404
	case resp.StatusCode == http.StatusBadRequest && strings.Contains(e.Excerpt, "Client sent an HTTP request to an HTTPS server"):
		e.Cause = CauseHTTPSPort
	case resp.StatusCode == http.StatusUnauthorized && c.Kind == Admin && c.BearerToken != "":
		e.Cause = CauseTokenRefused
	case resp.StatusCode == http.StatusNotFound && !isJSON:
		e.Cause = CauseWrongAPI
	// Hydra's admin API asks for no credentials: a 401 or 403 comes from an
	// authorizing proxy such as Oathkeeper, whose answer may be JSON.
	case (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && c.Kind == Admin && c.BearerToken == "":
		e.Cause = CauseTokenNeeded
	}
	if w := resp.Header.Get("WWW-Authenticate"); w != "" && e.Cause == CauseNone && !isJSON {
		e.Advice = "The server asks for authentication: " + Excerpt([]byte(w), 120)
	}
	return scrubSecrets(e, requestSecrets(req))
}

// DecodeJSON decodes an answer's body into v, with an error that names the
// request and shows an excerpt when the body is not JSON of that shape.
func DecodeJSON(resp *Response, method string, u *url.URL, v any) error {
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return BadBodyError(resp, method, u, err)
	}
	return nil
}

func isSyntax(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF)
}

// location reads a redirect's target for a message, without its query. A
// Location that names no host where it names a scheme, as Hydra v2's
// answer to a Hydra v1 path does ("http:///admin/clients"), is shown as
// the path it names, with a note: printed as it is, it reads as a URL the
// tool could have followed.
func location(resp *http.Response) (loc, note string) {
	raw := resp.Header.Get("Location")
	if raw == "" {
		return "", ""
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", "the Location header is not a URL: " + strconv.Quote(text.OneLine(raw, 120))
	case u.Scheme != "" && u.Host == "":
		return u.Path, "its Location header names a scheme but no host"
	}
	if loc, err := resp.Location(); err == nil {
		return StripQuery(loc), ""
	}
	return StripQuery(u), ""
}
