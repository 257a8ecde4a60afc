package api

import (
	"encoding/json"
	"testing"
	"time"
)

// Hydra refuses subject and allow_any_subject together, and needs
// expires_at and a scope array.
func TestTrustRequestJSON(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	for _, tc := range []struct {
		req  TrustRequest
		want map[string]any
	}{
		{TrustRequest{Issuer: "https://i", Subject: "s", JWK: json.RawMessage(`{"kid":"k"}`), ExpiresAt: exp},
			map[string]any{"issuer": "https://i", "subject": "s", "scope": []any{}, "jwk": map[string]any{"kid": "k"}, "expires_at": "2030-01-02T02:04:05Z"}},
		{TrustRequest{Issuer: "https://i", AllowAnySubject: true, Subject: "ignored", Scope: []string{"a"}, JWK: json.RawMessage(`{}`), ExpiresAt: exp},
			map[string]any{"issuer": "https://i", "allow_any_subject": true, "scope": []any{"a"}, "jwk": map[string]any{}, "expires_at": "2030-01-02T02:04:05Z"}},
	} {
		b, err := json.Marshal(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		_ = json.Unmarshal(b, &got)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(tc.want)
		if string(gb) != string(wb) {
			t.Errorf("got %s\nwant %s", gb, wb)
		}
	}
}

func TestParseTrust(t *testing.T) {
	tr, err := ParseTrust([]byte(` {"id":"t","issuer":"i","public_key":{"set":"i","kid":"k"},"expires_at":"2030-01-01T00:00:00Z","new":1} `))
	if err != nil || tr.PublicKey.KID != "k" || tr.ExpiresAt.Year() != 2030 || string(tr.Raw[:1]) != "{" {
		t.Fatalf("%+v %v", tr, err)
	}
	if _, err := ParseTrust([]byte(`{"issuer":"i"}`)); err == nil {
		t.Error("a record without id should fail")
	}
}
