package importcmd

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/hydratoken/hydra/pkg/cmd/keys/internal/keystest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdImport(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdImport, []cmdtest.ArgvCase[Options]{
		{Argv: "s", Check: func(t *testing.T, o *Options) {
			if o.Set != "s" || len(o.Files) != 1 || o.Files[0] != "-" {
				t.Errorf("no file reads stdin: %+v", o)
			}
		}},
		{Argv: "s a.pem b.json --alg RS256 --use sig --default-key-id k", Check: func(t *testing.T, o *Options) {
			if len(o.Files) != 2 || o.Algorithm != "RS256" || o.Use != "sig" || o.KeyID != "" || o.DefaultKeyID != "k" {
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

// writeKey writes a key in PEM to a file in dir and returns its path.
func writeKey(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportAlgorithmFitsTheKey(t *testing.T) {
	dir := t.TempDir()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	rsaPEM := writeKey(t, dir, "rsa.pem", "PRIVATE KEY", rsaDER)
	ecPEM := writeKey(t, dir, "ec.pem", "PRIVATE KEY", ecDER)
	both := filepath.Join(dir, "both.pem")
	a, _ := os.ReadFile(rsaPEM)
	b, _ := os.ReadFile(ecPEM)
	_ = os.WriteFile(both, append(a, b...), 0o600)
	mismatched, _ := jose.JSONWebKey{Key: ec, KeyID: "j", Algorithm: "RS256", Use: "sig"}.MarshalJSON()
	jwkFile := filepath.Join(dir, "k.json")
	_ = os.WriteFile(jwkFile, mismatched, 0o600)

	srv := keystest.New(t)
	run := func(args ...string) (string, error) {
		f, _, _, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdImport(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return importRun(ctx, o)
		}), args...)
		return errOut.String(), err
	}
	for _, tt := range []struct {
		args    []string
		wantErr string
		usage   bool
	}{
		{[]string{"s", rsaPEM, "--alg", "ES256", "--use", "sig"}, "--alg ES256 does not fit the key, an RSA key: use RS256, RS384, RS512", true},
		{[]string{"s", rsaPEM, "--alg", "XX256", "--use", "sig"}, `unknown --alg "XX256"`, true},
		{[]string{"s", ecPEM, "--alg", "ES384", "--use", "sig"}, "--alg ES384 does not fit the key, a P-256 key: use ES256", true},
		{[]string{"s", both, "--alg", "RS256", "--use", "sig"}, "--alg RS256 does not fit key 1, a P-256 key: use ES256", true},
		{[]string{"s", jwkFile}, "its alg RS256 does not fit the key, a P-256 key", false},
	} {
		_, err := run(tt.args...)
		if tt.usage {
			cmdtest.WantUsageError(t, err, tt.wantErr)
		} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) || cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure {
			t.Errorf("%v: %v, want %q (exit 1)", tt.args, err, tt.wantErr)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for keys that were refused", n)
	}

	// A JWK's own values win over the flags, with a note.
	own, _ := jose.JSONWebKey{Key: ec, KeyID: "own", Algorithm: "ES256", Use: "enc"}.MarshalJSON()
	_ = os.WriteFile(jwkFile, own, 0o600)
	errOut, err := run("s", jwkFile, "--alg", "ES256", "--use", "sig", "--kid", "flag", "-q")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`keeps its own use "enc"; --use sig applies only to keys without one`, `keeps its own kid "own"; --kid flag`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "own alg") {
		t.Errorf("an alg equal to --alg overrides nothing:\n%s", errOut)
	}
}

func TestImportQuiet(t *testing.T) {
	srv := keystest.New(t)
	k := keystest.NewECKey("q1")
	b, _ := k.MarshalJSON()
	f, in, out, _ := cmdtest.Factory(nil)
	in.Write(b)
	err := cmdtest.Run(NewCmdImport(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return importRun(ctx, o)
	}), "s", "-q")
	if err != nil || out.String() != "q1\n" {
		t.Fatalf("-q prints the imported key IDs: %v %q", err, out.String())
	}
	f, _, _, _ = cmdtest.Factory(nil)
	cmdtest.WantUsageError(t, cmdtest.Run(NewCmdImport(f, nil), "s", "-q", "--format", "json"), "cannot be used together")
}

// A public-only key never silently replaces a stored private key of the
// same ID: the import refuses, sends no PUT, and --force overrides.
func TestImportKeepsStoredPrivateKeys(t *testing.T) {
	dir := t.TempDir()
	srv := keystest.New(t)
	priv := keystest.NewECKey("k1")
	srv.Put("s", priv)
	pub, _ := priv.Public().MarshalJSON()
	backup := filepath.Join(dir, "backup.json")
	_ = os.WriteFile(backup, []byte(`{"keys":[`+string(pub)+`]}`), 0o600)

	run := func(args ...string) (string, error) {
		f, _, _, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdImport(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return importRun(ctx, o)
		}), args...)
		return errOut.String(), err
	}
	_, err := run("s", backup)
	if err == nil || !strings.Contains(err.Error(), `the set "s" holds the private key of "k1"`) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("want a refusal that names the key and --force: %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			t.Fatalf("a refused import sent %s %s", r.Method, r.Path)
		}
	}
	if !strings.Contains(string(srv.Set("s")[0]), `"d"`) {
		t.Fatal("the private key is gone")
	}

	// Into another set, or a new key ID, nothing is lost.
	if _, err := run("other", backup); err != nil {
		t.Fatalf("a set without the private key: %v", err)
	}
	if _, err := run("s", backup, "--force"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(srv.Set("s")[0]), `"d"`) {
		t.Fatal("--force replaces the private key")
	}
}

