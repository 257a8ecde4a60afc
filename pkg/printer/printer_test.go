package printer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const doc = `{"active":true,"scope":"read write","client_id":"c1","aud":["a","b"],"exp":1795643246,"ext":{"k":"v"},"odd":"true"}`

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		unknown bool
		invalid bool
	}{
		{in: "", want: Format{}},
		{in: "json", want: Format{Name: JSON}},
		{in: "json-pretty", want: Format{Name: JSONPretty}},
		{in: "yaml", want: Format{Name: YAML}},
		{in: "table", want: Format{Name: Table}},
		{in: "jsonpath=client_id", want: Format{Name: JSONPath, Expr: "client_id"}},
		{in: "jsonpath=$.aud[0]", want: Format{Name: JSONPath, Expr: "$.aud[0]"}},
		{in: "jsonpath=a=b", want: Format{Name: JSONPath, Expr: "a=b"}},
		{in: "jsonpointer=/aud/0", want: Format{Name: JSONPointer, Expr: "/aud/0"}},
		{in: "jsonpointer=", want: Format{Name: JSONPointer, Expr: ""}},
		{in: "xml", unknown: true},
		{in: "JSON", unknown: true},
		{in: "json=x", unknown: true},
		{in: "jsonpath", unknown: true},
		{in: "jsonpath=", unknown: true},
		{in: "jsonpath=$[", invalid: true},
		{in: "jsonpointer=aud", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			var unknown *UnknownFormatError
			switch {
			case tt.unknown:
				if !errors.As(err, &unknown) {
					t.Fatalf("want UnknownFormatError, got %v", err)
				}
				if !strings.Contains(err.Error(), "json, json-pretty, yaml, table, jsonpath=EXPR, jsonpointer=PTR") {
					t.Errorf("error should list the valid formats: %v", err)
				}
			case tt.invalid:
				if err == nil || errors.As(err, &unknown) {
					t.Fatalf("want an invalid-expression error, got %v", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			}
		})
	}
}

func TestPrint(t *testing.T) {
	tests := []struct {
		format string
		want   string
	}{
		{"json", doc + "\n"},
		{"json-pretty", "{\n  \"active\": true,\n  \"scope\": \"read write\",\n  \"client_id\": \"c1\",\n  \"aud\": [\n    \"a\",\n    \"b\"\n  ],\n  \"exp\": 1795643246,\n  \"ext\": {\n    \"k\": \"v\"\n  },\n  \"odd\": \"true\"\n}\n"},
		// Key order is the server's; a string that YAML would read as a
		// boolean keeps its quotes.
		{"yaml", "active: true\nscope: read write\nclient_id: c1\naud:\n  - a\n  - b\nexp: 1795643246\next:\n  k: v\nodd: \"true\"\n"},
		{"jsonpath=client_id", "c1\n"},
		{"jsonpath=aud", `["a","b"]` + "\n"},
		{"jsonpath=ext.k", "v\n"},
		{"jsonpath=$.client_id", "c1\n"},
		{"jsonpath=$.aud[*]", "a\nb\n"},
		{"jsonpath=$.exp", "1795643246\n"},
		{"jsonpath=$.ext", `{"k":"v"}` + "\n"},
		{"jsonpointer=/aud/1", "b\n"},
		{"jsonpointer=/exp", "1795643246\n"},
		{"jsonpointer=", doc + "\n"},
		{"table", "KEY        VALUE\nactive     true\nscope      read write\nclient_id  c1\naud        a,b\nexp        1795643246\next        {\"k\":\"v\"}\nodd        true\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			f, err := ParseFormat(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := (Printer{Format: f}).Print(&buf, []byte(doc), nil); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", buf.String(), tt.want)
			}
		})
	}
}

