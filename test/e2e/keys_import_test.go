package e2e

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// pemPair writes a private key and its public half as PEM files, as
// 'openssl genpkey' and 'openssl pkey -pubout' do, and returns their paths
// and the key's RFC 7638 thumbprint.
func pemPair(t *testing.T, priv crypto.Signer) (privPath, pubPath, thumb string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	privPath, pubPath = filepath.Join(dir, "key.pem"), filepath.Join(dir, "key.pub.pem")
	if err := os.WriteFile(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600); err != nil {
		t.Fatal(err)
	}
	tp, err := (&jose.JSONWebKey{Key: priv.Public()}).Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return privPath, pubPath, base64.RawURLEncoding.EncodeToString(tp)
}

// wantPrivate fails unless Hydra's set holds the key kid with its private
// half.
func wantPrivate(t *testing.T, set, kid string) {
	t.Helper()
	r := hydra(t, "keys", "get", set, "--kid", kid, "--private", "--format", "json")
	r.wantCode(t, 0)
	if k := jwks(t, r); len(k) != 1 || k[0].IsPublic() {
		t.Fatalf("the private key %q of %q is gone: %s", kid, set, r.Stdout)
	}
}

// Issue 22 point 5: importing the public half of a stored key pair, or
// restoring the public output of "keys get", replaced the private key and
// exited 0. It refuses now, and --force is the way to mean it.
func TestKeysImportKeepsPrivateKeys(t *testing.T) {
	set := fmt.Sprintf("e2e-s7-%d", time.Now().UnixNano())
	t.Cleanup(func() { hydra(t, "keys", "delete", set) })
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	privPEM, pubPEM, thumb := pemPair(t, rk)

	hydra(t, "keys", "import", set, privPEM, "--alg", "RS256", "--use", "sig").wantCode(t, 0)
	wantPrivate(t, set, thumb)

	r := hydra(t, "keys", "import", set, pubPEM, "--alg", "RS256", "--use", "sig")
	r.wantCode(t, 1)
	r.wantStderr(t, fmt.Sprintf(`the set %q holds the private key of %q`, set, thumb), "Nothing was imported", "--force")
	if r.Stdout != "" {
		t.Errorf("a refused import printed %q", r.Stdout)
	}
	wantPrivate(t, set, thumb)

	// The natural backup and restore: "keys get" prints public keys.
	hydra(t, "keys", "create", set, "made-by-hydra", "--alg", "ES256").wantCode(t, 0)
	r = hydra(t, "keys", "get", set)
	r.wantCode(t, 0)
	backup := writeSecretFile(t, "backup.json", r.Stdout)
	r = hydra(t, "keys", "import", set, backup)
	r.wantCode(t, 1)
	r.wantStderr(t, `"made-by-hydra"`, fmt.Sprintf("%q", thumb), "--force")
	wantPrivate(t, set, thumb)
	wantPrivate(t, set, "made-by-hydra")

	// A public key into a set that does not exist yet: nothing to lose.
	fresh := set + "-pub"
	t.Cleanup(func() { hydra(t, "keys", "delete", fresh) })
	hydra(t, "keys", "import", fresh, pubPEM, "--alg", "RS256", "--use", "sig", "-q").wantCode(t, 0)

	// The private half can be imported again; --force replaces.
	hydra(t, "keys", "import", set, privPEM, "--alg", "RS256", "--use", "sig", "-q").wantCode(t, 0)
	wantPrivate(t, set, thumb)
	r = hydra(t, "keys", "import", set, pubPEM, "--alg", "RS256", "--use", "sig", "--force", "-q")
	r.wantCode(t, 0)
	if r.Stdout != thumb+"\n" {
		t.Errorf("-q prints the key ID: %q", r.Stdout)
	}
	r = hydra(t, "keys", "get", set, "--kid", thumb, "--private", "--format", "json")
	r.wantCode(t, 0)
	if k := jwks(t, r); len(k) != 1 || !k[0].IsPublic() {
		t.Fatalf("--force replaces the private key: %s", r.Stdout)
	}
}

// Issue 22 point 10: the algorithm must be one that "keys create" takes,
// and fit the key's type and curve; a JWK's own values are named when they
// override a flag. Nothing is stored for a refused import.
func TestKeysImportAlgorithmFitsTheKey(t *testing.T) {
	set := fmt.Sprintf("e2e-alg-%d", time.Now().UnixNano())
	t.Cleanup(func() { hydra(t, "keys", "delete", set) })
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaPEM, _, _ := pemPair(t, rk)
	ecPEM, _, ecThumb := pemPair(t, ec)
	a, _ := os.ReadFile(rsaPEM)
	b, _ := os.ReadFile(ecPEM)
	both := writeSecretFile(t, "both.pem", string(a)+string(b))

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{rsaPEM, "--alg", "ES256"}, "--alg ES256 does not fit the key, an RSA key: use RS256, RS384, RS512"},
		{[]string{rsaPEM, "--alg", "XX256"}, `unknown --alg "XX256"`},
		{[]string{ecPEM, "--alg", "ES384"}, "--alg ES384 does not fit the key, a P-256 key: use ES256"},
		{[]string{both, "--alg", "RS256"}, "--alg RS256 does not fit key 1, a P-256 key: use ES256"},
	} {
		r := hydra(t, append([]string{"keys", "import", set, "--use", "sig"}, tt.args...)...)
		r.wantCode(t, 2)
		r.wantStderr(t, tt.want)
	}
	hydra(t, "keys", "get", set).wantCode(t, 1) // nothing was stored: no set

	jwk, _ := jose.JSONWebKey{Key: ec, KeyID: "own-kid", Algorithm: "ES256", Use: "sig"}.MarshalJSON()
	r := hydra(t, "keys", "import", set, writeSecretFile(t, "k.json", string(jwk)), "--kid", "flag-kid", "--use", "enc", "-q")
	r.wantCode(t, 0)
	r.wantStderr(t, `keeps its own kid "own-kid"; --kid flag-kid applies only to keys without one`, `keeps its own use "sig"`)
	if r.Stdout != "own-kid\n" {
		t.Errorf("stdout %q", r.Stdout)
	}
	r = hydra(t, "keys", "import", set, ecPEM, "--alg", "ES256", "--use", "sig", "-q")
	r.wantCode(t, 0)
	if r.Stdout != ecThumb+"\n" {
		t.Errorf("a PEM key's ID is its thumbprint: %q", r.Stdout)
	}
}

// The documented way to save a private key writes it at 0600, and never
// over a file without --force.
func TestKeysGetOutWritesPrivateKeysAt0600(t *testing.T) {
	set := fmt.Sprintf("e2e-out-%d", time.Now().UnixNano())
	t.Cleanup(func() { hydra(t, "keys", "delete", set) })
	hydra(t, "keys", "create", set, "k", "--alg", "ES256").wantCode(t, 0)
	path := filepath.Join(t.TempDir(), "private.pem")
	r := hydra(t, "keys", "get", set, "--private", "--format", "pem", "--out", path)
	r.wantCode(t, 0)
	if r.Stdout != "" {
		t.Errorf("stdout %q", r.Stdout)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", err, st)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("file: %s", b)
	}
	r = hydra(t, "keys", "get", set, "--out", path)
	r.wantCode(t, 2)
	r.wantStderr(t, "--force")
	// What was written imports back as the same private key.
	hydra(t, "keys", "import", set, path, "--alg", "ES256", "--use", "sig", "--kid", "k").wantCode(t, 0)
	wantPrivate(t, set, "k")
}
