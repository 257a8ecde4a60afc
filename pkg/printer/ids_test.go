package printer

import (
	"bytes"
	"testing"
)

func TestIDList(t *testing.T) {
	for _, tc := range []struct {
		format string
		ids    []string
		want   string
	}{
		{"", []string{"a", "b"}, "a\nb\n"},
		{"json", []string{"a"}, `"a"` + "\n"},
		{"json", []string{"a", "b"}, `["a","b"]` + "\n"},
		{"json", nil, ""},
		{"yaml", []string{"a\"b"}, "a\"b\n"},
		{"table", []string{"a", "b"}, "ID\na\nb\n"},
		{"jsonpath=$[0]", []string{"a", "b"}, "a\n"},
	} {
		format, err := ParseFormat(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		l := NewIDList(&out, Printer{Format: format})
		for _, id := range tc.ids {
			if err := l.Add(id); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("--format %q %v: %q, want %q", tc.format, tc.ids, out.String(), tc.want)
		}
	}
}

// Hydra v2's page envelope is printed only in the formats that print a
// document; the table and -q print the items as they are.
func TestOutputEnvelope(t *testing.T) {
	k := Kind[string]{
		Raw: func(s string) []byte { return []byte(`{"id":"` + s + `"}`) },
		ID:  func(s string) string { return s },
		Table: func(items []string) TableData {
			return TableData{Headers: []string{"ID"}, Rows: [][]string{{items[0]}}}
		},
	}
	for _, tc := range []struct {
		out  Output
		want string
	}{
		{Output{Format: Format{Name: JSON}, Page: &Page{NextPageToken: "n\t1"}}, `{"items":[{"id":"a"}],"next_page_token":"n\t1","is_last_page":false}` + "\n"},
		{Output{Format: Format{Name: JSON}, Page: &Page{}}, `{"items":[{"id":"a"}],"next_page_token":"","is_last_page":true}` + "\n"},
		{Output{Format: Format{Name: JSON}}, `[{"id":"a"}]` + "\n"},
		{Output{Format: Format{Name: Table}, Page: &Page{}}, "ID\na\n"},
		{Output{Default: Table, Page: &Page{}}, "ID\na\n"},
		{Output{Quiet: true, Page: &Page{}}, "a\n"},
	} {
		var b bytes.Buffer
		if err := k.Print(&b, []string{"a"}, tc.out); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%+v: %q, want %q", tc.out, b.String(), tc.want)
		}
	}
}
