package cmdutil

import (
	"strings"
	"testing"
	"unicode"
)

// indexSpace must find what strings.IndexFunc(s, unicode.IsSpace) finds,
// in ASCII and beyond it.
func TestIndexSpaceMatchesIndexFunc(t *testing.T) {
	for _, s := range []string{
		"", "eyJ.a.b", "Bearer eyJ", "a\tb", "a\nb", "a\vb", "a\fb", "a\rb", "ab ",
		"a\u0085b", "a\u00a0b", "é\u2003b", "éb", "a\x1fb\x0e", "a\x7fb", "a\u3000", "\xffb c",
	} {
		if got, want := indexSpace(s), strings.IndexFunc(s, unicode.IsSpace); got != want {
			t.Errorf("indexSpace(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzIndexSpace(f *testing.F) {
	f.Add("Bearer x")
	f.Add("a\u00a0b")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := indexSpace(s), strings.IndexFunc(s, unicode.IsSpace); got != want {
			t.Fatalf("indexSpace(%q) = %d, want %d", s, got, want)
		}
	})
}
