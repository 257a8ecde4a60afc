package api

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/hydratoken/hydra/pkg/text"
)

// Error is a non-success HTTP answer from the server. It carries the HTTP
// status and, where the body had them, the RFC 6749 §5.2 error fields and
// Hydra's error_hint.
type Error struct {
	// Method and URL name the request that failed. URL never carries a
	// query string, so that no token or code ends up in a message.
	Method string
	URL    string

	// StatusCode and Status are the HTTP status, such as 404 and
	// "404 Not Found".
	StatusCode int
	Status     string

	// Code, Description, Hint and Debug are the "error",
	// "error_description", "error_hint" and "error_debug" fields of a JSON
	// error body, when the body had them.
	Code        string
	Description string
	Hint        string
	Debug       string

	// Excerpt is the start of a body that was not a JSON error, cut to a
	// line or two and stripped of markup, so that an HTML error page never
	// floods a terminal.
	Excerpt string

	// Location is where a redirect pointed, without its query.
	Location string
	// LocationNote says what is wrong with a Location that cannot be
	// used, such as one that names no host.
	LocationNote string

	// RetryAfter is the server's Retry-After header, if any.
	RetryAfter string

	// Cause is why the request failed, as far as the answer tells, for
	// the command layer's advice.
	Cause Cause

	// Advice is a sentence telling the user what to try, when the cause
	// can be guessed.
	Advice string

	// raw marks an Error whose Description is the whole message.
	raw bool
}

func (e *Error) Error() string {
	if e.raw {
		if e.Advice != "" {
			return e.Description + "\n" + e.Advice
		}
		return e.Description
	}
	// Every field but Advice comes from the server: each is folded to one
	// line, cut, and stripped of control characters, so that a hostile
	// answer can neither flood the terminal nor send it escape sequences.
	var b strings.Builder
	status := e.Status
	if code := strconv.Itoa(e.StatusCode); e.StatusCode != 0 && !strings.HasPrefix(status, code) {
		// A transport other than net/http's may leave the code out.
		status = strings.TrimSpace(code + " " + status)
	}
	fmt.Fprintf(&b, "%s %s: %s", e.Method, e.URL, text.OneLine(status, 80))
	code, desc, hint := text.OneLine(e.Code, 100), text.OneLine(e.Description, 500), text.OneLine(e.Hint, 500)
	switch {
	case code != "" && desc != "":
		fmt.Fprintf(&b, ": %s: %s", code, desc)
	case code != "":
		fmt.Fprintf(&b, ": %s", code)
	case desc != "":
		fmt.Fprintf(&b, ": %s", desc)
	case e.Excerpt != "":
		fmt.Fprintf(&b, ": %q", text.OneLine(e.Excerpt, 200))
	}
	if hint != "" && !strings.Contains(desc, hint) {
		fmt.Fprintf(&b, "\nhint: %s", hint)
	}
	switch {
	case e.Location != "" && e.LocationNote != "":
		fmt.Fprintf(&b, "\nthe server redirected to %s (%s), which this tool does not follow", text.OneLine(e.Location, 300), text.OneLine(e.LocationNote, 300))
	case e.Location != "":
		fmt.Fprintf(&b, "\nthe server redirected to %s, which this tool does not follow", text.OneLine(e.Location, 300))
	case e.LocationNote != "":
		fmt.Fprintf(&b, "\nthe server redirected, but %s", text.OneLine(e.LocationNote, 300))
	}
	if e.RetryAfter != "" {
		fmt.Fprintf(&b, "\nthe server asked to retry %s", retryAfterPhrase(e.RetryAfter))
	}
	if e.Advice != "" {
		fmt.Fprintf(&b, "\n%s", e.Advice)
	}
	return b.String()
}

