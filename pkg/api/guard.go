package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

// Guard is an HTTP client for libraries that send requests and read the
// answers themselves, such as golang.org/x/oauth2 and go-oidc. Its transport
// reads every body, capped at MaxBodySize, before the library sees it, and
// fails every answer that is not a 2xx with JSON in it with an *Error, as Do
// does: the status, the RFC 6749 error fields and advice, never a whole page.
// Without it, go-oidc reads bodies without limit and quotes an error page
// whole in its messages, and x/oauth2 does not name the status of a 200
// that it cannot use.
//
// The library wraps the *Error in its own errors; errors.As finds it.
type Guard struct {
	// HTTP is c.HTTP with the guarding transport outermost, so that the
	// retries, headers and tracing of c.HTTP still apply inside it.
	HTTP *http.Client

	t *guardTransport
}

// Guard returns a Guard over c's HTTP client.
func (c *Client) Guard() *Guard {
	t := &guardTransport{c: c, next: c.HTTP.Transport}
	if t.next == nil {
		t.next = http.DefaultTransport
	}
	hc := *c.HTTP
	hc.Transport = t
	return &Guard{HTTP: &hc, t: t}
}

// Last returns the last successful answer with its body, or nil when there
// was none. Its Body is the server's JSON exactly as sent.
func (g *Guard) Last() *Response {
	g.t.mu.Lock()
	defer g.t.mu.Unlock()
	return g.t.last
}

type guardTransport struct {
	c    *Client
	next http.RoundTripper

	mu   sync.Mutex
	last *Response
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	raw, err := ReadBody(resp)
	resp.Body.Close()
	u := StripQuery(req.URL)
	if err != nil {
		return nil, &Error{Method: req.Method, URL: u, StatusCode: resp.StatusCode, Status: resp.Status, Description: err.Error()}
	}
	if resp.StatusCode/100 != 2 {
		return nil, t.c.advise(t.c.httpError(req, resp, raw))
	}
	r := &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: raw}
	if err := checkAnswer(req.Method, req.URL, r, AnswerJSON); err != nil {
		return nil, t.c.advise(scrubSecrets(err.(*Error), requestSecrets(req)))
	}
	t.mu.Lock()
	t.last = r
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp, nil
}

// LibraryError finds, in an error that a library returned for a request to
// u through a Guard, what failed: context.Canceled, the Guard's *Error, or a
// transport failure, which it makes a *ConnError with advice. It returns nil
// when err holds none of these, such as the library's own complaint about
// an answer that was JSON.
func (c *Client) LibraryError(err error, method string, u *url.URL) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return c.advise(c.connError(&http.Request{Method: method, URL: u}, ue.Err))
	}
	return nil
}

// TokenError turns an error from a golang.org/x/oauth2 token request to
// tokenURL into this package's typed errors. An *Error from a Guard is
// returned as it is; an *oauth2.RetrieveError becomes an *Error with the
// RFC 6749 §5.2 fields and Hydra's hint; a transport failure becomes a
// *ConnError with advice (LibraryError). last, the Guard's last successful
// answer, names the status of a 200 whose token response x/oauth2 refused,
// such as one without access_token.
func (c *Client) TokenError(err error, tokenURL *url.URL, last *Response) error {
	if err == nil {
		return nil
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, new(*Error)) && errors.As(err, &re) && re.Response != nil {
		req := re.Response.Request
		if req == nil {
			req = &http.Request{Method: http.MethodPost, URL: tokenURL}
		}
		e := c.httpError(req, re.Response, re.Body)
		// x/oauth2 also reads errors from form-encoded bodies, which
		// parseErrorBody does not.
		if ae, ok := e.(*Error); ok && ae.Code == "" && re.ErrorCode != "" {
			ae.Code, ae.Description, ae.Excerpt = re.ErrorCode, re.ErrorDescription, ""
		}
		return c.advise(e)
	}
	if e := c.LibraryError(err, http.MethodPost, tokenURL); e != nil {
		return e
	}
	// x/oauth2 prefixes its own messages, such as "server response
	// missing access_token"; keep the substance and name the request and,
	// when there was one, the answer.
	msg := strings.TrimPrefix(err.Error(), "oauth2: ")
	if msg == "server response missing access_token" {
		msg = `the token response has no "access_token"`
	}
	if last != nil {
		return BadBodyError(last, http.MethodPost, tokenURL, errors.New(msg))
	}
	return fmt.Errorf("%s %s: %s", http.MethodPost, StripQuery(tokenURL), msg)
}
