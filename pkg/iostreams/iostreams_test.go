package iostreams

import (
	"io"
	"strings"
	"testing"
)

func TestColorWanted(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		tty  bool
		want bool
	}{
		{"terminal", nil, true, true},
		{"pipe", nil, false, false},
		{"NO_COLOR on a terminal", map[string]string{"NO_COLOR": "1"}, true, false},
		{"NO_COLOR beats CLICOLOR_FORCE", map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, true, false},
		{"CLICOLOR=0 on a terminal", map[string]string{"CLICOLOR": "0"}, true, false},
		{"CLICOLOR_FORCE on a pipe", map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{"CLICOLOR_FORCE=0 on a pipe", map[string]string{"CLICOLOR_FORCE": "0"}, false, false},
		{"dumb terminal", map[string]string{"TERM": "dumb"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := colorWanted(getenv, tt.tty); got != tt.want {
				t.Errorf("colorWanted() = %v, want %v", got, tt.want)
			}
		})
	}
}

// OnFirstInput runs its function once, before the first read of stdin or
// of a secret from the terminal, and not before.
func TestOnFirstInput(t *testing.T) {
	for _, first := range []string{"stdin", "password"} {
		s := &IOStreams{In: strings.NewReader("line\n"), ErrOut: io.Discard}
		s.SetReadPassword(func() ([]byte, error) { return []byte("secret"), nil })
		calls := 0
		s.OnFirstInput(func() { calls++ })
		if calls != 0 {
			t.Fatalf("%s: ran before any input", first)
		}
		if first == "stdin" {
			if b, err := io.ReadAll(s.In); err != nil || string(b) != "line\n" {
				t.Fatalf("read %q, %v", b, err)
			}
			_, _ = s.ReadPassword("")
		} else {
			if p, err := s.ReadPassword(""); err != nil || p != "secret" {
				t.Fatalf("password %q, %v", p, err)
			}
			_, _ = io.ReadAll(s.In)
		}
		if calls != 1 {
			t.Errorf("%s first: ran %d times, want once", first, calls)
		}
	}
}
