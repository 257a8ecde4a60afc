package jwkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func pemOf(t *testing.T, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func pkixName() pkix.Name { return pkix.Name{CommonName: "test"} }

func rsaPEMs(t *testing.T) (*rsa.PrivateKey, string, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(k)
	return k,
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func TestParseKeys(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(ec)
	pkix, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(edKey)
	jwk, _ := jose.JSONWebKey{Key: ec, KeyID: "k1", Algorithm: "ES256", Use: "sig"}.MarshalJSON()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkixName(), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ec.PublicKey, ec)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		data    []byte
		n       int
		private bool
		fromPEM bool
		wantErr string
	}{
		{name: "pkcs8", data: pemOf(t, "PRIVATE KEY", pkcs8), n: 1, private: true, fromPEM: true},
		{name: "pkcs1", data: pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), n: 1, private: true, fromPEM: true},
		{name: "sec1", data: pemOf(t, "EC PRIVATE KEY", sec1), n: 1, private: true, fromPEM: true},
		{name: "ed25519", data: pemOf(t, "PRIVATE KEY", edPKCS8), n: 1, private: true, fromPEM: true},
		{name: "public", data: pemOf(t, "PUBLIC KEY", pkix), n: 1, fromPEM: true},
		{name: "pair", data: append(pemOf(t, "PRIVATE KEY", pkcs8), pemOf(t, "PUBLIC KEY", pkix)...), n: 2, private: true, fromPEM: true},
		{name: "certificate", data: pemOf(t, "CERTIFICATE", cert), n: 1, fromPEM: true},
		{name: "der", data: pkcs8, n: 1, private: true, fromPEM: true},
		{name: "jwk", data: jwk, n: 1, private: true},
		{name: "jwks", data: []byte(`{"keys":[` + string(jwk) + `]}`), n: 1, private: true},
		{name: "empty", data: []byte("\n"), wantErr: "is empty"},
		{name: "encrypted", data: pemOf(t, "ENCRYPTED PRIVATE KEY", []byte{1}), wantErr: "encrypted"},
		{name: "garbage", data: []byte("hello"), wantErr: "neither a JWK"},
		{name: "bad jwk", data: []byte(`{"kty":"nope"}`), wantErr: "not a valid JWK"},
		{name: "empty set", data: []byte(`{"keys":[]}`), wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, format, err := Read("f", tt.data, Private|Public|Certificate|EncryptedAdvice, "a key")
			fromPEM := format.Bare()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != tt.n || fromPEM != tt.fromPEM || keys[0].IsPublic() == tt.private {
				t.Fatalf("got %d keys (fromPEM %v, first public %v)", len(keys), fromPEM, keys[0].IsPublic())
			}
			if tt.n == 2 {
				a, _ := Thumbprint(&keys[0])
				b, _ := Thumbprint(&keys[1])
				if a != b || a == "" {
					t.Errorf("the halves of a pair should share a thumbprint: %q, %q", a, b)
				}
			}
		})
	}
}

func TestGenerateSigningKey(t *testing.T) {
	for _, alg := range []string{"ES256", "ES384", "ES512", "PS256"} {
		k, err := GenerateSigningKey(alg)
		if err != nil {
			t.Fatal(alg, err)
		}
		if k.IsPublic() || k.Algorithm != alg || k.Use != "sig" || len(k.KeyID) != 43 {
			t.Errorf("%s: %+v", alg, k)
		}
		set, err := PublicSet(k)
		if err != nil || strings.Contains(string(set), `"d"`) {
			t.Errorf("%s: public set %v %s", alg, err, set)
		}
		if _, got, err := ReadPublicSet("set", set); err != nil || got != alg {
			t.Errorf("%s: the public set reads back: %v", alg, err)
		}
		priv, _ := k.MarshalJSON()
		if _, _, err := ReadPublicSet("f", priv); err == nil || !strings.Contains(err.Error(), "private key") {
			t.Errorf("%s: a private key must be refused: %v", alg, err)
		}
	}
	for _, alg := range []string{"HS256", "EdDSA"} {
		if _, err := GenerateSigningKey(alg); err == nil {
			t.Errorf("%s: Hydra does not take it for private_key_jwt", alg)
		}
	}
}

func TestWritePrivateKey(t *testing.T) {
	k, _ := GenerateSigningKey("ES256")
	path := t.TempDir() + "/key.json"
	remove, err := WritePrivateKey(path, k)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	var back jose.JSONWebKey
	b, _ := os.ReadFile(path)
	if err := back.UnmarshalJSON(b); err != nil || back.IsPublic() || back.KeyID != k.KeyID || back.Algorithm != "ES256" {
		t.Errorf("read back: %v %+v", err, back)
	}
	if _, err := WritePrivateKey(path, k); err == nil || !strings.Contains(err.Error(), "never written over") {
		t.Errorf("overwrite: %v", err)
	}
	if err := remove(); err != nil {
		t.Error(err)
	}
}

