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
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/text"
)

// Kind says which of Hydra's two APIs an endpoint is.
type Kind int

const (
	// Public is Hydra's public API, port 4444 by default: OAuth 2.0 and
	// OpenID Connect endpoints.
	Public Kind = iota
	// Admin is Hydra's admin API, port 4445 by default: clients,
	// introspection, login and consent.
	Admin
)

func (k Kind) String() string {
	if k == Admin {
		return "admin"
	}
	return "public"
}

// MaxBodySize caps every response body the tool reads, so that a hostile or
// broken server cannot exhaust memory.
const MaxBodySize = 16 << 20

// Client talks to one Hydra API.
type Client struct {
	// HTTP is the client built by NewHTTPClient.
	HTTP *http.Client

	// BaseURL is the API's root, such as http://127.0.0.1:4445.
	BaseURL *url.URL

	// Kind is which API BaseURL is, used to explain a 404 that comes from
	// the other one.
	Kind Kind

	// BearerToken, when set, is sent as "Authorization: Bearer" on every
	// request, for admin APIs behind an authorizing proxy.
	BearerToken string

	// EndpointSource names where BaseURL can be set, such as
	// "--endpoint or HYDRA_ADMIN_URL", for advice in error messages.
	EndpointSource string

	// Timeout is the per-request limit, named in timeout messages.
	Timeout time.Duration

	// Generation, when set, is the admin API's generation as
	// --api-version gives it. When it is not, the first admin request that
	// Hydra v1 would answer with a 404 detects it (see Server).
	Generation Generation

	detect detection
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
	c.generationAdvice(err, r.Path, gen)
	return resp, err
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
	return c.Send(req, r.OK...)
}

// Send sends a prepared request through c's HTTP client and reads the
// answer, as Do does.
func (c *Client) Send(req *http.Request, ok ...int) (*Response, error) {
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
		var caErr *CAFileError
		if errors.As(err, &caErr) {
			e.Advice = fmt.Sprintf("Only the CAs in --ca-cert %s are trusted, not the system's, and none of them signed the server's certificate: pass the file of the CA that did, or leave out --ca-cert to trust the system's CAs; to skip verification (insecure), pass --skip-tls-verify.", caErr.File)
		} else {
			e.Advice = "To trust the server's certificate authority, pass --ca-cert FILE; to skip verification (insecure), pass --skip-tls-verify."
		}
	case isTimeout(err) || errors.Is(err, context.DeadlineExceeded):
		if c.Timeout > 0 {
			e.Advice = fmt.Sprintf("No answer within --timeout %s. Check that the endpoint is right, or raise --timeout.", c.Timeout)
		}
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// The message already says to use http://.
	case viaProxy(req) != "":
		e.Advice = fmt.Sprintf("The request went through the proxy %s, set by HTTPS_PROXY or HTTP_PROXY (NO_PROXY lists hosts that skip it): check that proxy, or the endpoint.", viaProxy(req))
	case isDialErr(err):
		e.Advice = fmt.Sprintf("Is Hydra's %s API listening there? Set the URL with %s.", c.Kind, c.source())
	default:
		// Connected, but the exchange broke: a wrong server or a bad proxy.
		e.Advice = fmt.Sprintf("The server took the connection but the exchange failed: check that %s names Hydra's %s API.", c.source(), c.Kind)
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

func (c *Client) source() string {
	if c.EndpointSource == "" {
		return "--endpoint"
	}
	return c.EndpointSource
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
	switch {
	case resp.StatusCode/100 == 3:
		if loc, err := resp.Location(); err == nil {
			e.Location = StripQuery(loc)
		} else if l := resp.Header.Get("Location"); l != "" {
			e.Location = l
		}
		e.Advice = fmt.Sprintf("An API endpoint should not redirect. Hydra v2 redirects Hydra v1 paths, and a proxy may redirect http to https: check the URL given with %s.", c.source())
	case resp.StatusCode == http.StatusNotFound && c.BaseURL != nil && strings.Trim(c.BaseURL.Path, "/") != "" && isHydraRoute404(e):
		e.Advice = fmt.Sprintf("The endpoint URL has a path, %s, and this tool adds Hydra's own paths to it. Hydra serves both APIs at the root of their ports: drop the path from the URL given with %s.", c.BaseURL.Path, c.source())
	case resp.StatusCode == http.StatusNotFound && c.BaseURL != nil && strings.Trim(c.BaseURL.Path, "/") != "" && !isHydraNotFound(e):
		gatewayNotFound(e, c.BaseURL, c.Kind, c.source())
	case resp.StatusCode == http.StatusBadRequest && strings.Contains(e.Excerpt, "Client sent an HTTP request to an HTTPS server"):
		e.Advice = fmt.Sprintf("The server speaks HTTPS on this port: use an https:// URL with %s.", c.source())
	case resp.StatusCode == http.StatusUnauthorized && c.Kind == Admin && c.BearerToken != "":
		e.Advice = "The admin API, or an authorizing proxy in front of it, refused the access token given with --access-token, --access-token-file or OAUTH2_ACCESS_TOKEN."
	case resp.StatusCode == http.StatusNotFound && !isJSON:
		if c.Kind == Admin {
			e.Advice = fmt.Sprintf("This path is on Hydra's admin API, and the server does not know it: %s may point at the public API. Hydra's admin API listens on port 4445 by default, the public API on 4444.", c.source())
		} else {
			e.Advice = fmt.Sprintf("This path is on Hydra's public API, and the server does not know it: %s may point at the admin API or another server. Hydra's public API listens on port 4444 by default, the admin API on 4445.", c.source())
		}
	// Hydra's admin API asks for no credentials: a 401 or 403 comes from an
	// authorizing proxy such as Oathkeeper, whose answer may be JSON.
	case (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && c.Kind == Admin && c.BearerToken == "":
		e.Advice = "The admin API may sit behind an authorizing proxy: pass a token with --access-token, --access-token-file or OAUTH2_ACCESS_TOKEN."
	}
	if w := resp.Header.Get("WWW-Authenticate"); w != "" && e.Advice == "" && !isJSON {
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

// BadBodyError reports a success status whose body could not be used.
func BadBodyError(resp *Response, method string, u *url.URL, cause error) error {
	what := "the body is not valid JSON"
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(cause, &typeErr):
		what = fmt.Sprintf("field %q has a JSON %s where %s was expected", typeErr.Field, typeErr.Value, typeErr.Type)
	case cause != nil && !isSyntax(cause):
		what = cause.Error()
	}
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	ct := resp.Header.Get("Content-Type")
	msg := fmt.Sprintf("%s %s: %s, but %s", method, StripQuery(u), status, what)
	if ct != "" && !strings.Contains(ct, "json") {
		msg += fmt.Sprintf(" (Content-Type: %s)", text.OneLine(ct, 80))
	}
	if ex := Excerpt(resp.Body, 120); ex != "" && isSyntax(cause) {
		msg += fmt.Sprintf(": %q", ex)
	}
	return &Error{Method: method, URL: StripQuery(u), StatusCode: resp.StatusCode, Status: status, Description: msg, raw: true}
}

func isSyntax(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF)
}
