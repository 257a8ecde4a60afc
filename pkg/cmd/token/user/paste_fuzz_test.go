package user

import (
	"net/url"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/loopback"
)

// FuzzPastedParams reads any pasted line as the redirect URL the browser
// ended on: what it accepts is a URL on the redirect URL's path and port;
// what it refuses, it refuses without quoting the line, which may hold a
// code. Seeds are in testdata/fuzz/FuzzPastedParams.
func FuzzPastedParams(f *testing.F) {
	redirect, _ := url.Parse("http://127.0.0.1:4446/callback")
	f.Fuzz(func(t *testing.T, line string, fragment bool) {
		mode := ""
		if fragment {
			mode = loopback.ModeFragment
		}
		fl := &flow{opts: &Options{ResponseMode: mode, redirect: redirect}}
		params, err := fl.pastedParams(line)
		if err != nil {
			if params != nil {
				t.Fatal("parameters with an error")
			}
			if len(line) >= 8 && strings.Contains(err.Error(), line) && !strings.Contains(redirect.String(), line) {
				t.Fatalf("the error quotes the line: %q", err)
			}
			return
		}
		u, perr := url.Parse(line)
		if perr != nil || u.Path != redirect.Path || u.Port() != redirect.Port() {
			t.Fatalf("accepted %q", line)
		}
	})
}
