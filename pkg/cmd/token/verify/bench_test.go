package verify

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func benchSetup(b *testing.B) (*verifier, string, *rsa.PrivateKey) {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	raw, _ := json.Marshal(set)
	ks := shared.NewKeySet("bench", func(context.Context) ([]byte, error) { return raw, nil })
	if err := ks.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
	now := time.Now()
	c, _ := json.Marshal(map[string]any{"aud": []string{}, "client_id": "2b1c3f0e-6a1f-4f7e-9f0a-1b2c3d4e5f60", "exp": now.Add(time.Hour).Unix(), "ext": map[string]any{}, "iat": now.Unix(), "iss": "http://i", "jti": "0b1c3f0e-6a1f-4f7e-9f0a-000000000001", "nbf": now.Unix(), "scp": []string{"read"}, "sub": "2b1c3f0e-6a1f-4f7e-9f0a-1b2c3d4e5f60"})
	o, _ := signer.Sign(c)
	s, _ := o.CompactSerialize()
	return &verifier{keys: ks, now: time.Now, checks: checks{issuer: "http://i", leeway: time.Minute}}, s, k
}

func BenchmarkVerifyToken(b *testing.B) {
	v, tok, _ := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.verify(context.Background(), tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRSAVerifyPKCS1v15(b *testing.B) {
	_, _, k := benchSetup(b)
	h := sha256.Sum256([]byte("x"))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	for b.Loop() {
		if err := rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, h[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyStream runs token verify - over 1,000 RS256 tokens per
// iteration, as the bench's figure 8 does over 100,000: reading stdin,
// verifying on every core, and writing the NDJSON in input order.
func BenchmarkVerifyStream(b *testing.B) {
	_, tok, k := benchSetup(b)
	raw, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	file := filepath.Join(b.TempDir(), "jwks.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	const n = 1000
	in := strings.Repeat(tok+"\n", n)
	b.ReportAllocs()
	for b.Loop() {
		f, stdin, stdout, _ := cmdtest.Factory(nil)
		stdin.WriteString(in)
		o := Options{Token: "-", JWKSFile: file, Issuer: "http://i", Leeway: DefaultLeeway}
		o.IO, o.Factory = f.IOStreams, f
		if err := verifyStream(context.Background(), &o); err != nil {
			b.Fatal(err)
		}
		if c := strings.Count(stdout.String(), `"valid":true`); c != n {
			b.Fatalf("%d valid results, want %d", c, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
