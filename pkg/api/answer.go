package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/hydratoken/hydra/pkg/text"
)

// Answer is what a successful answer to a request must be, as its endpoint
// documents it. It is the response rule, the one place that decides
// whether a 2xx counts: a proxy's login page or a misrouted ingress answers
// 200 to anything, and a command that took any 2xx as done would report
// work that never happened.
type Answer int

const (
	// AnswerDefault is AnswerEmpty for a DELETE, and AnswerJSON for every
	// other method.
	AnswerDefault Answer = iota
	// AnswerJSON is a JSON body (see checkAnswer for the content types
	// taken as JSON).
	AnswerJSON
	// AnswerEmpty is no body at all, as Hydra's 204 to a deletion and
	// RFC 7009's 200 to a revocation have.
	AnswerEmpty
	// AnswerJSONOrJWT is a JSON body, or a signed JWT (application/jwt),
	// as a userinfo endpoint may answer (OpenID Connect Core §5.3.2).
	AnswerJSONOrJWT
)

func (a Answer) resolve(method string) Answer {
	if a != AnswerDefault {
		return a
	}
	if method == http.MethodDelete {
		return AnswerEmpty
	}
	return AnswerJSON
}

// checkAnswer applies the response rule to a 2xx answer: it returns nil
// when the answer is what the endpoint documents, and otherwise an *Error
// naming what came back (status, content type, a short sanitised excerpt)
// and the URL, whose Cause is CauseUnexpectedBody.
//
// A JSON answer must parse, and its Content-Type must be JSON
// (application/json or a +json type), text/plain or absent: Go's content
// sniffing and the hosts that serve a key set as a file label JSON
// text/plain, but no JSON document is labelled text/html.
func checkAnswer(method string, u *url.URL, resp *Response, a Answer) error {
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	switch a.resolve(method) {
	case AnswerEmpty:
		if len(resp.Body) == 0 {
			return nil
		}
		return unexpectedBody(resp, method, u, "the answer has a body, where this endpoint answers with none")
	case AnswerJSONOrJWT:
		if mt == "application/jwt" {
			return nil
		}
	}
	if len(resp.Body) == 0 {
		return unexpectedBody(resp, method, u, "the body is empty, where this endpoint answers with JSON")
	}
	if !json.Valid(resp.Body) {
		var v any
		return BadBodyError(resp, method, u, json.Unmarshal(resp.Body, &v))
	}
	if !isJSONType(mt) {
		return unexpectedBody(resp, method, u, "its Content-Type is not JSON")
	}
	return nil
}

// isJSONType reports whether a media type may label a JSON document.
func isJSONType(mt string) bool {
	return mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/plain"
}

// unexpectedBody reports a success status whose body is not what the
// endpoint documents: what came back, and where.
func unexpectedBody(resp *Response, method string, u *url.URL, what string) error {
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	msg := fmt.Sprintf("%s %s: %s, but %s", method, StripQuery(u), status, what)
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		msg += fmt.Sprintf(" (Content-Type: %s)", text.OneLine(ct, 80))
	}
	if ex := Excerpt(resp.Body, 120); ex != "" {
		msg += fmt.Sprintf(": %q", ex)
	}
	return &Error{Method: method, URL: StripQuery(u), StatusCode: resp.StatusCode, Status: status, Description: msg, raw: true,
		Cause: CauseUnexpectedBody}
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
	return &Error{Method: method, URL: StripQuery(u), StatusCode: resp.StatusCode, Status: status, Description: msg, raw: true,
		Cause: CauseUnexpectedBody}
}