func TestParseSigningKey(t *testing.T) {
	_, pkcs8, pkcs1 := rsaPEMs(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}))
	jwk, _ := json.Marshal(jose.JSONWebKey{Key: ec, KeyID: "k1", Algorithm: "ES384"})
	pub, _ := json.Marshal(jose.JSONWebKey{Key: ec.Public(), KeyID: "k1"})
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkixName(), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, ec.Public(), ec)
	if err != nil {
		t.Fatal(err)
	}
	cert := string(pemOf(t, "CERTIFICATE", certDER))

	tests := []struct {
		name    string
		data    string
		alg     jose.SignatureAlgorithm
		kid     string
		wantErr string
	}{
		{"PKCS8 RSA", pkcs8, jose.RS256, "", ""},
		{"PKCS1 RSA", pkcs1, jose.RS256, "", ""},
		{"SEC1 EC", ecPEM, jose.ES384, "", ""},
		{"JWK", string(jwk), jose.ES384, "k1", ""},
		{"JWK set of one", `{"keys":[` + string(jwk) + `]}`, jose.ES384, "k1", ""},
		{"public JWK", string(pub), "", "", "public key"},
		{"empty", "\n", "", "", "key.pem is empty"},
		{"alg of another key", strings.Replace(string(jwk), `"ES384"`, `"RS256"`, 1), "", "", "RS256 does not fit a P-384 key"},
		{"JWK set of two", `{"keys":[` + string(jwk) + `,` + string(jwk) + `]}`, "", "", "holds 2 private keys"},
		{"encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "", "", "encrypted"},
		{"certificate", cert, "", "", "a certificate, not a private key"},
		{"key and certificate", ecPEM + cert, jose.ES384, "", ""},
		{"two private keys", pkcs8 + ecPEM, "", "", "holds 2 private keys"},
		{"garbage", "hello", "", "", "neither a JWK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseSigningKey("key.pem", []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Algorithm != tt.alg || k.JWK.KeyID != tt.kid {
				t.Errorf("alg %s kid %q, want %s %q", k.Algorithm, k.JWK.KeyID, tt.alg, tt.kid)
			}
		})
	}
}

func TestFits(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		alg     string
		key     any
		wantErr string
	}{
		{"ES256", ec, ""},
		{"ES256", &ec.PublicKey, ""},
		{"ES384", ec, "ES384 does not fit a P-256 key, which signs with ES256"},
		{"ES384", ec384, ""},
		{"RS256", rk, ""},
		{"PS512", &rk.PublicKey, ""},
		{"ES256", rk, "does not fit an RSA key"},
		{"EdDSA", ed, ""},
		{"RS256", ed, "does not fit an Ed25519 key"},
		{"XX256", rk, `unknown algorithm "XX256"`},
		{"HS256", []byte("k"), ""},
		{"HS256", ec, "does not fit a P-256 key"},
	}
	for _, tt := range tests {
		err := Fits(tt.alg, &jose.JSONWebKey{Key: tt.key})
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s with %T: %v, want %q", tt.alg, tt.key, err, tt.wantErr)
		}
	}
}

func TestWriteSecretFileOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/private.pem"
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteSecretFile(path, []byte("new"), false); !errors.Is(err, ErrExists) {
		t.Fatalf("without overwrite: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("a refused write changed the file: %q", b)
	}
	if _, err := WriteSecretFile(path, []byte("new"), true); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != "new" || st.Mode().Perm() != 0o600 {
		t.Fatalf("overwritten: %q at %v; want the new data at 0600, not the old file's mode", b, st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestMembers(t *testing.T) {
	for in, want := range map[string]string{
		`{"keys":[{"kty":"EC"},{}]}`: "2 set",
		`{"kty":"EC"}`:               "0 lone",
		`{"keys":[]}`:                "0 set",
		`{"keys":{}}`:                "error",
		`{"keys":[1]}`:               "error",
		`[]`:                         "error",
		`null`:                       "error",
	} {
		m, isSet, err := Members([]byte(in))
		got := "error"
		if err == nil {
			got = fmt.Sprintf("%d lone", len(m))
			if isSet {
				got = fmt.Sprintf("%d set", len(m))
			}
		}
		if got != want {
			t.Errorf("%s: %s (%v), want %s", in, got, err, want)
		}
	}
}
