package shared

import (
	"errors"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
)

func TestBatchStop(t *testing.T) {
	hydra := func(status int, code string) error {
		return &api.Error{Method: "DELETE", URL: "http://h/admin/clients/x", StatusCode: status, Code: code, Description: "d"}
	}
	tests := []struct {
		name string
		errs []error
		want []bool
	}{
		{"connection refused stops at once", []error{&api.ConnError{Method: "GET", URL: "u", Err: errors.New("refused")}}, []bool{true}},
		{"5xx stops at once", []error{hydra(503, "")}, []bool{true}},
		{"401 stops at once", []error{hydra(401, "unauthorized")}, []bool{true}},
		{"a text 404 is the wrong API", []error{&api.Error{StatusCode: 404, Excerpt: "404 page not found"}}, []bool{true}},
		{"Hydra's 404s are per client", []error{hydra(404, "not_found"), hydra(404, "not_found"), hydra(404, "not_found"), hydra(404, "not_found")}, []bool{false, false, false, false}},
		{"Hydra's 409s are per client", []error{hydra(409, "conflict"), hydra(409, "conflict"), hydra(409, "conflict")}, []bool{false, false, false}},
		{"the same 400 three times in a row", []error{hydra(400, "invalid_request"), hydra(400, "invalid_request"), hydra(400, "invalid_request")}, []bool{false, false, true}},
		{"different 400s go on", []error{hydra(400, "a"), hydra(400, "b"), hydra(400, "a"), hydra(400, "b")}, []bool{false, false, false, false}},
		{"a local error is per client", []error{errors.New("bad"), errors.New("worse")}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Batch
			for i, err := range tt.errs {
				if got := b.Stop(err); got != tt.want[i] {
					t.Errorf("failure %d: Stop = %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestWithoutSecretKeepsOrder(t *testing.T) {
	got := WithoutSecret([]byte(`{"z":1,"client_secret":"s","a":[1, 2]}`))
	if string(got) != `{"z":1,"a":[1, 2]}` {
		t.Errorf("WithoutSecret = %s", got)
	}
	if got := WithoutSecret([]byte(`{"client_id":"c"}`)); string(got) != `{"client_id":"c"}` {
		t.Errorf("WithoutSecret changed a client without a secret: %s", got)
	}
}

// A byte order mark, as Windows editors write, is not an error.
func TestParseDocsAcceptsABOM(t *testing.T) {
	for _, raw := range []string{"\ufeff{\"client_id\":\"a\"}", "\ufeff\n[{\"client_id\":\"a\"}]"} {
		docs, err := ParseDocs("f.json", []byte(raw))
		if err != nil || len(docs) != 1 || docs[0].String("client_id") != "a" {
			t.Errorf("%q: docs %v, error %v", raw, docs, err)
		}
	}
}
