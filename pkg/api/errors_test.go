package api

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	cases := []struct{ in, want string }{
		{"404 page not found\n", "404 page not found"},
		{"<html><head><title>502 Bad Gateway</title><style>body { color: red }</style><script>var x = 1;</script></head>" +
			"<body><h1>Bad   Gateway</h1>\n<p>nginx</p></body></html>", "502 Bad Gateway Bad Gateway nginx"},
		{"<STYLE type=text/css>p{}</STYLE>text", "text"},
		{"before<script>never closed", "before"},
		{"a\x1b[2Jb\x00c", "a [2Jb c"},
		{"bad \xff utf-8", "bad ? utf-8"},
	}
	for _, tc := range cases {
		if got := Excerpt([]byte(tc.in), 160); got != tc.want {
			t.Errorf("Excerpt(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := Excerpt([]byte(strings.Repeat("word ", 1000)), 20)
	if len([]rune(long)) != 21 || !strings.HasSuffix(long, "…") {
		t.Errorf("a long body gives %q, want 20 runes and an ellipsis", long)
	}
}

// Server-supplied fields cannot add lines or escape sequences to a message.
func TestErrorMessageIsBounded(t *testing.T) {
	e := &Error{Method: "POST", URL: "http://h/x", StatusCode: 400, Status: "400 Bad\x1b[31m Request",
		Code: "invalid\nrequest", Description: strings.Repeat("line\n", 1000), Hint: "\x07hint", RetryAfter: "5\r\nX: y"}
	msg := e.Error()
	if strings.ContainsAny(msg, "\x1b\x07\r") {
		t.Errorf("control characters in %q", msg)
	}
	if n := strings.Count(msg, "\n"); n != 2 {
		t.Errorf("%d newlines in %q, want 2 (hint and retry lines)", n, msg)
	}
	if len(msg) > 1000 {
		t.Errorf("message is %d bytes", len(msg))
	}
}

// A Retry-After is worded with its unit (issue 11: "retry after 0" said
// nothing).
func TestErrorRetryAfterHasAUnit(t *testing.T) {
	for v, want := range map[string]string{
		"0":                             "the server asked to retry at once (Retry-After: 0)",
		"1":                             "the server asked to retry after 1 second",
		"120":                           "the server asked to retry after 120 seconds",
		"Wed, 21 Oct 2015 07:28:00 GMT": "the server asked to retry at Wed, 21 Oct 2015 07:28:00 GMT",
		"soon\x1b[2J":                   `the server asked to retry after "soon [2J"`,
	} {
		e := &Error{Method: "POST", URL: "http://h/x", StatusCode: 503, Status: "503 Service Unavailable", RetryAfter: v}
		if got := e.Error(); !strings.Contains(got, want) {
			t.Errorf("Retry-After %q: %q does not contain %q", v, got, want)
		}
	}
}
