package printer

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// kubectl's brace form is RFC 9535 JSONPath with a "$" for the leading dot.
func TestFromKubectl(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		kubectl  bool
	}{
		{"{.access_token}", "$.access_token", true},
		{" { .access_token } ", "$.access_token", true},
		{"{.items[*].client_id}", "$.items[*].client_id", true},
		{"{$.items[0]}", "$.items[0]", true},
		{"{..client_id}", "$..client_id", true},
		{"{.}", "$", true},
		{`{.items[?(@.client_name=="a}b")].client_id}`, `$.items[?(@.client_name=="a}b")].client_id`, true},
		// Not kubectl's: RFC 9535, gjson paths, gjson multipaths.
		{"$.access_token", "$.access_token", false},
		{"access_token", "access_token", false},
		{"{client_id,client_name}", "{client_id,client_name}", false},
		{`{"id":client_id}`, `{"id":client_id}`, false},
		{"{[0].client_id}", "$[0].client_id", true},
		{"items.#.client_id", "items.#.client_id", false},
	} {
		got, ok, err := fromKubectl(tc.in)
		if err != nil || got != tc.want || ok != tc.kubectl {
			t.Errorf("fromKubectl(%q) = %q, %v, %v; want %q, %v", tc.in, got, ok, err, tc.want, tc.kubectl)
		}
	}
}

// Templates are refused, with a usage message that says which forms work.
func TestKubectlTemplatesAreRefused(t *testing.T) {
	for _, expr := range []string{
		`{range .items[*]}{.client_id}{"\n"}{end}`,
		`{.client_id}{"\n"}`,
		`{.client_id} {.client_name}`,
		`id={.client_id}`,
		`{.client_id}x`,
	} {
		_, err := ParseFormat("jsonpath=" + expr)
		if !errors.Is(err, ErrKubectlTemplate) || !strings.Contains(err.Error(), "{.items[*].client_id}") || !strings.Contains(err.Error(), "$.items[*].client_id") {
			t.Errorf("%s: err = %v, want a refusal naming the forms that work", expr, err)
		}
	}
	// A brace expression that is no valid path is refused, naming what the
	// user wrote.
	_, err := ParseFormat("jsonpath={.items[}")
	if err == nil || !strings.Contains(err.Error(), "jsonpath={.items[}") {
		t.Errorf("err = %v", err)
	}
}

func TestPrintKubectlJSONPath(t *testing.T) {
	token := []byte(`{"access_token":"ory_at_x","expires_in":3599,"scope":"read","token_type":"bearer"}`)
	list := []byte(`[{"client_id":"a","client_name":"A"},{"client_id":"b"}]`)
	env := []byte(`{"items":[{"client_id":"a"},{"client_id":"b"}]}`)
	for _, tc := range []struct {
		expr string
		raw  []byte
		want string
	}{
		{"{.access_token}", token, "ory_at_x\n"},
		{"{.expires_in}", token, "3599\n"},
		{"{.items[*].client_id}", env, "a\nb\n"},
		{"{[*].client_id}", list, "a\nb\n"},
		{"{$[0].client_name}", list, "A\n"},
	} {
		f, err := ParseFormat("jsonpath=" + tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if f.String() != "jsonpath="+tc.expr {
			t.Errorf("%s: the format reads back as %s", tc.expr, f)
		}
		var b bytes.Buffer
		if err := (Printer{Format: f}).Print(&b, tc.raw, nil); err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if b.String() != tc.want {
			t.Errorf("%s: printed %q, want %q", tc.expr, b.String(), tc.want)
		}
	}
}

// No expression meant as a path prints an empty object: a miss is an error
// naming the expression, for kubectl's form and for a gjson multipath.
func TestPrintNeverAnEmptyObjectForAMiss(t *testing.T) {
	token := []byte(`{"access_token":"ory_at_x"}`)
	for _, expr := range []string{"{.refresh_token}", "{refresh_token,id_token}", "[refresh_token]"} {
		f, err := ParseFormat("jsonpath=" + expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		var b bytes.Buffer
		err = (Printer{Format: f}).Print(&b, token, nil)
		var miss *NoMatchError
		if !errors.As(err, &miss) || miss.Expr != expr || b.Len() != 0 {
			t.Errorf("%s: printed %q, err %v; want nothing and a miss naming the expression", expr, b.String(), err)
		}
	}
	// A gjson multipath that selects something still works.
	f, _ := ParseFormat("jsonpath={access_token}")
	var b bytes.Buffer
	if err := (Printer{Format: f}).Print(&b, token, nil); err != nil || b.String() != `{"access_token":"ory_at_x"}`+"\n" {
		t.Errorf("multipath: %q, %v", b.String(), err)
	}
}

func TestRFCJSONPath(t *testing.T) {
	for in, want := range map[string]string{"{.result.active}": "$.result.active", "result.active": "result.active", "{range .x}{end}": "{range .x}{end}"} {
		if got := RFCJSONPath(in); got != want {
			t.Errorf("RFCJSONPath(%q) = %q, want %q", in, got, want)
		}
	}
}
