package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/iostreams"
)

// ttyFactory is a Factory whose stdin is a terminal: ReadPassword returns
// typed, and stdin's buffer must stay unread.
func ttyFactory(typed string) (f *Factory, stdout, stderr interface{ String() string }, echoed *bool) {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString("not to be read\n")
	ios.SetStdinTTY(true)
	called := false
	ios.SetReadPassword(func() ([]byte, error) {
		called = true
		return []byte(typed), nil
	})
	return &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}, out, errOut, &called
}

// A secret read from "-" on a terminal is prompted for on stderr and read
// without echo; nothing goes to stdout (issue 11, point 7).
func TestSecretFromTerminalIsPromptedWithoutEcho(t *testing.T) {
	f, stdout, stderr, called := ttyFactory("typed-secret  ")
	s := &Secret{Flag: "client-secret", File: "-"}
	got, src, err := s.Resolve(f, false)
	if err != nil || got != "typed-secret" || src != SourceFile {
		t.Fatalf("got %q, %v, %v", got, src, err)
	}
	if !*called {
		t.Error("the secret was not read through ReadPassword (without echo)")
	}
	if stdout.String() != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if want := "Enter the client secret (input is hidden): \n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestTokenArgFromTerminalIsPromptedWithoutEcho(t *testing.T) {
	f, stdout, stderr, called := ttyFactory(" tok-from-terminal\r")
	got, err := ReadTokenArg(f, "-", "refresh token")
	if err != nil || got != "tok-from-terminal" || !*called {
		t.Fatalf("got %q, %v (read without echo: %v)", got, err, *called)
	}
	if stdout.String() != "" || !strings.HasPrefix(stderr.String(), "Enter the refresh token (input is hidden): ") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

// A pipe is read as before, with no prompt.
func TestSecretFromPipeIsNotPrompted(t *testing.T) {
	ios, in, _, errOut := iostreams.Test()
	in.WriteString("piped\n")
	ios.SetReadPassword(func() ([]byte, error) { return nil, errors.New("must not be called") })
	f := &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	got, err := ReadTokenArg(f, "-", "token")
	if err != nil || got != "piped" || errOut.Len() != 0 {
		t.Errorf("got %q, %v, stderr %q", got, err, errOut)
	}
}

// White space around a token argument is trimmed; inside it, the token is
// refused, with a hint for an Authorization scheme (issue 11).
func TestCleanToken(t *testing.T) {
	for _, tc := range []struct{ in, want, wantErr string }{
		{"  ory_at_abc.def \t", "ory_at_abc.def", ""},
		{"Bearer ory_at_abc", "", `the token starts with "Bearer ": give the token alone, without the Bearer prefix`},
		{"bearer  ory_at_abc", "", `starts with "bearer "`},
		{"ory_at_a ory_at_b", "", "holds white space"},
		{" \n", "", "the token is empty"},
	} {
		got, err := CleanToken(tc.in, "token")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || ExitCodeOf(err) != ExitUsage || strings.Contains(err.Error(), "ory_at") {
				t.Errorf("%q: err = %v, want a usage error with %q that does not show the token", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v", tc.in, got, err)
		}
	}
}
