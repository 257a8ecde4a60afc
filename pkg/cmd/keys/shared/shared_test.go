package shared

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

func pemOf(t *testing.T, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
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
			keys, fromPEM, err := ParseKeys("f", tt.data)
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

func pkixName() pkix.Name { return pkix.Name{CommonName: "test"} }

func keysOf(t *testing.T, set string, ks ...jose.JSONWebKey) []Key {
	t.Helper()
	var out []Key
	for _, k := range ks {
		b, err := k.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Key{Set: set, Raw: b})
	}
	return out
}

func TestPrint(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys := keysOf(t, "s",
		jose.JSONWebKey{Key: ec, KeyID: "ec", Algorithm: "ES256", Use: "sig"},
		jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "hmac", Algorithm: "HS256", Use: "sig"},
	)
	d := keys[0].Raw

	print := func(o OutputFlags, tty bool) (string, string, error) {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(tty)
		err := Print(ios, keys, o)
		return out.String(), errOut.String(), err
	}

	out, errOut, err := print(OutputFlags{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(out), &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["kid"] != "ec" {
		t.Fatalf("public output: %v\n%s", err, out)
	}
	if _, ok := set.Keys[0]["d"]; ok || strings.Contains(out, `"k"`) {
		t.Errorf("private material printed without --private:\n%s", out)
	}
	if !strings.Contains(errOut, `"hmac"`) || !strings.Contains(errOut, "symmetric") || strings.Contains(errOut, "warning") {
		t.Errorf("stderr should note the symmetric key left out, and warn of nothing: %q", errOut)
	}

	out, errOut, err = print(OutputFlags{Private: true, Format: printer.Format{Name: printer.JSON}}, true)
	if err != nil || !strings.Contains(out, string(d[:10])) || !strings.Contains(out, `"d":`) || !strings.Contains(out, `"k":`) {
		t.Fatalf("--private: %v\n%s", err, out)
	}
	if !strings.Contains(errOut, "warning: printing private keys to the terminal") {
		t.Errorf("private keys to a terminal need a warning: %q", errOut)
	}
	_, errOut, _ = print(OutputFlags{Private: true}, false)
	if errOut != "" {
		t.Errorf("private keys to a file need no warning: %q", errOut)
	}

	out, _, err = print(OutputFlags{PEM: true}, false)
	if err != nil || strings.Count(out, "BEGIN PUBLIC KEY") != 1 || strings.Contains(out, "PRIVATE") {
		t.Fatalf("pem: %v\n%s", err, out)
	}
	block, _ := pem.Decode([]byte(out))
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !pub.(*ecdsa.PublicKey).Equal(&ec.PublicKey) {
		t.Errorf("the PEM is not the key's public key: %v", err)
	}
	out, errOut, err = print(OutputFlags{PEM: true, Private: true}, true)
	if err != nil || !strings.Contains(out, "BEGIN PRIVATE KEY") || !strings.Contains(errOut, "warning") {
		t.Fatalf("pem --private: %v\n%s\n%s", err, out, errOut)
	}

	out, _, err = print(OutputFlags{Format: printer.Format{Name: printer.Table}}, false)
	if err != nil || !strings.HasPrefix(out, "SET ID") || !strings.Contains(out, "ES256") {
		t.Fatalf("table: %v\n%s", err, out)
	}
}

func TestOutputFlagsParse(t *testing.T) {
	o := OutputFlags{format: "pem"}
	if err := o.Parse(); err != nil || !o.PEM {
		t.Fatalf("pem: %v %v", err, o.PEM)
	}
	o = OutputFlags{format: "nope"}
	if err := o.Parse(); err == nil || !strings.Contains(err.Error(), "pem, json") {
		t.Fatalf("unknown format: %v", err)
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

func TestCompleteKeyIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin/keys/s" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"keys":[{"kid":"k1","alg":"ES256","use":"sig"},{"kid":"k2\u001b[31m"},{"kid":"other","alg":"RS256"}]}`))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := &api.Client{HTTP: srv.Client(), Endpoint: api.Endpoint{BaseURL: u, Kind: api.Admin}}
	got := CompleteKeyIDs(context.Background(), c, []string{"s"}, "k")
	if len(got) != 1 || got[0] != "k1\tES256 sig" {
		t.Errorf("completions: %q", got)
	}
	if got := CompleteKeyIDs(context.Background(), c, nil, ""); got != nil {
		t.Errorf("no set, no completions: %q", got)
	}
	if got := CompleteKeyIDs(context.Background(), c, []string{"missing"}, ""); got != nil {
		t.Errorf("a missing set offers nothing: %q", got)
	}
}
