package cmdutil

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseHTTPURL checks any value of a URL flag or variable: what it
// accepts is an http or https URL with a host; what it refuses is a usage
// error that never shows the value's password or query, which may hold a
// secret. Seeds are in testdata/fuzz/FuzzParseHTTPURL.
func FuzzParseHTTPURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseHTTPURL("--endpoint", raw, "http://127.0.0.1:4445")
		if err == nil {
			if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("accepted %q", raw)
			}
			return
		}
		if u != nil || ExitCodeOf(err) != ExitUsage {
			t.Fatalf("%q: %v, exit %d", raw, u, ExitCodeOf(err))
		}
		msg := err.Error()
		if p, perr := url.Parse(raw); perr == nil {
			if pw, ok := p.User.Password(); ok && len(pw) >= 4 && strings.Contains(msg, pw) {
				t.Fatalf("the message shows the password: %q", msg)
			}
			for _, vs := range p.Query() {
				for _, v := range vs {
					if len(v) >= 6 && strings.Contains(msg, v) && !strings.Contains("http://127.0.0.1:4445 --endpoint", v) {
						t.Fatalf("the message shows a query value %q: %q", v, msg)
					}
				}
			}
		}
	})
}
