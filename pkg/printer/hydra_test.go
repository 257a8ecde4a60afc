package printer

import (
	"strings"
	"testing"
)

// The wanted bytes are what Ory Hydra v2.3.0's CLI printed for the same
// values (test/parity proves the commands against it end to end).
func TestWriteHydraRow(t *testing.T) {
	var b strings.Builder
	err := WriteHydraRow(&b, []string{"CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"},
		[]string{"cc1", "Secret123", "client_credentials", "code", "read write", "", ""})
	if err != nil {
		t.Fatal(err)
	}
	want := "CLIENT ID\tcc1\t\t\t\nCLIENT SECRET\tSecret123\t\t\nGRANT TYPES\tclient_credentials\t\nRESPONSE TYPES\tcode\t\t\t\nSCOPE\t\tread write\t\t\nAUDIENCE\t\t\t\t\nREDIRECT URIS\t\t\t\t\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestWriteHydraTable(t *testing.T) {
	var b strings.Builder
	rows := [][]string{
		{"664e0106-c9e1-419f-8ba7-dfe5815be399", "", "client_credentials", "code", "offline_access offline openid", "", ""},
		{"cc1", "", "client_credentials", "code", "read write", "", ""},
	}
	err := WriteHydraTable(&b, []string{"CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"}, append(rows, HydraPageRows("")...))
	if err != nil {
		t.Fatal(err)
	}
	want := "CLIENT ID\t\t\t\tCLIENT SECRET\tGRANT TYPES\t\tRESPONSE TYPES\tSCOPE\t\t\t\tAUDIENCE\tREDIRECT URIS\t\n" +
		"664e0106-c9e1-419f-8ba7-dfe5815be399\t\t\tclient_credentials\tcode\t\toffline_access offline openid\t\t\t\t\t\n" +
		"cc1\t\t\t\t\t\t\tclient_credentials\tcode\t\tread write\t\t\t\t\t\t\t\n" +
		"\t\t\t\t\t\n" +
		"NEXT PAGE TOKEN\t\t\t\t\t\n" +
		"IS LAST PAGE\t\t\t\ttrue\t\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// Hydra v2's CLI prints a jsonpath or jsonpointer value JSON-encoded, and
// null for a jsonpath that selects nothing.
func TestHydraPaths(t *testing.T) {
	raw := []byte(`{"client_name":"Get Me","scope":"a<b","n":3,"o":{"z":1,"a":[true]}}`)
	for _, tc := range []struct {
		format Format
		want   string
	}{
		{Format{Name: JSONPath, Expr: "client_name", Hydra: true}, "\"Get Me\"\n"},
		{Format{Name: JSONPath, Expr: "scope", Hydra: true}, "\"a\\u003cb\"\n"},
		{Format{Name: JSONPath, Expr: "nope", Hydra: true}, "null\n"},
		{Format{Name: JSONPath, Expr: "o", Hydra: true}, "{\n  \"a\": [\n    true\n  ],\n  \"z\": 1\n}\n"},
		{Format{Name: JSONPointer, Expr: "/n", Hydra: true}, "3\n"},
		{Format{Name: JSONPath, Expr: "client_name"}, "Get Me\n"},
	} {
		var b strings.Builder
		if err := (Printer{Format: tc.format}).Print(&b, raw, nil); err != nil || b.String() != tc.want {
			t.Errorf("%+v: %q, %v; want %q", tc.format, b.String(), err, tc.want)
		}
	}
}
