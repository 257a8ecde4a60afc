package shared

import (
	"testing"
)

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
