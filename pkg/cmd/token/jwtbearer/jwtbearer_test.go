package jwtbearer

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdJWTBearer(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdJWTBearer, []cmdtest.ArgvCase[Options]{
		{Argv: "--assertion-file tok.jwt --scope a,b --client-id c", Check: func(t *testing.T, o *Options) {
			if o.AssertionFile != "tok.jwt" || !reflect.DeepEqual(o.Scopes, []string{"a", "b"}) || o.Credentials.ClientID != "c" {
				t.Errorf("%+v", o)
			}
			// Without a secret the method is left to the shared rule, which
			// makes the client public when Resolve finds no secret.
			if o.Credentials.AuthMethod != "" {
				t.Errorf("without a secret the method is the shared rule's: %q", o.Credentials.AuthMethod)
			}
		}},
		{Argv: "--assertion-env GL_TOKEN --client-secret-file s.txt", Check: func(t *testing.T, o *Options) {
			if o.AssertionEnv != "GL_TOKEN" || o.Credentials.AuthMethod != shared.AuthBasic {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--assertion-from github-actions --assertion-audience https://aud", Check: func(t *testing.T, o *Options) {
			if o.AssertionFrom != FromGitHubActions || o.Audience != "https://aud" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--private-key k.pem --issuer https://i --subject s", Check: func(t *testing.T, o *Options) {
			if o.SigningKey != "k.pem" || o.Credentials.PrivateKey != "" || o.Issuer != "https://i" || o.Subject != "s" ||
				o.Credentials.AuthMethod == shared.AuthPrivateKeyJWT {
				t.Errorf("the old spelling: --private-key with --issuer and --subject signs the assertion: %+v", o)
			}
			if !o.oldSpelling {
				t.Error("the old spelling is not marked, so no warning is printed")
			}
		}},
		{Argv: "--assertion-key k.pem --issuer https://i --subject s", Check: func(t *testing.T, o *Options) {
			if o.SigningKey != "k.pem" || o.Credentials.PrivateKey != "" || o.oldSpelling || o.Credentials.AuthMethod == shared.AuthPrivateKeyJWT {
				t.Errorf("--assertion-key signs the assertion: %+v", o)
			}
		}},
		{Argv: "--assertion-file a --private-key c.pem", Check: func(t *testing.T, o *Options) {
			if o.SigningKey != "" || o.Credentials.PrivateKey != "c.pem" || o.Credentials.AuthMethod != shared.AuthPrivateKeyJWT {
				t.Errorf("--private-key is the client's private_key_jwt key beside another assertion source: %+v", o)
			}
		}},
		{Argv: "--assertion-key k.pem --private-key c.pem --issuer https://i --subject s", Check: func(t *testing.T, o *Options) {
			if o.SigningKey != "k.pem" || o.Credentials.PrivateKey != "c.pem" || o.oldSpelling || o.Credentials.AuthMethod != shared.AuthPrivateKeyJWT {
				t.Errorf("both keys, each in its role: %+v", o)
			}
		}},
		{Argv: "--assertion-key - --private-key - --issuer i --subject s", WantErr: "stdin"},
		{Argv: "--assertion-key k.pem --assertion-file a", WantErr: "assertion"},
		{Argv: "--private-key k.pem --issuer https://i --subject s --auth-method private_key_jwt", Check: func(t *testing.T, o *Options) {
			if o.SigningKey != "k.pem" || o.Credentials.AuthMethod != shared.AuthPrivateKeyJWT || o.Credentials.PrivateKey != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "no assertion"},
		{Argv: "--assertion-file a --assertion-env B", WantErr: "assertion"},
		{Argv: "--assertion-from jenkins", WantErr: "unknown --assertion-from"},
		{Argv: "--assertion-from buildkite", WantErr: "one issuer (https://agent.buildkite.com)"},
		{Argv: "--assertion-from gitlab --assertion-env GL", Check: func(t *testing.T, o *Options) {
			if o.AssertionFrom != FromGitLab || o.gitLabVariable() != "GL" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--assertion-from gitlab", Check: func(t *testing.T, o *Options) {
			if o.gitLabVariable() != DefaultGitLabVariable {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--assertion-from kubernetes", Check: func(t *testing.T, o *Options) {
			if o.kubernetesFile() != DefaultKubernetesFile {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--assertion-from auto --assertion-env GL --assertion-file f", Check: func(t *testing.T, o *Options) {}},
		{Argv: "--assertion-from gitlab --assertion-file f", WantErr: "--assertion-file does not apply"},
		{Argv: "--assertion-from kubernetes --assertion-env X", WantErr: "--assertion-env does not apply"},
		{Argv: "--assertion-from circleci --assertion-env X", WantErr: "do not apply"},
		{Argv: "--private-key k.pem --issuer https://i", WantErr: "needs --issuer and --subject"},
		{Argv: "--assertion-file a --subject s", WantErr: "are for the assertion that --assertion-key signs"},
		{Argv: "--assertion-file a --assertion-audience x", Check: func(t *testing.T, o *Options) {
			if o.Audience != "x" {
				t.Errorf("--assertion-audience is the aud checked in an assertion from a file: %+v", o)
			}
		}},
		{Argv: "--assertion-env X=eyJ", WantErr: "variable's name"},
		{Argv: "--assertion-file - --client-secret-file -", WantErr: "stdin"},
		{Argv: "--assertion-file a --auth-method magic", WantErr: "unknown --auth-method"},
		{Argv: "--assertion-file a --format nope", WantErr: "nope"},
	})
}

func TestLooksLikeJWT(t *testing.T) {
	for s, want := range map[string]bool{"a.b.c": true, "a.b.": true, "a..c": false, "a.b": false, "a.b.c.d.e": false, "a b.c.d": false, "eyJ.eyJ.sig-_=": true} {
		if looksLikeJWT(s) != want {
			t.Errorf("%q: want %v", s, want)
		}
	}
}

// A GitHub Actions stand-in answers only a correctly authorised request;
// the assertion then rides on one grant, through the shared grant layer,
// with the client's ID and no secret.
func TestTokenFromGitHubActions(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var tokenURL string
	var gotAudience, gotAuth string
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/idtoken":
			gotAuth, gotAudience = r.Header.Get("Authorization"), r.URL.Query().Get("audience")
			if r.Header.Get("X-Hydra") != "" {
				t.Error("a -H header meant for Hydra reached GitHub")
			}
			k := &shared.SigningKey{JWK: jose.JSONWebKey{Key: key, KeyID: "k1"}, Algorithm: jose.ES256}
			a, err := k.Sign("https://token.actions.githubusercontent.com", "repo:o/r:ref:refs/heads/main", gotAudience)
			if err != nil {
				t.Fatal(err)
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"value": a})
		case api.TokenPath:
			_ = r.ParseForm()
			form = r.PostForm
			_, _ = w.Write([]byte(`{"access_token":"at-1","token_type":"bearer","expires_in":60}`))
		}
	}))
	defer srv.Close()
	tokenURL = srv.URL + api.TokenPath
	env := map[string]string{
		"OAUTH2_CLIENT_ID":    "ci",
		EnvGitHubRequestURL:   srv.URL + "/idtoken?api-version=2.0",
		EnvGitHubRequestToken: "req-token",
	}
	f, _, out, errOut := cmdtest.Factory(env)
	err := cmdtest.Run(NewCmdJWTBearer(f, func(ctx context.Context, o *Options) error {
		o.Conn = cmdutil.Connection{Endpoint: srv.URL, Headers: []string{"X-Hydra: 1"}}
		return jwtBearerRun(ctx, o)
	}), "--assertion-from", "github-actions", "--scope", "deploy")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if out.String() != "at-1\n" {
		t.Errorf("stdout %q", out.String())
	}
	if gotAuth != "bearer req-token" || gotAudience != tokenURL {
		t.Errorf("GitHub got Authorization %q, audience %q", gotAuth, gotAudience)
	}
	if form.Get("grant_type") != api.JWTBearerGrantType || form.Get("client_id") != "ci" || form.Get("client_secret") != "" ||
		form.Get("scope") != "deploy" || !looksLikeJWT(form.Get("assertion")) {
		t.Errorf("grant form %v", form)
	}
	c := readClaims(form.Get("assertion"))
	if c.Sub != "repo:o/r:ref:refs/heads/main" || c.KID != "k1" || len(c.Aud) != 1 || c.Aud[0] != tokenURL || c.JTI == "" {
		t.Errorf("claims %+v", c)
	}
	if strings.Contains(errOut.String(), form.Get("assertion")) {
		t.Error("the assertion leaked to stderr")
	}
}
