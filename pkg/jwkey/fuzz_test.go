package jwkey

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// checkMessage fails on an error message that does not start with the
// name of what was read, spans lines, or carries a control character.
func checkMessage(t *testing.T, name string, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, name) && err != ErrEncrypted && !strings.HasPrefix(msg, "PEM block ") && !strings.HasPrefix(msg, "parsing the PEM ") {
		t.Fatalf("the message does not name %q: %q", name, msg)
	}
	if len(msg) > 2000 {
		t.Fatalf("a %d-byte message", len(msg))
	}
}

// FuzzMembers: the one reader of {"keys":[...]} accepts only a JSON
// object, and gives members that are each a JSON object.
func FuzzMembers(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		members, isSet, err := Members(data)
		if err != nil {
			if members != nil {
				t.Fatal("members with an error")
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("invalid JSON accepted: %q", data)
		}
		if !isSet && members != nil {
			t.Fatal("members of a lone JWK")
		}
		for i, m := range members {
			var obj map[string]json.RawMessage
			if json.Unmarshal(m, &obj) != nil || obj == nil {
				t.Fatalf("member %d is not an object: %q", i, m)
			}
		}
	})
}

// FuzzRead: the JWK, JWK Set, PEM and DER reader gives valid keys of the
// kinds accepted, each with a thumbprint, or an error that names the
// input; never a panic.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, accept uint8) {
		const name = "in.key"
		keys, format, err := Read(name, data, Kinds(accept), "WANT")
		if err != nil {
			if keys != nil {
				t.Fatal("keys with an error")
			}
			checkMessage(t, name, err)
			return
		}
		if len(keys) == 0 {
			t.Fatal("no keys and no error")
		}
		if format == 0 {
			t.Fatal("no format")
		}
		for i := range keys {
			k := &keys[i]
			kind := KindOfKey(k)
			if kind == Certificate && !format.Bare() {
				kind = Public
			}
			if Kinds(accept)&kind == 0 {
				t.Fatalf("key %d of kind %d accepted under %d", i, kind, accept)
			}
			if !k.Valid() && !Symmetric(k) {
				t.Fatalf("key %d is not valid: %T", i, k.Key)
			}
			if _, err := Thumbprint(k); err != nil && !Symmetric(k) {
				t.Fatalf("key %d has no thumbprint: %v", i, err)
			}
		}
	})
}

// FuzzParseSigningKey: what the signing-key reader accepts is one private
// key with an algorithm that fits it, and it signs an assertion that its
// public half verifies.
func FuzzParseSigningKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "--private-key key.pem"
		k, err := ParseSigningKey(name, data)
		if err != nil {
			if k != nil {
				t.Fatal("a key with an error")
			}
			checkMessage(t, name, err)
			for _, r := range err.Error() {
				if unicode.IsControl(r) && r != '\n' {
					t.Fatalf("a control character in %q", err)
				}
			}
			return
		}
		if k.JWK.IsPublic() || Symmetric(&k.JWK) {
			t.Fatal("a public or symmetric signing key")
		}
		if err := Fits(string(k.Algorithm), &k.JWK); err != nil {
			t.Fatalf("accepted with an algorithm that does not fit: %v", err)
		}
		if bytes.Contains(data, []byte(`"RSA"`)) || bytes.Contains(data, []byte("RSA PRIVATE")) {
			return // RSA signing is slow; the other keys cover Sign
		}
		s, err := k.Sign("iss", "sub", "aud")
		if err != nil {
			t.Fatalf("a key that cannot sign: %v", err)
		}
		tok, err := jwt.ParseSigned(s, []jose.SignatureAlgorithm{k.Algorithm})
		if err != nil {
			t.Fatal(err)
		}
		pub := k.JWK.Public()
		var c jwt.Claims
		if err := tok.Claims(pub.Key, &c); err != nil || c.Subject != "sub" {
			t.Fatalf("the public half does not verify the assertion: %v", err)
		}
	})
}
