package shared

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// checkKey fails unless k is a public key whose JWK carries k.KID.
func checkKey(t *testing.T, k Key) {
	t.Helper()
	if k.KID == "" {
		t.Fatal("a key without a kid")
	}
	var jwk jose.JSONWebKey
	if err := json.Unmarshal(k.JWK, &jwk); err != nil {
		t.Fatalf("the JWK does not parse: %v: %s", err, k.JWK)
	}
	if !jwk.IsPublic() || jwk.KeyID != k.KID {
		t.Fatalf("not a public key with kid %q: %s", k.KID, k.JWK)
	}
}

// FuzzParseJWKS: an issuer's key set, as any server may send it, gives
// public signing keys with distinct kids, or an error; never a panic, and
// never a private key. Seeds are in testdata/fuzz/FuzzParseJWKS.
func FuzzParseJWKS(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, _, err := ParseJWKS(data)
		if err != nil {
			if keys != nil {
				t.Fatal("keys with an error")
			}
			return
		}
		seen := map[string]bool{}
		for _, k := range keys {
			checkKey(t, k)
			if seen[k.KID] {
				t.Fatalf("kid %q twice", k.KID)
			}
			seen[k.KID] = true
		}
	})
}

// FuzzParseKey: --jwk and --public-key's readers give one public key, with
// the kid asked for when one is, or an error; never a panic, and never a
// private key. Seeds are in testdata/fuzz/FuzzParseKey.
func FuzzParseKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, kid string, pem bool) {
		parse := ParseJWK
		if pem {
			parse = ParsePEM
		}
		k, err := parse(data, kid)
		if err != nil {
			if k.KID != "" || k.JWK != nil {
				t.Fatal("a key with an error")
			}
			return
		}
		checkKey(t, k)
		if pem && kid != "" && k.KID != kid {
			t.Fatalf("kid %q, asked for %q", k.KID, kid)
		}
	})
}

// FuzzParseLifetime: --expires-in and --renew-before give a positive
// duration that is what was written (no overflow of a count of days), or a
// usage error. Seeds are in testdata/fuzz/FuzzParseLifetime.
func FuzzParseLifetime(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseLifetime("--expires-in", s)
		if err != nil {
			if d != 0 {
				t.Fatal("a duration with an error")
			}
			return
		}
		if d <= 0 {
			t.Fatalf("%q gives %v", s, d)
		}
		if days, ok := strings.CutSuffix(s, "d"); ok {
			n, err := strconv.ParseInt(days, 10, 64)
			if err != nil || d/(24*time.Hour) != time.Duration(n) || d%(24*time.Hour) != 0 {
				t.Fatalf("%q gives %v", s, d)
			}
		} else if want, err := time.ParseDuration(s); err != nil || want != d {
			t.Fatalf("%q gives %v, want %v", s, d, want)
		}
	})
}