func TestPrintNoMatch(t *testing.T) {
	for _, format := range []string{"jsonpath=missing", "jsonpath=$.missing", "jsonpointer=/missing", "jsonpointer=/aud/2", "jsonpointer=/aud/01"} {
		f, err := ParseFormat(format)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		err = Printer{Format: f}.Print(&buf, []byte(doc), nil)
		var noMatch *NoMatchError
		if !errors.As(err, &noMatch) {
			t.Errorf("%s: want NoMatchError, got %v", format, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: printed %q", format, buf.String())
		}
	}
}

func TestPointerEscapes(t *testing.T) {
	f, _ := ParseFormat("jsonpointer=/a~1b/c~0d")
	var buf bytes.Buffer
	if err := (Printer{Format: f}).Print(&buf, []byte(`{"a/b":{"c~d":42}}`), nil); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "42\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestWriteTable(t *testing.T) {
	var buf bytes.Buffer
	err := Printer{}.WriteTable(&buf, TableData{
		Headers: []string{"ID", "NAME"},
		Rows:    [][]string{{"a", "tab\there"}, {"longer-id", "line\nbreak"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "ID         NAME\na          tab here\nlonger-id  line break\n"
	if buf.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", buf.String(), want)
	}
}

func TestWriteTableColor(t *testing.T) {
	var buf bytes.Buffer
	if err := (Printer{Color: true}).WriteTable(&buf, TableData{Headers: []string{"ID"}, Rows: [][]string{{"x"}}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\x1b[1mID\x1b[") {
		t.Errorf("header should be bold on a colour terminal: %q", buf.String())
	}
}

func TestPrintInvalidJSON(t *testing.T) {
	for _, format := range []string{"json", "json-pretty", "yaml"} {
		f, _ := ParseFormat(format)
		if err := (Printer{Format: f}).Print(&bytes.Buffer{}, []byte(`{"a":`), nil); err == nil {
			t.Errorf("%s: want an error for truncated JSON", format)
		}
	}
}

func TestWriteTableNeutralisesControlCharacters(t *testing.T) {
	var buf bytes.Buffer
	hostile := "evil\x1b]8;;http://x\x07name\x1b[2J\u009b"
	if err := (Printer{}).WriteTable(&buf, TableData{Headers: []string{"NAME"}, Rows: [][]string{{hostile}}}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07\u009b") {
		t.Errorf("a control character reached the table: %q", buf.String())
	}
	if !strings.Contains(buf.String(), "evil?]8;;http://x?name?[2J?") {
		t.Errorf("got %q", buf.String())
	}
}

// RFC 9535 leaves an object's member order open; the server's order is
// kept, so that the output is the same on every run.
func TestJSONPathKeepsTheServersMemberOrder(t *testing.T) {
	var members []string
	for i := range 30 {
		k := fmt.Sprintf("k%02d", 29-i)
		members = append(members, fmt.Sprintf(`%q:{"n":%d,"big":12345678901234567890}`, k, i))
	}
	raw := []byte(`{"obj":{` + strings.Join(members, ",") + `},"arr":[3,1,2]}`)
	tests := []struct {
		expr string
		want func() string
	}{
		{"$.obj.*.n", func() string {
			var b strings.Builder
			for i := range 30 {
				fmt.Fprintf(&b, "%d\n", i)
			}
			return b.String()
		}},
		{"$.obj[?@.n >= 28]", func() string {
			return `{"n":28,"big":12345678901234567890}` + "\n" + `{"n":29,"big":12345678901234567890}` + "\n"
		}},
		{"$..n", func() string {
			var b strings.Builder
			for i := range 30 {
				fmt.Fprintf(&b, "%d\n", i)
			}
			return b.String()
		}},
		// The order the RFC fixes stays: a union in the order written.
		{`$.obj["k00","k29"].n`, func() string { return "29\n0\n" }},
		{"$.arr[*]", func() string { return "3\n1\n2\n" }},
	}
	for _, tt := range tests {
		f, err := ParseFormat("jsonpath=" + tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			var buf bytes.Buffer
			if err := (Printer{Format: f}).Print(&buf, raw, nil); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want() {
				t.Fatalf("%s:\n%s\nwant:\n%s", tt.expr, buf.String(), tt.want())
			}
		}
	}
}

// An empty list is an empty result: a selector over [] prints nothing and
// is no error.
func TestSelectorOverAnEmptyList(t *testing.T) {
	for _, format := range []string{"jsonpath=$[*].client_id", "jsonpath=$[0]", "jsonpath=0.client_id", "jsonpointer=/0/client_id"} {
		f, _ := ParseFormat(format)
		var buf bytes.Buffer
		if err := (Printer{Format: f}).Print(&buf, []byte(" [ ]\n"), nil); err != nil || buf.Len() != 0 {
			t.Errorf("%s over []: printed %q, error %v", format, buf.String(), err)
		}
	}
}

func TestYAMLQuotesWhatReadersWouldRetype(t *testing.T) {
	f, _ := ParseFormat("yaml")
	for _, id := range []string{"a: b", "yes", "Off", "n", "123", "x #c", "~", "null", "- a", "@x", "2001-12-14"} {
		var buf bytes.Buffer
		raw, _ := json.Marshal(map[string]string{"client_id": id})
		if err := (Printer{Format: f}).Print(&buf, raw, nil); err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := yaml.Unmarshal(buf.Bytes(), &back); err != nil || back["client_id"] != id {
			t.Errorf("%q printed as %q, read back as %#v (%v)", id, buf.String(), back["client_id"], err)
		}
		if !strings.Contains(buf.String(), `"`) {
			t.Errorf("%q printed unquoted: %q", id, buf.String())
		}
	}
}
