package e2e

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/test/hydratest"
)

// loopbackRedirect is a redirect URI nothing listens on: the authorization
// code fixture stops at it without requesting it.
const loopbackRedirect = "http://127.0.0.1:9/callback"

// createClient creates a client from doc, failing the test on error.
func createClientDoc(t *testing.T, doc map[string]any) hydratest.Client {
	t.Helper()
	c, err := srv.CreateClient(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clientEnv is serverEnv plus the client's ID and secret.
func clientEnv(c hydratest.Client) map[string]string {
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
	return env
}

// writeFile writes content into a new file of the test's temporary
// directory and returns its path.
func writeSecretFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// introspectActive reports whether Hydra says tok is active, asked through
// the CLI, and returns the introspection.
func introspectActive(t *testing.T, tok string) (bool, map[string]any) {
	t.Helper()
	r := run{Env: serverEnv(), Stdin: tok}.hydra(t, "token", "introspect", "--format", "json", "-")
	r.wantCode(t, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("introspection is not JSON: %v\n%s", err, r.Stdout)
	}
	return got["active"] == true, got
}

// wantActive fails the test unless tok is active.
func wantActive(t *testing.T, tok string, active bool) map[string]any {
	t.Helper()
	got, in := introspectActive(t, tok)
	if got != active {
		t.Fatalf("token active = %v, want %v: %v", got, active, in)
	}
	return in
}

// oneLine returns stdout's one line, failing unless stdout is exactly one
// non-empty line.
func (r result) oneLine(t *testing.T) string {
	t.Helper()
	if strings.Count(r.Stdout, "\n") != 1 || !strings.HasSuffix(r.Stdout, "\n") || strings.TrimSpace(r.Stdout) == "" {
		t.Fatalf("stdout should be one line, got %q\nstderr:\n%s", r.Stdout, r.Stderr)
	}
	return strings.TrimSuffix(r.Stdout, "\n")
}

// wantStderr fails unless stderr contains each of want.
func (r result) wantStderr(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("stderr should contain %q:\n%s", w, r.Stderr)
		}
	}
}

// wantNoLeak fails if stdout or stderr holds any of secrets.
func (r result) wantNoLeak(t *testing.T, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && (strings.Contains(r.Stdout, s) || strings.Contains(r.Stderr, s)) {
			t.Errorf("output leaks the secret %q:\nstdout:\n%s\nstderr:\n%s", s, r.Stdout, r.Stderr)
		}
	}
}

// keyPair is a client's signing key: the private half in the formats the
// CLI reads, the public half as registered with Hydra.
type keyPair struct {
	PrivateJWK string // a JWK with kid and alg
	PrivatePEM string // PKCS #8
	PublicJWKS map[string]any
	Alg        string
}

func newKeyPair(t *testing.T, kind string) keyPair {
	t.Helper()
	var priv crypto.Signer
	var alg string
	var err error
	switch kind {
	case "rsa":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
		alg = "RS256"
	case "ec":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		alg = "ES256"
	default:
		t.Fatalf("unknown key kind %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	kid := "e2e-" + kind
	privJWK, err := json.Marshal(jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: alg, Use: "sig"})
	if err != nil {
		t.Fatal(err)
	}
	pubJWK, err := json.Marshal(jose.JSONWebKey{Key: priv.Public(), KeyID: kid, Algorithm: alg, Use: "sig"})
	if err != nil {
		t.Fatal(err)
	}
	var pub map[string]any
	if err := json.Unmarshal(pubJWK, &pub); err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{
		PrivateJWK: string(privJWK),
		PrivatePEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		PublicJWKS: map[string]any{"keys": []any{pub}},
		Alg:        alg,
	}
}

// patchClient changes a client through the admin API with a JSON patch
// (RFC 6902), keeping its secret and its tokens.
func patchClient(t *testing.T, clientID string, ops ...map[string]any) {
	t.Helper()
	body, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPatch, srv.AdminURL+"/admin/clients/"+clientID, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		t.Fatalf("patching client %s: %s: %s", clientID, resp.Status, raw)
	}
}

// replace is a JSON patch operation that sets path to value.
func patchReplace(path string, value any) map[string]any {
	return map[string]any{"op": "replace", "path": path, "value": value}
}
