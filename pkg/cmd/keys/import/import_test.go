package importcmd

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/keys/internal/keystest"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdImport(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdImport, []cmdtest.ArgvCase[Options]{
		{Argv: "s", Check: func(t *testing.T, o *Options) {
			if o.Set != "s" || len(o.Files) != 1 || o.Files[0] != "-" {
				t.Errorf("no file reads stdin: %+v", o)
			}
		}},
		{Argv: "s a.pem b.json --alg RS256 --use sig --default-key-id k", Check: func(t *testing.T, o *Options) {
			if len(o.Files) != 2 || o.Algorithm != "RS256" || o.Use != "sig" || o.KeyID != "k" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "a set name"},
		{Argv: "s - -", WantErr: "only once"},
		{Argv: "s f --use both", WantErr: `unknown --use`},
	})
}

func TestImportRun(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ec)
	pub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	pair := filepath.Join(dir, "pair.pem")
	pemData := append(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	if err := os.WriteFile(pair, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	jwkKey := keystest.NewECKey("from-jwk")
	jwk, _ := jwkKey.MarshalJSON()

	srv := keystest.New(t)
	run := func(stdin string, args ...string) (string, string, error) {
		f, in, out, errOut := cmdtest.Factory(nil)
		in.WriteString(stdin)
		err := cmdtest.Run(NewCmdImport(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return importRun(ctx, o)
		}), args...)
		return out.String(), errOut.String(), err
	}

	_, _, err := run("", "s", pair)
	cmdtest.WantUsageError(t, err, `no "alg": pass --alg`)
	if len(srv.Requests()) != 0 {
		t.Fatal("nothing is sent when a key cannot be completed")
	}

	out, errOut, err := run(string(jwk), "s", pair, "-", "--alg", "ES256", "--use", "sig", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	stored := srv.Set("s")
	if len(stored) != 2 {
		t.Fatalf("the pair's halves are one key, plus the JWK: %d stored\n%s", len(stored), stored)
	}
	var first map[string]any
	_ = json.Unmarshal(stored[0], &first)
	if first["d"] == nil || first["alg"] != "ES256" || first["use"] != "sig" || first["kid"] == "" {
		t.Errorf("the private half is stored, with alg, use and a thumbprint kid: %v", first)
	}
	if !strings.Contains(out, `"kid":"from-jwk"`) || strings.Contains(out, `"d"`) {
		t.Errorf("output: the imported keys, public parts: %s", out)
	}

	_, _, err = run("", "s", pair, "--alg", "ES256", "--use", "sig", "--kid", "mine")
	if err != nil || srv.Set("s")[2] == nil || !strings.Contains(string(srv.Set("s")[2]), `"kid":"mine"`) {
		t.Fatalf("--kid names a PEM key: %v %s", err, srv.Set("s"))
	}
}
