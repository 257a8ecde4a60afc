package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// TestClientCreateGenerateKey makes a private_key_jwt client in one step
// and gets a token with its key, with no secret anywhere.
func TestClientCreateGenerateKey(t *testing.T) {
	for _, alg := range []string{"", "ES256", "PS384"} {
		t.Run("alg="+alg, func(t *testing.T) {
			keyFile := filepath.Join(t.TempDir(), "key.json")
			args := []string{"client", "create", "-g", "client_credentials", "-a", "read", "--private-key-out", keyFile, "--format", "json"}
			if alg == "" {
				args = append(args, "--generate-key")
			} else {
				// "--generate-key ALG", with a space, as a person types it.
				args = append(args, "--generate-key", alg)
			}
			// A secret left in the environment is not used.
			env := serverEnv()
			env["HYDRA_CLIENT_SECRET"] = "left-over-secret"
			r := run{Env: env}.hydra(t, args...)
			r.wantCode(t, 0)
			r.assertClean(t)
			var c map[string]any
			if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
				t.Fatalf("%v\n%s", err, r.Stdout)
			}
			want := alg
			if want == "" {
				want = "RS256"
			}
			if c["token_endpoint_auth_method"] != "private_key_jwt" || c["token_endpoint_auth_signing_alg"] != want {
				t.Errorf("client: %v", c)
			}
			if s, _ := c["client_secret"].(string); s != "" || strings.Contains(r.Stderr, "secret") {
				t.Errorf("no secret is asked for or warned about: secret %q, stderr %q", s, r.Stderr)
			}
			st, err := os.Stat(keyFile)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v %v", err, st)
			}
			var priv jose.JSONWebKey
			b, _ := os.ReadFile(keyFile)
			if err := priv.UnmarshalJSON(b); err != nil || priv.IsPublic() {
				t.Fatalf("the key file holds the private key: %v", err)
			}
			jwks, _ := json.Marshal(c["jwks"])
			var set jose.JSONWebKeySet
			if err := json.Unmarshal(jwks, &set); err != nil || len(set.Keys) != 1 || !set.Keys[0].IsPublic() || set.Keys[0].KeyID != priv.KeyID {
				t.Fatalf("the client's jwks is the public key, with the key's kid: %v %s", err, jwks)
			}
			if !strings.Contains(r.Stderr, keyFile) {
				t.Errorf("stderr names the key file: %q", r.Stderr)
			}

			// The key works as is, with no secret anywhere.
			id, _ := c["client_id"].(string)
			tr := run{Env: serverEnv()}.hydra(t, "token", "client", "--client-id", id, "--private-key", keyFile, "--scope", "read")
			tr.wantCode(t, 0)
			wantActive(t, strings.TrimSpace(tr.Stdout), true)

			// Never over an existing file.
			r = run{Env: serverEnv()}.hydra(t, "client", "create", "--generate-key", "--private-key-out", keyFile)
			r.wantCode(t, 2)
			if b2, _ := os.ReadFile(keyFile); string(b2) != string(b) {
				t.Error("the key file was changed")
			}
		})
	}
}

// TestClientCreateJWKSFile registers a given public key set from a file
// and from stdin, and refuses a private one.
func TestClientCreateJWKSFile(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	priv := jose.JSONWebKey{Key: ec, KeyID: "k1", Algorithm: "ES256", Use: "sig"}
	pubJSON, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{priv.Public()}})
	privJSON, _ := priv.MarshalJSON()
	pubFile := writeSecretFile(t, "jwks.json", string(pubJSON))

	r := hydra(t, "client", "create", "-g", "client_credentials", "--token-endpoint-auth-method", "private_key_jwt", "--jwks", pubFile, "--format", "json")
	if !strings.Contains(r.Stderr, "token_endpoint_auth_signing_alg is ES256") {
		t.Errorf("the keys' alg is taken: %s", r.Stderr)
	}
	r.wantCode(t, 0)
	var c map[string]any
	_ = json.Unmarshal([]byte(r.Stdout), &c)
	if jwks, _ := json.Marshal(c["jwks"]); !strings.Contains(string(jwks), `"kid":"k1"`) {
		t.Fatalf("--jwks FILE: %s", r.Stdout)
	}
	id, _ := c["client_id"].(string)
	keyFile := writeSecretFile(t, "key.json", string(privJSON))
	hydra(t, "token", "client", "--client-id", id, "--private-key", keyFile).wantCode(t, 0)

	r = run{Env: serverEnv(), Stdin: string(pubJSON)}.hydra(t, "create", "oauth2-client", "--jwks", "-", "--format", "json")
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, `"k1"`) {
		t.Fatalf("--jwks -: %s", r.Stdout)
	}

	r = hydra(t, "client", "create", "--jwks", keyFile)
	r.wantCode(t, 2)
	if !strings.Contains(r.Stderr, "private key") || strings.Contains(r.Stderr, `"d"`) {
		t.Errorf("a private key set is refused: %s", r.Stderr)
	}
}
