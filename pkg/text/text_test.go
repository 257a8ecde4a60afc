package text

import (
	"strings"
	"testing"
	"time"
)

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain name ü 名前":      "plain name ü 名前",
		"a\tb\nc\rd":           "a b c d",
		"evil\x1b[2J\x07name":  "evil?[2J?name",
		"bad utf8 \xff here":   "bad utf8 ? here",
		"":                     "",
		"osc\x1b]0;pwned\x07.": "osc?]0;pwned?.",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	if got := OneLine("a\n\n b\x1b[31m\tc", 100); got != "a b [31m c" {
		t.Errorf("got %q", got)
	}
	if got := OneLine(strings.Repeat("é", 10), 4); got != "éééé…" {
		t.Errorf("got %q", got)
	}
	if got := OneLine("x\xffy", 10); got != "x?y" {
		t.Errorf("got %q", got)
	}
}

func TestMask(t *testing.T) {
	got := Mask("token ory_at_secret1 and code abcdefgh, a test", "ory_at_secret1", "abcdefgh", "test", "")
	if got != "token *** and code ***, a test" {
		t.Errorf("got %q", got)
	}
	// A dummy token is not masked inside the words of the message.
	msg := "POST http://h/admin/oauth2/introspect: Is Hydra's admin API listening"
	if got := Mask(msg, "a"); got != msg {
		t.Errorf("got %q", got)
	}
}

func TestTime(t *testing.T) {
	if got := Time(1700000000); got != "2023-11-14T22:13:20Z" {
		t.Errorf("got %q", got)
	}
}

func TestStamp(t *testing.T) {
	if got := Stamp(time.Time{}); got != "" {
		t.Errorf("zero time: got %q", got)
	}
	at := time.Date(2023, 11, 15, 0, 13, 20, 5, time.FixedZone("CET", 3600))
	if got := Stamp(at); got != "2023-11-14T23:13:20Z" {
		t.Errorf("got %q", got)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"hydra-token_1.2/x:y@z=w+v,u": "hydra-token_1.2/x:y@z=w+v,u",
		"":                            "''",
		"a b":                         "'a b'",
		"it's":                        `'it'\''s'`,
		"$(rm)":                       "'$(rm)'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCommand(t *testing.T) {
	for _, c := range []struct {
		words []string
		want  string
	}{
		{[]string{"hydra", "keys", "create", "my-set"}, "hydra keys create my-set"},
		{[]string{"hydra", "keys", "create", "my set"}, `hydra keys create "my set"`},
		{[]string{"hydra", "client", "get", ""}, `hydra client get ""`},
		{[]string{"hydra", "client", "get", "it's"}, `hydra client get "it's"`},
		{[]string{"hydra", "client", "get", "$(rm -rf ~)"}, `hydra client get '$(rm -rf ~)'`},
		{[]string{"hydra", "client", "get", "a\nb"}, "hydra client get 'a\nb'"},
		{[]string{"hydra", "keys", "import", "a b", "FILE"}, `hydra keys import "a b" FILE`},
	} {
		if got := Command(c.words...); got != c.want {
			t.Errorf("Command(%q) = %s, want %s", c.words, got, c.want)
		}
	}
}