// retryAfterPhrase words a Retry-After value, seconds or an HTTP date
// (RFC 9110 §10.2.3), with its unit: "after 30 seconds", "now", "at Wed,
// 21 Oct 2015 07:28:00 GMT".
func retryAfterPhrase(v string) string {
	v = strings.TrimSpace(v)
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		switch secs {
		case 0:
			return "at once (Retry-After: 0)"
		case 1:
			return "after 1 second"
		}
		return fmt.Sprintf("after %d seconds", secs)
	}
	if _, err := http.ParseTime(v); err == nil {
		return "at " + v
	}
	return "after " + strconv.Quote(text.OneLine(v, 60))
}

// errorBody is the JSON error shape shared by fosite (RFC 6749 §5.2 plus
// error_hint) and Hydra's admin API.
type errorBody struct {
	Error       json.RawMessage `json:"error"`
	Description string          `json:"error_description"`
	Hint        string          `json:"error_hint"`
	Debug       string          `json:"error_debug"`
	// Ory's herodot sometimes nests the error: {"error":{"message":...}}.
	Message string `json:"message"`
}

type nestedError struct {
	Message string `json:"message"`
	Reason  string `json:"reason"`
	Status  string `json:"status"`
	Debug   string `json:"debug"`
}

// parseErrorBody fills e from body, which may be a JSON error, some other
// JSON, HTML or text.
func parseErrorBody(e *Error, body []byte) {
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && len(eb.Error) > 0 {
		var s string
		var nested nestedError
		switch {
		case json.Unmarshal(eb.Error, &s) == nil:
			e.Code, e.Description, e.Hint, e.Debug = s, eb.Description, eb.Hint, eb.Debug
			return
		case json.Unmarshal(eb.Error, &nested) == nil && (nested.Message != "" || nested.Reason != ""):
			e.Code, e.Description, e.Debug = nested.Message, nested.Reason, nested.Debug
			return
		}
	}
	e.Excerpt = Excerpt(body, 160)
}

// Excerpt returns the start of body as one line of at most max runes, with
// HTML tags removed and white space folded.
func Excerpt(body []byte, max int) string {
	// The excerpt is a line or two: the start of a 16 MiB body is enough.
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	s := dropBlocks(string(body), "style", "script")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	// Drop markup: keep what a person would read on the page.
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
		if b.Len() > max*8 {
			break
		}
	}
	return text.OneLine(b.String(), max)
}

// dropBlocks removes the content of the named HTML elements, such as the CSS
// of an error page, which a person does not read.
func dropBlocks(s string, names ...string) string {
	for _, name := range names {
		for {
			lower := strings.ToLower(s)
			start := strings.Index(lower, "<"+name)
			if start < 0 {
				break
			}
			end := strings.Index(lower[start:], "</"+name)
			if end < 0 {
				s = s[:start]
				break
			}
			rest := s[start+end:]
			if gt := strings.IndexByte(rest, '>'); gt >= 0 {
				rest = rest[gt+1:]
			} else {
				rest = ""
			}
			s = s[:start] + " " + rest
		}
	}
	return s
}

// ConnError is a failure to get any HTTP answer: the connection was refused,
// the name did not resolve, TLS failed, or the wait timed out.
type ConnError struct {
	Method string
	URL    string
	Err    error
	// Cause is why no answer came, for the command layer's advice.
	Cause Cause
	// CAFile, with CauseTLS, names the file of the only CAs trusted.
	CAFile string
	// Proxy, with CauseProxy, is the proxy the request went through,
	// masked.
	Proxy string
	// Advice tells the user what to try.
	Advice string
}

func (e *ConnError) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.Method, e.URL, describeNetErr(e.Err))
	if e.Advice != "" {
		msg += "\n" + e.Advice
	}
	return msg
}

func (e *ConnError) Unwrap() error { return e.Err }

// IsTLS reports whether the connection failed on certificate verification.
func (e *ConnError) IsTLS() bool { return isTLSError(e.Err) }

func isTLSError(err error) bool {
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	return errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &certInvalid) || errors.As(err, &verifyErr) || errors.As(err, &recordErr)
}

