package jwtbearer

import (
	"testing"
	"unicode"
)

// FuzzReadAssertion reads any text as an assertion, as the cache key and
// the explanation of Hydra's refusals do, without verifying it: never a
// panic; an identity only with a non-empty iss and sub; and claims that
// are printable, since they go into messages. Seeds are in
// testdata/fuzz/FuzzReadAssertion.
func FuzzReadAssertion(f *testing.F) {
	f.Fuzz(func(t *testing.T, jwt string) {
		iss, sub, ok := assertionIdentity(jwt)
		if ok != (iss != "" && sub != "") {
			t.Fatalf("ok %v with iss %q and sub %q", ok, iss, sub)
		}
		c := readClaims(jwt)
		for _, s := range append([]string{c.Iss, c.Sub, c.JTI, c.KID}, c.Aud...) {
			for _, r := range s {
				if unicode.IsControl(r) {
					t.Fatalf("a control character in a claim: %q", s)
				}
			}
		}
	})
}
