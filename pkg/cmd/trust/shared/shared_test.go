package shared

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

func ecKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseJWKSKeepsSigningKeysOnly(t *testing.T) {
	k1, k2 := ecKey(t), ecKey(t)
	set := map[string]any{"keys": []any{
		jose.JSONWebKey{Key: k1.Public(), KeyID: "sig1", Algorithm: "ES256", Use: "sig"},
		jose.JSONWebKey{Key: k2.Public(), KeyID: "enc1", Use: "enc"},
		jose.JSONWebKey{Key: k2, KeyID: "priv"},
		jose.JSONWebKey{Key: k1.Public()},
		jose.JSONWebKey{Key: []byte("0123456789abcdef"), KeyID: "hmac"},
		map[string]any{"kty": "nonsense", "kid": "x"},
	}}
	raw, _ := json.Marshal(set)
	keys, skipped, err := ParseJWKS(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].KID != "sig1" || keys[1].KID != "priv" {
		t.Fatalf("keys %+v", keys)
	}
	if strings.Contains(string(keys[1].JWK), `"d"`) {
		t.Errorf("the private part survived: %s", keys[1].JWK)
	}
	if len(skipped) != 4 {
		t.Errorf("skipped %q", skipped)
	}
}

func TestParsePEMThumbprintKID(t *testing.T) {
	k := ecKey(t)
	der, _ := x509.MarshalPKIXPublicKey(k.Public())
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	a, err := ParsePEM(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	privDER, _ := x509.MarshalPKCS8PrivateKey(k)
	b, err := ParsePEM(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}), "")
	if err != nil {
		t.Fatal(err)
	}
	if a.KID == "" || a.KID != b.KID || string(a.JWK) != string(b.JWK) {
		t.Errorf("the same key should give the same kid and JWK: %s / %s", a.JWK, b.JWK)
	}
	c, _ := ParsePEM(pub, "mine")
	if c.KID != "mine" {
		t.Errorf("--kid should win: %s", c.KID)
	}
	if _, err := ParsePEM([]byte("nope"), ""); err == nil {
		t.Error("not PEM should fail")
	}
}

func TestParseJWKFromSet(t *testing.T) {
	k1, k2 := ecKey(t), ecKey(t)
	raw, _ := json.Marshal(map[string]any{"keys": []any{
		jose.JSONWebKey{Key: k1.Public(), KeyID: "a"}, jose.JSONWebKey{Key: k2.Public(), KeyID: "b"}}})
	if _, err := ParseJWK(raw, ""); err == nil || !strings.Contains(err.Error(), "--kid") {
		t.Errorf("two keys without --kid: %v", err)
	}
	k, err := ParseJWK(raw, "b")
	if err != nil || k.KID != "b" {
		t.Errorf("%v %v", k, err)
	}
	if _, err := ParseJWK(raw, "c"); err == nil {
		t.Error("unknown kid should fail")
	}
}

func TestParseLifetime(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 720 * time.Hour, "90m": 90 * time.Minute, "1h30m": 90 * time.Minute} {
		if got, err := ParseLifetime("--x", in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0s", "-1h", "d", "3w"} {
		if _, err := ParseLifetime("--x", in); err == nil {
			t.Errorf("%q should fail", in)
		}
	}
}

func TestAnySubjectWarning(t *testing.T) {
	if w := AnySubjectWarning("https://token.actions.githubusercontent.com"); !strings.Contains(w, "GitHub") {
		t.Errorf("GitHub: %q", w)
	}
	if w := AnySubjectWarning("https://gitlab.com"); w == "" {
		t.Error("gitlab.com should warn")
	}
	if w := AnySubjectWarning("https://gitlab.example.com"); w != "" {
		t.Errorf("a self-hosted GitLab signs for one organisation: %q", w)
	}
}

// "choose one with --kid" is a usage error wherever the key set comes
// from, as it is for --jwks-url.
func TestParseJWKChooseOneIsAUsageError(t *testing.T) {
	k1, k2 := ecKey(t), ecKey(t)
	b, _ := json.Marshal(map[string]any{"keys": []any{
		jose.JSONWebKey{Key: k1.Public(), KeyID: "a", Use: "sig"},
		jose.JSONWebKey{Key: k2.Public(), KeyID: "b", Use: "sig"},
	}})
	_, err := ParseJWK(b, "")
	if err == nil || !strings.Contains(err.Error(), "choose one with --kid") || cmdutil.ExitCodeOf(fmt.Errorf("--jwk f: %w", err)) != cmdutil.ExitUsage {
		t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCodeOf(err))
	}
	if k, err := ParseJWK(b, "b"); err != nil || k.KID != "b" {
		t.Fatalf("--kid b: %v %+v", err, k)
	}
}
