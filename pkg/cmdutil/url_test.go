package cmdutil

import (
	"strings"
	"testing"
)

func TestParseHTTPURL(t *testing.T) {
	const example = "http://127.0.0.1:4445"
	for _, tc := range []struct {
		raw     string
		want    []string
		notWant string
	}{
		// No scheme: say so, show the value, and the likely fix.
		{"127.0.0.1:4445", []string{`invalid --endpoint "127.0.0.1:4445": it has no scheme; did you mean "http://127.0.0.1:4445"?`}, ""},
		{"localhost:4445/admin", []string{`it has no scheme; did you mean "http://localhost:4445/admin"?`}, ""},
		{"[::1]:4445", []string{`did you mean "http://[::1]:4445"?`}, ""},
		{"ftp://x", []string{`invalid --endpoint "ftp://x": the scheme must be http or https; want a URL such as ` + example}, ""},
		{"http://", []string{"it names no host"}, ""},
		// A bare word may be a secret pasted into the wrong flag.
		{"ory_at_s3cretvalue", []string{"(the value is not shown)", "it is not a URL"}, "s3cret"},
		{"user:s3cretvalue@host:4445", []string{"invalid --endpoint"}, "s3cret"},
		{"host:4445?token=s3cretvalue", []string{"invalid --endpoint"}, "s3cret"},
	} {
		_, err := ParseHTTPURL("--endpoint", tc.raw, example)
		if err == nil || ExitCodeOf(err) != ExitUsage {
			t.Errorf("%q: err = %v, want a usage error", tc.raw, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q should contain %q", tc.raw, err, w)
			}
		}
		if tc.notWant != "" && strings.Contains(err.Error(), tc.notWant) {
			t.Errorf("%q: %q shows the secret", tc.raw, err)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:4445", "https://hydra.example.com/admin/"} {
		if _, err := ParseHTTPURL("--endpoint", ok, example); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