// isProxyErr reports whether err happened talking to the HTTP(S)_PROXY
// rather than to the server.
func isProxyErr(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "proxyconnect"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// describeNetErr turns Go's nested network errors into a short phrase.
func describeNetErr(err error) string {
	var dnsErr *net.DNSError
	var recordErr tls.RecordHeaderError
	if isProxyErr(err) {
		var opErr *net.OpError
		errors.As(err, &opErr)
		if opErr.Err != nil && !isProxyErr(opErr.Err) {
			return "the proxy failed: " + describeNetErr(opErr.Err)
		}
		return "the proxy failed"
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS handshake failed: the server speaks plain HTTP on this port; use an http:// URL"
	case isTLSError(err):
		return "TLS certificate verification failed: " + innermost(err)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve host %q", dnsErr.Name)
	case isTimeout(err):
		return "timed out waiting for the server"
	}
	return innermost(err)
}

// innermost returns the message of the deepest wrapped error, skipping the
// *url.Error and *net.OpError layers that repeat the method and address.
func innermost(err error) string {
	for {
		switch e := err.(type) {
		case *url.Error:
			err = e.Err
			continue
		case *net.OpError:
			err = e.Err
			continue
		}
		return err.Error()
	}
}

// isHydraRoute404 reports whether a 404 is Hydra's own answer for a path it
// has no route for: the admin API says "route does not exist" in JSON, or
// "Route not found" in an HTML page; the public API answers Go's plain
// "404 page not found".
func isHydraRoute404(e *Error) bool {
	s := e.Code + " " + e.Description + " " + e.Excerpt
	return strings.Contains(s, "route does not exist") || strings.Contains(s, "Route not found") ||
		strings.TrimSpace(e.Excerpt) == "404 page not found"
}

// demoteToExcerpt moves a JSON error's fields into the excerpt: the answer
// is shown, but not read as the server's word on a resource.
func demoteToExcerpt(e *Error) {
	if e.Code == "" && e.Description == "" {
		return
	}
	var parts []string
	for _, p := range []string{e.Code, e.Description} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	e.Excerpt = strings.Join(parts, ": ")
	e.Code, e.Description, e.Hint, e.Debug = "", "", "", ""
}

// isHydraNotFound reports whether a 404 is Hydra's answer about a missing
// resource, such as a client: "Unable to locate the resource" in both
// generations, or herodot's "could not be found".
func isHydraNotFound(e *Error) bool {
	s := e.Code + " " + e.Description
	return strings.Contains(s, "Unable to locate the resource") || strings.Contains(s, "could not be found")
}

// UncertainError is the failure of a request that is not safe to repeat,
// whose connection broke after the request was sent: the server may or
// may not have done the work. It is not a *ConnError, since the server was
// reached: a batch may go on with the next item.
type UncertainError struct {
	Method, URL string
	// Err is the network error.
	Err error
	// What says what may or may not have happened, and what to do.
	What string
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("%s %s: the answer was lost (%s): %s", e.Method, e.URL, describeNetErr(e.Err), e.What)
}

func (e *UncertainError) Unwrap() error { return e.Err }

// uncertainCreate turns the loss of a create's answer into an
// *UncertainError: the connection broke, or the wait timed out, after the
// request may have gone out. A connection that was never made (to the
// server or through the proxy), or a certificate refused, sent nothing:
// that error stays as it is.
func uncertainCreate(err error) error {
	var ce *ConnError
	if !errors.As(err, &ce) || isDialErr(ce.Err) || isProxyErr(ce.Err) || isTLSError(ce.Err) ||
		!(transientErr(ce.Err) || isTimeout(ce.Err)) {
		return err
	}
	what := "the server may have created this client, under an ID it chose: look for it with 'hydra client list' before creating it again"
	if ce.Advice != "" && isTimeout(ce.Err) {
		what += "\n" + ce.Advice
	}
	return &UncertainError{Method: ce.Method, URL: ce.URL, Err: ce.Err, What: what}
}
