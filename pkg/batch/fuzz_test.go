package batch

import (
	"strings"
	"testing"
)

// FuzzLines reads any input as lines of stdin: what it yields is exactly
// its non-blank lines, trimmed, in order; never a panic. (Inputs this short
// never reach MaxLineLength, whose handling TestLines covers.) Seeds are
// in testdata/fuzz/FuzzLines.
func FuzzLines(f *testing.F) {
	f.Fuzz(func(t *testing.T, data string) {
		var want []string
		for _, l := range strings.Split(data, "\n") {
			if s := strings.TrimSpace(l); s != "" {
				want = append(want, s)
			}
		}
		var got []string
		for s, err := range Lines(strings.NewReader(data)) {
			if err != nil {
				t.Fatalf("error %v for %q", err, data)
			}
			got = append(got, s)
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") || len(got) != len(want) {
			t.Fatalf("%q gave %q, want %q", data, got, want)
		}
	})
}
