package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/iostreams"
)

func pipeFactory(stdin string) *Factory {
	ios, in, _, _ := iostreams.Test()
	in.WriteString(stdin)
	return &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
}

func TestCheckToken(t *testing.T) {
	for _, tt := range []struct{ tok, want string }{
		{"abc.def", ""},
		{"Bearer abc", "without the Bearer prefix"},
		{"bearer\tabc", "without the Bearer prefix"},
		{"abc def", "white space inside it"},
	} {
		err := CheckToken(tt.tok, "the token")
		var fe *FlagError
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.tok, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &fe) || strings.Contains(err.Error(), "abc") {
			t.Errorf("%q: err = %v, want a usage error with %q that does not quote the token", tt.tok, err, tt.want)
		}
	}
}

// A command that takes one token takes exactly one: from stdin, one
// non-blank line.
func TestReadTokenArg(t *testing.T) {
	for _, tt := range []struct{ arg, stdin, want, wantErr string }{
		{"  tok \n", "", "tok", ""},
		{"Bearer tok", "", "", "Bearer"},
		{"", "", "", "the refresh token is empty"},
		{"-", "\n tok \r\n\n", "tok", ""},
		{"-", "a\nb\n", "", "more than one line"},
		{"-", "\n\n", "", "stdin holds no token"},
		{"-", "a b\n", "", "white space inside"},
	} {
		got, err := ReadTokenArg(pipeFactory(tt.stdin), tt.arg, "refresh token")
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ExitCodeOf(err) != ExitUsage {
				t.Errorf("%q/%q: err = %v, want a usage error with %q", tt.arg, tt.stdin, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q/%q: got %q, %v", tt.arg, tt.stdin, got, err)
		}
	}
}

func TestTokenList(t *testing.T) {
	f := pipeFactory("one\n\n two \nBearer three\n" + strings.Repeat("x", 1<<20+1) + "\nfour\n")
	var got []string
	for item := range TokenList(f, []string{"zero", "-", " "}) {
		s := item.Token
		if item.Err != nil {
			s = "error: " + item.Err.Error()
		}
		got = append(got, s)
	}
	want := []string{
		"zero", "one", "two",
		`error: the token starts with "Bearer ": give the token alone, without the Bearer prefix of an Authorization header`,
		"error: line 5: longer than 1024 KiB, more than any token; skipped",
		"four",
		"error: the token is empty",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Tokens typed on a terminal are read one a prompt, without echo, until an
// empty line.
func TestTokenListFromTerminal(t *testing.T) {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString("not to be read\n")
	ios.SetStdinTTY(true)
	typed := []string{" a ", "b", ""}
	ios.SetReadPassword(func() ([]byte, error) {
		v := typed[0]
		typed = typed[1:]
		return []byte(v), nil
	})
	f := &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got []string
	for item := range TokenList(f, []string{"-"}) {
		got = append(got, item.Token)
	}
	if strings.Join(got, ",") != "a,b" || out.Len() != 0 || !strings.Contains(errOut.String(), "Token 2 (input is hidden") {
		t.Errorf("got %q, stdout %q, stderr %q", got, out, errOut)
	}
}
