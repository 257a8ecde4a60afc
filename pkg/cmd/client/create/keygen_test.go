package create

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdCreateKeyFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "key.json")
	exists := filepath.Join(t.TempDir(), "exists.json")
	if err := os.WriteFile(exists, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(pub, []byte(`{"keys":[{"kty":"EC","kid":"k1","crv":"P-256","alg":"ES256","x":"31OK0STad0HbQIK5elGqpnB_tsVpJccbb9ixCaPFkaI","y":"gX4TBcHuVkapY4IJsCr89zTEfYLIiB1gRFHjhUruDsk"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wantKey := func(alg string) func(*testing.T, *Options) {
		return func(t *testing.T, o *Options) {
			if o.Key.key == nil || o.Key.Algorithm != alg || o.Key.key.Algorithm != alg {
				t.Fatalf("key: %+v", o.Key)
			}
			var jwks jose.JSONWebKeySet
			if err := json.Unmarshal(o.Fields["jwks"], &jwks); err != nil || len(jwks.Keys) != 1 || !jwks.Keys[0].IsPublic() || jwks.Keys[0].KeyID != o.Key.key.KeyID {
				t.Errorf("jwks: %v %s", err, o.Fields["jwks"])
			}
			if o.Fields.String("token_endpoint_auth_method") != "private_key_jwt" || o.Fields.String("token_endpoint_auth_signing_alg") != alg ||
				len(o.Fields.String("client_secret")) < 40 {
				t.Errorf("fields: %v", o.Fields)
			}
		}
	}
	cmdtest.RunArgvCases(t, NewCmdCreate, []cmdtest.ArgvCase[Options]{
		{Argv: "--generate-key --private-key-out " + out, Check: wantKey("RS256")},
		{Argv: "--generate-key ES256 --private-key-out " + out, Check: wantKey("ES256")},
		{Argv: "--generate-key=PS256 --private-key-out " + out + " --token-endpoint-auth-method private_key_jwt", Check: wantKey("PS256")},
		{Argv: "--jwks " + pub + " --token-endpoint-auth-method private_key_jwt", Check: func(t *testing.T, o *Options) {
			if !strings.Contains(string(o.Fields["jwks"]), `"k1"`) || o.Fields.String("token_endpoint_auth_signing_alg") != "ES256" {
				t.Errorf("--jwks FILE: %v", o.Fields)
			}
		}},
		{Argv: "--generate-key", WantErr: "needs --private-key-out"},
		{Argv: "--generate-key --private-key-out -", WantErr: "needs a file"},
		{Argv: "--generate-key --private-key-out " + exists, WantErr: "never written over"},
		{Argv: "--private-key-out " + out, WantErr: "needs --generate-key"},
		{Argv: "--generate-key=HS256 --private-key-out " + out, WantErr: "unknown --generate-key algorithm"},
		{Argv: "--generate-key HS256 --private-key-out " + out, WantErr: "takes no arguments"},
		{Argv: "--generate-key --private-key-out " + out + " --secret-file s", WantErr: "give only one of"},
		{Argv: "--generate-key --private-key-out " + out + " --token-endpoint-auth-method none", WantErr: "contradicts --generate-key"},
		{Argv: "--jwks /nonexistent", WantErr: "--jwks: reading /nonexistent"},
		{Argv: "--jwks {\"kty\":\"EC\"}", WantErr: "--jwks"},
	})
}

func TestCreateRunGenerateKey(t *testing.T) {
	srv := clienttest.New(t)
	keyFile := filepath.Join(t.TempDir(), "key.json")
	run := func(args ...string) (string, string, error) {
		f, _, out, errOut := cmdtest.Factory(map[string]string{EnvSecret: "env-secret-unused"})
		err := cmdtest.Run(NewCmdCreate(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return o.Key.run(ctx, o, createRun)
		}), args...)
		return out.String(), errOut.String(), err
	}
	out, errOut, err := run("--generate-key=ES256", "--private-key-out", keyFile, "--id", "c1")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if strings.Contains(out, "secret") || strings.Contains(errOut, "secret") || !strings.Contains(errOut, keyFile) {
		t.Errorf("no secret shown or warned about; the key file named:\nstdout %q\nstderr %q", out, errOut)
	}
	sent := srv.Client("c1")
	if sent["token_endpoint_auth_method"] != "private_key_jwt" || sent["client_secret"] == "env-secret-unused" || sent["client_secret"] == "" {
		t.Errorf("sent: %v", sent)
	}
	b, err := os.ReadFile(keyFile)
	var k jose.JSONWebKey
	if err != nil || k.UnmarshalJSON(b) != nil || k.IsPublic() {
		t.Fatalf("key file: %v %s", err, b)
	}

	// A refused client takes its key file with it.
	other := filepath.Join(t.TempDir(), "other.json")
	_, _, err = run("--generate-key=ES256", "--private-key-out", other, "--id", "c1")
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("409: %v", err)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("the key of a client that was refused stays: %v", err)
	}
}
