package create

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdCreate(t *testing.T) {
	base := "--issuer https://i.example --subject s --expires-in 30d --jwk k.json"
	cmdtest.RunArgvCases(t, NewCmdCreate, []cmdtest.ArgvCase[Options]{
		{Argv: base + " --scope a,b --scope c", Check: func(t *testing.T, o *Options) {
			if o.Issuer != "https://i.example" || o.Subject != "s" || o.ExpiresIn != 30*24*time.Hour || o.JWKFile != "k.json" ||
				!reflect.DeepEqual(o.Scopes, []string{"a", "b", "c"}) {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--issuer https://i --allow-any-subject --expires-at 2099-01-01T00:00:00Z --jwks-url https://i/keys --kid k1", Check: func(t *testing.T, o *Options) {
			if !o.AllowAnySubject || o.ExpiresAt.Year() != 2099 || o.JWKSURL != "https://i/keys" || o.KID != "k1" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--issuer https://i --subject s --expires-in 1h --public-key -", Check: func(t *testing.T, o *Options) {
			if o.PublicKeyFile != "-" || o.ExpiresIn != time.Hour {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--subject s --expires-in 1h --jwk k", WantErr: "--issuer is required"},
		{Argv: "--issuer https://i --expires-in 1h --jwk k", WantErr: "--allow-any-subject"},
		{Argv: "--issuer https://i --subject s --allow-any-subject --expires-in 1h --jwk k", WantErr: "subject"},
		{Argv: "--issuer https://i --subject s --jwk k", WantErr: "needs an expiry"},
		{Argv: "--issuer https://i --subject s --expires-in 1h --expires-at 2099-01-01T00:00:00Z --jwk k", WantErr: "expires"},
		{Argv: "--issuer https://i --subject s --expires-in soon --jwk k", WantErr: "invalid --expires-in"},
		{Argv: "--issuer https://i --subject s --expires-at 2001-01-01T00:00:00Z --jwk k", WantErr: "in the past"},
		{Argv: "--issuer https://i --subject s --expires-in 1h", WantErr: "pass the key"},
		{Argv: "--issuer https://i --subject s --expires-in 1h --jwk k --public-key p", WantErr: "jwk"},
		{Argv: "--issuer https://i --subject s --expires-in 1h --jwks-url ftp://x", WantErr: "invalid --jwks-url"},
		{Argv: "--issuer https://i --subject s --expires-in 1h --jwk - --access-token-file -", WantErr: "stdin"},
		{Argv: base + " -q --format json", WantErr: "cannot be used together"},
		{Argv: "--issuer not-a-url --subject s --expires-in 1h --jwk k", WantErr: "invalid --issuer"},
		{Argv: "--issuer ftp://i.example --subject s --expires-in 1h --jwk k", WantErr: "invalid --issuer"},
	})
}

// A private JWK is sent as its public half only, with the request shape
// Hydra's admin API takes.
func TestCreateRunSendsPublicKeyOnly(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/admin/trust/grants/jwt-bearer/issuers" {
			// The check for a key already stored under the kid: none.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`[]`))
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/admin/trust/grants/jwt-bearer/issuers" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"t1","issuer":"https://i","subject":"s","scope":["a"],"public_key":{"set":"https://i","kid":"k1"},"expires_at":"2099-01-01T00:00:00Z"}`))
	}))
	defer srv.Close()
	priv := `{"kty":"EC","crv":"P-256","kid":"k1","x":"0d6icMFE-d4fWZJ-UC8L4h3nCpq4sokS49shwcHY1JA","y":"HaCmh_cr0bSv7oTmu8mRtnhXMOdTSpiksmHf9h6J13A","d":"x4dzdD3EdCRqOhGn5DOrGFbPVvBRHbAvT8sV2kSwhz0"}`
	path := filepath.Join(t.TempDir(), "k.json")
	if err := os.WriteFile(path, []byte(priv), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _, out, _ := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdCreate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = cmdutil.Connection{Endpoint: srv.URL}
		return createRun(ctx, o)
	}), "--issuer", "https://i", "--subject", "s", "--scope", "a", "--expires-in", "1h", "--jwk", path, "-q")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "t1\n" {
		t.Errorf("stdout %q", out.String())
	}
	jwk, _ := got["jwk"].(map[string]any)
	if jwk["d"] != nil || jwk["kid"] != "k1" || jwk["x"] == nil {
		t.Errorf("jwk sent: %v", jwk)
	}
	if got["subject"] != "s" || got["allow_any_subject"] != nil || got["issuer"] != "https://i" {
		t.Errorf("body: %v", got)
	}
	exp, err := time.Parse(time.RFC3339, got["expires_at"].(string))
	if err != nil || exp.Before(time.Now().Add(50*time.Minute)) || exp.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("expires_at %v", got["expires_at"])
	}
}
