package decode

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"
)

// FuzzDecode takes any string apart as a JWT, by hand as split does: it
// either fails with a one-line message, or yields a header and claims that
// document and the readable view handle.
func FuzzDecode(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, token string) {
		d, err := split(token)
		if err != nil {
			if d != nil {
				t.Fatal("a result with an error")
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || strings.ContainsFunc(msg, unicode.IsControl) {
				t.Fatalf("message %q is not one clean line", msg)
			}
			return
		}
		doc, err := document(d, map[string]any{"verified": false})
		if err != nil {
			t.Fatalf("document: %v", err)
		}
		if !json.Valid(doc) {
			t.Fatalf("document is not JSON: %q", doc)
		}
		var view bytes.Buffer
		if err := writeView(&view, d, map[string]any{"verified": false}, now); err != nil {
			t.Fatalf("view: %v", err)
		}
		for _, r := range view.String() {
			if r != '\n' && unicode.IsControl(r) {
				t.Fatalf("the view passes on control character %U:\n%q", r, view.String())
			}
		}
		// One line per member at most, plus the titles: a claim never
		// breaks the view's lines.
		lines := strings.Count(view.String(), "\n")
		members := strings.Count(string(d.header), ":") + strings.Count(string(d.claims), ":")
		if lines > members+6 {
			t.Fatalf("view has %d lines for %d members:\n%s", lines, members, view.String())
		}
	})
}