// Under Hydra v1's spelling (keys import), a PEM needs no --alg or --use
// (sig, and the key type's algorithm), --default-key-id stores
// private:ID and public:ID as v1 did, and the output is v1's lines unless
// the tool's -q or --format asks otherwise. Under Hydra v2's (import jwk),
// "use" defaults to sig, a key without a kid gets a random UUID, and the
// output is Hydra's table.
func TestImportRunStyles(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(ec)
	pubDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	priv := writeKey(t, dir, "key.pem", "PRIVATE KEY", der)
	pub := writeKey(t, dir, "key.pub.pem", "PUBLIC KEY", pubDER)

	srv := keystest.New(t)
	run := func(style printer.Style, args ...string) (string, string, error) {
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdImportStyled(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return importRun(ctx, o)
		}, style), args...)
		return out.String(), errOut.String(), err
	}
	v1, v2 := printer.Style{HydraV1: true}, printer.Style{HydraTable: true, HydraPaths: true}

	out, errOut, err := run(v1, "s1", priv, pub, "--default-key-id", "k")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	want := "Successfully loaded key from file: " + priv + "\nSuccessfully loaded key from file: " + pub + "\nJSON Web Key Set successfully imported!\n"
	if out != want {
		t.Errorf("v1's lines:\n%q\nwant\n%q", out, want)
	}
	if !strings.Contains(errOut, `storing ES256`) {
		t.Errorf("the chosen alg is named on stderr: %q", errOut)
	}
	got := map[string]map[string]any{}
	for _, raw := range srv.Set("s1") {
		var k map[string]any
		_ = json.Unmarshal(raw, &k)
		got[k["kid"].(string)] = k
	}
	if p, q := got["private:k"], got["public:k"]; len(got) != 2 || p == nil || q == nil || p["d"] == nil || q["d"] != nil ||
		p["alg"] != "ES256" || p["use"] != "sig" || q["use"] != "sig" {
		t.Errorf("--default-key-id stores private:k and public:k, alg ES256, use sig: %v", got)
	}
	out, _, err = run(v1, "s1", priv, "--default-key-id", "k", "-q")
	if err != nil || out != "private:k\n" {
		t.Errorf("-q keeps the tool's shape under v1's spelling: %v %q", err, out)
	}

	out, errOut, err = run(v2, "s2", priv, "--alg", "ES256")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	stored := srv.Set("s2")
	var k map[string]any
	if len(stored) != 1 || json.Unmarshal(stored[0], &k) != nil || k["use"] != "sig" || len(k["kid"].(string)) != 36 {
		t.Fatalf("v2: use sig and a UUID kid: %s", stored)
	}
	wantTable := "SET ID\tKEY ID\t\t\t\t\tALGORITHM\tUSE\t\ns2\t" + k["kid"].(string) + "\tES256\t\tsig\t\t\t\t\n"
	if out != wantTable {
		t.Errorf("v2: Hydra's table:\n%q\nwant\n%q", out, wantTable)
	}
	_, _, err = run(v2, "s2", pub)
	cmdtest.WantUsageError(t, err, `no "alg": pass --alg`)
}
