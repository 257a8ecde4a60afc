package shared

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/hydratoken/hydra/pkg/api"
)

// FuzzParseDocs reads any file as the clients of create, update and
// import: a list of JSON objects, or a one-line message that says where the
// file went wrong.
func FuzzParseDocs(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		docs, err := ParseDocs("clients.json", raw)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "clients.json") {
				t.Fatalf("message does not name the file: %q", msg)
			}
			if strings.Contains(msg, "\n") || len(msg) > 500 {
				t.Fatalf("message is not one short line: %q", msg)
			}
			return
		}
		if len(docs) == 0 && !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(string(raw), "\ufeff")), "[") {
			t.Fatalf("no document from %q", raw)
		}
		for _, d := range docs {
			if d == nil {
				t.Fatal("a nil document")
			}
			if !json.Valid(d.Marshal()) {
				t.Fatalf("document does not marshal to JSON: %v", d)
			}
			for _, w := range Warnings(d) {
				if strings.ContainsFunc(w, func(r rune) bool { return unicode.IsControl(r) }) {
					t.Fatalf("warning carries a control character: %q", w)
				}
			}
		}
	})
}

// FuzzClientTable parses a client as the admin API returns it and lays it
// out as a table row: one cell per column, none spanning lines.
func FuzzClientTable(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := api.ParseClient(body)
		if err != nil {
			return
		}
		tab := Table([]*api.OAuth2Client{c})
		if len(tab.Rows) != 1 || len(tab.Rows[0]) != len(tab.Headers) {
			t.Fatalf("table %v for %q", tab, body)
		}
		if !json.Valid(JSONArray([]*api.OAuth2Client{c, c})) {
			t.Fatal("JSONArray is not JSON")
		}
	})
}
