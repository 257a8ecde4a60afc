package jwtbearer

import (
	"encoding/base64"
	"testing"
)

func jwtWith(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(payload)) + ".sig"
}

func TestAssertionIdentity(t *testing.T) {
	for _, tc := range []struct {
		payload  string
		iss, sub string
		ok       bool
	}{
		{`{"iss":"https://ci.example","sub":"repo:a"}`, "https://ci.example", "repo:a", true},
		// Exactly as sent: no cleaning that could make two identities one.
		{`{"iss":"https://ci.example","sub":"repo:a\u0007"}`, "https://ci.example", "repo:a\a", true},
		{`{"iss":"https://ci.example"}`, "", "", false},
		{`{"iss":"https://ci.example","sub":""}`, "", "", false},
		{`{"iss":"https://ci.example","sub":7}`, "", "", false},
		{`not json`, "", "", false},
	} {
		iss, sub, ok := assertionIdentity(jwtWith(tc.payload))
		if iss != tc.iss || sub != tc.sub || ok != tc.ok {
			t.Errorf("%s: %q %q %v", tc.payload, iss, sub, ok)
		}
	}
	if _, _, ok := assertionIdentity("a.b"); ok {
		t.Error("two parts accepted")
	}
}
