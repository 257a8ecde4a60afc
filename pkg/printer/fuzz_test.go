package printer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/theory/jsonpath"
)

// fuzzDoc is a token response and a list, the two shapes --format meets.
var fuzzDocs = [][]byte{
	[]byte(`{"access_token":"at","expires_in":3599,"scope":"a b","nested":{"k":["x",1,null]},"a/b~c":true}`),
	[]byte(`[{"client_id":"c1","grant_types":["client_credentials"]},{"client_id":"c2"}]`),
}

// FuzzParseFormat parses any --format value. Parsing never panics; an
// error is an UnknownFormatError or names the bad expression; a value that
// parses prints back (String) as a value that parses to the same Format;
// and printing a document in it never panics.
func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"", "json", "json-pretty", "yaml", "table", "jsonpath=access_token", "jsonpath={.access_token}",
		"jsonpath=$.items[*].client_id", "jsonpath={range .x}{.y}{end}", "jsonpointer=", "jsonpointer=/a~1b~0c", "jsonpointer=x", "json=x", "jsonpath=", "JSON"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		format, err := ParseFormat(s)
		if err != nil {
			var unknown *UnknownFormatError
			if !errors.As(err, &unknown) && !strings.Contains(err.Error(), "--format") && !errors.Is(err, ErrKubectlTemplate) {
				t.Fatalf("ParseFormat(%q): an error that names neither the format nor the flag: %v", s, err)
			}
			if format != (Format{}) {
				t.Fatalf("ParseFormat(%q) failed but returned %+v", s, format)
			}
			return
		}
		again, err := ParseFormat(format.String())
		if err != nil || again != format {
			t.Fatalf("ParseFormat(%q) = %+v, whose String %q parses to %+v, %v", s, format, format.String(), again, err)
		}
		for _, doc := range fuzzDocs {
			var out bytes.Buffer
			_ = Printer{Format: format}.Print(&out, doc, nil)
		}
	})
}

// FuzzFromKubectl translates any jsonpath= expression from kubectl's brace
// form. It never panics. An expression in the brace form becomes RFC 9535
// JSONPath (starting with "$"), which the JSONPath parser reads without
// panicking; any other expression that is not refused is returned as it
// is; a refusal is ErrKubectlTemplate. closingBrace stays in range.
func FuzzFromKubectl(f *testing.F) {
	for _, s := range []string{"{.access_token}", "{.items[*].client_id}", "{[0].client_id}", "{$.a}", "{.}", "{ .a }", "{client_id,client_name}",
		`{"id":client_id}`, "{range .items[*]}{.id}{end}", "x{.a}", "{.a}{.b}", `{.a["}"]}`, `{.a['x\'}']}`, "{", "}", "$.a", "a.b", "{end}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		rfc, kubectl, err := fromKubectl(expr)
		switch {
		case err != nil:
			if !errors.Is(err, ErrKubectlTemplate) || kubectl || rfc != "" {
				t.Fatalf("fromKubectl(%q) = %q, %v, %v", expr, rfc, kubectl, err)
			}
		case kubectl:
			if !strings.HasPrefix(rfc, "$") {
				t.Fatalf("fromKubectl(%q) = %q: not RFC 9535", expr, rfc)
			}
			_, _ = jsonpath.Parse(rfc)
		default:
			if rfc != expr {
				t.Fatalf("fromKubectl(%q) changed a non-kubectl expression to %q", expr, rfc)
			}
		}
		t2 := strings.TrimSpace(expr)
		if i := closingBrace(t2); i != -1 && (i < 0 || i >= len(t2) || t2[i] != '}') {
			t.Fatalf("closingBrace(%q) = %d", t2, i)
		}
		if RFCJSONPath(expr) != rfc && err == nil {
			t.Fatalf("RFCJSONPath(%q) = %q, want %q", expr, RFCJSONPath(expr), rfc)
		}
	})
}
