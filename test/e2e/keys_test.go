package e2e

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// jwks decodes a JWK Set printed by the CLI.
func jwks(t *testing.T, r result) []jose.JSONWebKey {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(r.Stdout), &set); err != nil {
		t.Fatalf("not a JWK Set: %v\n%s", err, r.Stdout)
	}
	return set.Keys
}

// TestKeysLifecycle creates, fetches, exports, deletes and imports a key
// set through both spellings against the real Hydra.
func TestKeysLifecycle(t *testing.T) {
	set := fmt.Sprintf("e2e-set-%d", time.Now().UnixNano())

	// Created with the v1 spelling; the output has no private key.
	r := hydra(t, "keys", "create", set, "k1", "--alg", "ES256", "--format", "json")
	r.wantCode(t, 0)
	keys := jwks(t, r)
	if len(keys) != 1 || keys[0].KeyID != "k1" || keys[0].Algorithm != "ES256" || !keys[0].IsPublic() {
		t.Fatalf("create: %+v\n%s", keys, r.Stdout)
	}
	// A second key with the v2 spelling.
	r = hydra(t, "create", "jwk", set, "--alg", "EdDSA", "--use", "sig", "--public", "--format", "json")
	r.wantCode(t, 0)
	if k := jwks(t, r); len(k) != 1 || k[0].Algorithm != "EdDSA" {
		t.Fatalf("create jwk: %s", r.Stdout)
	}

	// Completion: Hydra's own sets (the API cannot list sets), and the
	// key IDs of the set named.
	r = hydra(t, "__complete", "keys", "get", "")
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, "hydra.openid.id-token\t") {
		t.Errorf("set names: %q", r.Stdout)
	}
	r = hydra(t, "__complete", "delete", "jwk", set, "--kid", "")
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, "k1\tES256 sig") {
		t.Errorf("key IDs: %q", r.Stdout)
	}

	// Fetched with both spellings.
	r = hydra(t, "get", "jwk", set, "--format", "table")
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, "k1") || !strings.Contains(r.Stdout, "EdDSA") || strings.Count(r.Stdout, "\n") != 3 {
		t.Fatalf("get jwk table:\n%s", r.Stdout)
	}
	r = hydra(t, "keys", "get", set, "--kid", "k1", "--format", "json")
	r.wantCode(t, 0)
	if k := jwks(t, r); len(k) != 1 || !k[0].IsPublic() {
		t.Fatalf("keys get --kid: public key only: %s", r.Stdout)
	}
	r = hydra(t, "keys", "get", set, "--kid", "k1", "--private", "--format", "json")
	r.wantCode(t, 0)
	priv := jwks(t, r)
	if len(priv) != 1 || priv[0].IsPublic() {
		t.Fatalf("--private shows the private key: %s", r.Stdout)
	}

	// Exported as PEM: the public key is the one Hydra holds.
	r = hydra(t, "keys", "get", set, "--kid", "k1", "--format", "pem")
	r.wantCode(t, 0)
	block, _ := pem.Decode([]byte(r.Stdout))
	if block == nil || block.Type != "PUBLIC KEY" {
		t.Fatalf("pem: %s", r.Stdout)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !pub.(*ecdsa.PublicKey).Equal(priv[0].Public().Key) {
		t.Fatalf("the PEM is not k1's public key: %v", err)
	}
	r = hydra(t, "get", "jwks", set, "--kid", "k1", "--private", "--format", "pem")
	r.wantCode(t, 0)
	privatePEM := r.Stdout
	if !strings.HasPrefix(privatePEM, "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("pem --private: %s", privatePEM)
	}

	// One key deleted, then the set.
	r = hydra(t, "delete", "jwk", set, "--kid", "k1")
	r.wantCode(t, 0)
	r = hydra(t, "keys", "get", set, "--kid", "k1")
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, `no key "k1"`) {
		t.Errorf("a deleted key is named missing: %s", r.Stderr)
	}
	r = hydra(t, "keys", "delete", set)
	r.wantCode(t, 0)
	if r.Stdout != "JSON Web Key Set deleted: "+set+"\n" {
		t.Errorf("delete prints Hydra v1's line: %q", r.Stdout)
	}
	r = hydra(t, "get", "jwk", set)
	r.wantCode(t, 1)
	r = hydra(t, "keys", "delete", set)
	r.wantCode(t, 1)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "no key set") {
		t.Errorf("deleting a set that is gone is not a success: %q %q", r.Stdout, r.Stderr)
	}

	// Imported back from the PEM (v2 spelling), which needs --alg and --use.
	pemFile := writeSecretFile(t, "k1.pem", privatePEM)
	r = hydra(t, "import", "jwk", set, pemFile)
	r.wantCode(t, 2)
	r = hydra(t, "import", "jwk", set, pemFile, "--alg", "ES256", "--use", "sig", "--kid", "k1", "--format", "json")
	r.wantCode(t, 0)
	r = hydra(t, "keys", "get", set, "--kid", "k1", "--private", "--format", "json")
	r.wantCode(t, 0)
	if k := jwks(t, r); len(k) != 1 || !k[0].Public().Key.(*ecdsa.PublicKey).Equal(priv[0].Public().Key) || k[0].IsPublic() {
		t.Fatalf("the PEM import holds the same private key: %s", r.Stdout)
	}

	// Imported from a JWK file (v1 spelling), into the same set.
	other := priv[0]
	other.KeyID = "from-jwk"
	b, _ := other.Public().MarshalJSON()
	r = hydra(t, "keys", "import", set, writeSecretFile(t, "k.json", string(b)), "--format", "json")
	r.wantCode(t, 0)
	r = hydra(t, "keys", "get", set, "--format", "json")
	r.wantCode(t, 0)
	got := map[string]bool{}
	for _, k := range jwks(t, r) {
		got[k.KeyID] = true
	}
	if !got["k1"] || !got["from-jwk"] || len(got) != 2 {
		t.Fatalf("the set holds both imported keys: %v", got)
	}
	hydra(t, "keys", "delete", set).wantCode(t, 0)
}
