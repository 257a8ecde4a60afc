package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// The seed corpora live in testdata/fuzz/<target>/ and run with every
// "go test"; "make fuzz" explores beyond them. Add a file there, in the
// "go test fuzz v1" format, for each hostile answer met in the wild.

// checkMessage asserts what every error message built from a server's answer
// must hold: it names the status, is short, and carries no control character
// other than the newlines between its own lines.
func checkMessage(t *testing.T, msg string, status int) {
	t.Helper()
	if !strings.Contains(msg, strconv.Itoa(status)) {
		t.Errorf("message does not name status %d: %q", status, msg)
	}
	if n := strings.Count(msg, "\n"); n > 8 {
		t.Errorf("message has %d lines: %q", n+1, msg)
	}
	if len(msg) > 4000 {
		t.Errorf("message is %d bytes long", len(msg))
	}
	for _, r := range msg {
		if r != '\n' && unicode.IsControl(r) {
			t.Fatalf("message carries control character %U: %q", r, msg)
		}
	}
}

func FuzzParseIntrospection(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := ParseIntrospection(body)
		if err != nil {
			if in != nil {
				t.Fatal("a result with an error")
			}
			// The error must be usable in a message about a 200 answer.
			resp := &Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body}
			msg := BadBodyError(resp, http.MethodPost, &url.URL{Scheme: "http", Host: "h", Path: IntrospectPath}, err).Error()
			checkMessage(t, msg, http.StatusOK)
			return
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) != nil {
			t.Fatalf("accepted a body that is not a JSON object: %q", body)
		}
		if want := string(fields["active"]) == "true"; in.Active != want {
			t.Fatalf("Active = %v for %q", in.Active, body)
		}
		if !bytes.Equal(in.Raw, body) {
			t.Fatal("Raw is not the server's body")
		}
	})
}

func FuzzErrorBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte, wwwAuth, location, retryAfter string) {
		if status < 300 || status > 599 {
			return
		}
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:4445"+IntrospectPath+"?token=secret", nil)
		h := http.Header{}
		for k, v := range map[string]string{"Content-Type": ct, "WWW-Authenticate": wwwAuth, "Location": location, "Retry-After": retryAfter} {
			h[k] = []string{v}
		}
		resp := &http.Response{StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status), Header: h, Request: req}
		for _, kind := range []Kind{Admin, Public} {
			c := &Client{Endpoint: Endpoint{Kind: kind}}
			err := c.httpError(req, resp, body)
			msg := err.Error()
			checkMessage(t, msg, status)
			if strings.Contains(msg, "secret") && !bytes.Contains(body, []byte("secret")) && !strings.Contains(location+wwwAuth, "secret") {
				t.Fatalf("the request's query leaked into %q", msg)
			}
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("parseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}

// FuzzMaskURL checks that the secrets in a URL's query or user info, such
// as a Location header a server sends, never survive MaskURL, which -v
// uses: the masked URL must not depend on the secret's value at all.
func FuzzMaskURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, rawURL, secret string) {
		u, err := url.Parse(rawURL)
		if err != nil {
			return
		}
		with := func(v string) *url.URL {
			c := *u
			q := c.Query()
			q.Set("code", v)
			q.Add("Access_Token", v)
			c.RawQuery = q.Encode()
			c.User = url.UserPassword("user", v)
			return &c
		}
		a, b := with(secret), with("other-value")
		if MaskURL(a) != MaskURL(b) {
			t.Fatalf("MaskURL depends on the secret: %q vs %q", MaskURL(a), MaskURL(b))
		}
		if MaskHeader("Location", a.String()) != MaskHeader("Location", b.String()) {
			t.Fatalf("MaskHeader(Location) depends on the secret: %q", MaskHeader("Location", a.String()))
		}
	})
}
