package printer

import (
	"strings"
	"testing"
)

func TestJSONArrayAndLines(t *testing.T) {
	items := []string{`{"id":"a","x":1}`, `{"id":"b"}`}
	if got := string(JSONArray(items, func(s string) []byte { return []byte(s) })); got != `[{"id":"a","x":1},{"id":"b"}]` {
		t.Errorf("JSONArray = %s", got)
	}
	if got := string(JSONArray([]string{}, func(s string) []byte { return []byte(s) })); got != `[]` {
		t.Errorf("JSONArray of none = %s", got)
	}
	var b strings.Builder
	if err := Lines(&b, []string{"a", "b"}, strings.ToUpper); err != nil || b.String() != "A\nB\n" {
		t.Errorf("Lines = %q, %v", b.String(), err)
	}
}

func TestKindPrint(t *testing.T) {
	type item struct{ id, raw string }
	k := Kind[item]{
		Raw: func(i item) []byte { return []byte(i.raw) },
		ID:  func(i item) string { return i.id },
		Table: func(items []item) TableData {
			t := TableData{Headers: []string{"ID"}}
			for _, i := range items {
				t.Rows = append(t.Rows, []string{i.id})
			}
			return t
		},
	}
	a, b := item{"a", `{"id":"a"}`}, item{"b", `{"id":"b"}`}
	tests := []struct {
		name  string
		items []item
		out   Output
		want  string
	}{
		{"quiet wins", []item{a, b}, Output{Quiet: true, Default: Table}, "a\nb\n"},
		{"one item as itself", []item{a}, Output{One: true}, "{\n  \"id\": \"a\"\n}\n"},
		{"several as an array", []item{a, b}, Output{One: true, Format: Format{Name: JSON}}, `[{"id":"a"},{"id":"b"}]` + "\n"},
		{"one item of a list is an array", []item{a}, Output{Format: Format{Name: JSON}}, `[{"id":"a"}]` + "\n"},
		{"none", nil, Output{Format: Format{Name: JSON}}, "[]\n"},
		{"the default view", []item{a}, Output{Default: Table}, "ID\na\n"},
		{"--format over the default", []item{a}, Output{Default: Table, Format: Format{Name: JSONPointer, Expr: "/0/id"}}, "a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := k.Print(&b, tt.items, tt.out); err != nil || b.String() != tt.want {
				t.Errorf("got %q, %v; want %q", b.String(), err, tt.want)
			}
		})
	}
}

// TestKindPrintHydraV1: under Hydra v1's spelling, the default output of
// items printed one by one is a V1Model document each, one after another;
// of a list, the kind's V1Table; --format and -q keep the tool's shapes.
func TestKindPrintHydraV1(t *testing.T) {
	type item struct{ id, raw string }
	k := Kind[item]{
		Raw:     func(i item) []byte { return []byte(i.raw) },
		ID:      func(i item) string { return i.id },
		Table:   func([]item) TableData { return TableData{Headers: []string{"OWN"}} },
		V1Model: V1Model{{Name: "client_id"}, {Name: "scope"}},
		V1Table: func(items []item) TableData {
			t := TableData{Headers: []string{"CLIENT ID"}}
			for _, i := range items {
				t.Rows = append(t.Rows, []string{i.id})
			}
			return t
		},
	}
	a, b := item{"a", `{"scope":"s","client_id":"a","x":1}`}, item{"b", `{"client_id":"b"}`}
	for _, tc := range []struct {
		name string
		out  Output
		want string
	}{
		{"one by one", Output{HydraV1: true, One: true}, "{\n\t\"client_id\": \"a\",\n\t\"scope\": \"s\"\n}\n{\n\t\"client_id\": \"b\"\n}\n"},
		{"a list", Output{HydraV1: true, Default: Table}, "| CLIENT ID |\n|-----------|\n| a         |\n| b         |\n"},
		{"-q", Output{HydraV1: true, One: true, Quiet: true}, "a\nb\n"},
		{"--format json", Output{HydraV1: true, One: true, Format: Format{Name: JSON}}, `[{"scope":"s","client_id":"a","x":1},{"client_id":"b"}]` + "\n"},
	} {
		var w strings.Builder
		if err := k.Print(&w, []item{a, b}, tc.out); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if w.String() != tc.want {
			t.Errorf("%s: got\n%q\nwant\n%q", tc.name, w.String(), tc.want)
		}
	}
}
