package shared

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestCredentialsValidate(t *testing.T) {
	tests := []struct {
		name    string
		c       Credentials
		method  string
		wantErr string
	}{
		{"default is settled by Resolve", Credentials{}, "", ""},
		{"private key implies jwt", Credentials{PrivateKey: "k"}, AuthPrivateKeyJWT, ""},
		{"a secret flag implies basic", Credentials{Secret: cmdutil.Secret{File: "f"}}, AuthBasic, ""},
		{"post", Credentials{AuthMethod: AuthPost}, AuthPost, ""},
		{"unknown", Credentials{AuthMethod: "tls_client_auth"}, "", "valid methods are client_secret_basic, client_secret_post, private_key_jwt, none"},
		{"none", Credentials{AuthMethod: AuthNone}, AuthNone, ""},
		{"secret with none", Credentials{AuthMethod: AuthNone, Secret: cmdutil.Secret{File: "f"}}, "", "sends no client secret"},
		{"key with post", Credentials{AuthMethod: AuthPost, PrivateKey: "k"}, "", "--private-key needs --auth-method private_key_jwt"},
		{"secret with jwt", Credentials{PrivateKey: "k", Secret: cmdutil.Secret{Value: "s"}}, "", "sends no client secret"},
		{"bad token URL", Credentials{TokenURL: "ftp://x"}, "", "invalid --token-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || tt.c.AuthMethod != tt.method {
				t.Fatalf("err = %v, method = %q, want %q", err, tt.c.AuthMethod, tt.method)
			}
		})
	}
}

func TestCredentialsResolve(t *testing.T) {
	env := map[string]string{EnvClientID: "env-id", EnvClientSecret: "env-secret"}
	tests := []struct {
		name       string
		c          Credentials
		env        map[string]string
		stdin      string
		wantID     string
		wantSecret string
		wantErr    []string
		wantWarn   bool
	}{
		{"env", Credentials{AuthMethod: AuthBasic}, env, "", "env-id", "env-secret", nil, false},
		{"flags before env", Credentials{AuthMethod: AuthBasic, ClientID: "flag-id", Secret: cmdutil.Secret{Flag: "client-secret", Env: EnvClientSecret, Value: "flag-secret"}},
			env, "", "flag-id", "flag-secret", nil, true},
		{"quiet", Credentials{AuthMethod: AuthBasic, Quiet: true, Secret: cmdutil.Secret{Flag: "client-secret", Env: EnvClientSecret, Value: "flag-secret"}},
			env, "", "env-id", "flag-secret", nil, false},
		{"stdin", Credentials{AuthMethod: AuthBasic, Secret: cmdutil.Secret{Flag: "client-secret", Env: EnvClientSecret, File: "-"}},
			env, "a: %+& b\n", "env-id", "a: %+& b", nil, false},
		{"no id", Credentials{AuthMethod: AuthBasic}, map[string]string{EnvClientSecret: "s"}, "", "", "",
			[]string{"no client ID", "--client-id", EnvClientID, "hydra token client --help"}, false},
		{"no secret", Credentials{AuthMethod: AuthPost, Secret: cmdutil.Secret{Env: EnvClientSecret}}, map[string]string{EnvClientID: "id"}, "", "", "",
			[]string{"no client secret", "--auth-method client_secret_post needs one", "--client-secret-file", EnvClientSecret}, false},
		{"no key", Credentials{AuthMethod: AuthPrivateKeyJWT}, env, "", "", "",
			[]string{"no private key", "--private-key"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, stdin, _, stderr := cmdtest.Factory(tt.env)
			stdin.WriteString(tt.stdin)
			if tt.c.Secret.Env == "" {
				tt.c.Secret.Env = EnvClientSecret
			}
			a, err := tt.c.Resolve(f, "hydra token client")
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("want an error")
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error should contain %q: %v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ClientID != tt.wantID || a.Secret != tt.wantSecret {
				t.Errorf("got %q/%q, want %q/%q", a.ClientID, a.Secret, tt.wantID, tt.wantSecret)
			}
			if got := strings.Contains(stderr.String(), "warning:"); got != tt.wantWarn {
				t.Errorf("warning = %v, want %v: %q", got, tt.wantWarn, stderr.String())
			}
			if strings.Contains(stderr.String(), tt.wantSecret) {
				t.Errorf("stderr leaks the secret")
			}
		})
	}
}

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

func TestAssertion(t *testing.T) {
	priv, pkcs8, _ := rsaPEMs(t)
	k, err := jwkey.ParseSigningKey("key.pem", []byte(pkcs8))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := k.Assertion("my-client", "https://hydra.example/oauth2/token")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := k.Assertion("my-client", "https://hydra.example/oauth2/token")
	tok, err := jwt.ParseSigned(s1, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var c jwt.Claims
	if err := tok.Claims(&priv.PublicKey, &c); err != nil {
		t.Fatalf("the signature does not verify: %v", err)
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: "my-client", Subject: "my-client", AnyAudience: jwt.Audience{"https://hydra.example/oauth2/token"}, Time: time.Now()}, 0); err != nil {
		t.Errorf("claims: %v", err)
	}
	if c.ID == "" || c.Expiry == nil || c.Expiry.Time().After(time.Now().Add(10*time.Minute)) {
		t.Errorf("want a jti and a short expiry: %+v", c)
	}
	var c2 jwt.Claims
	tok2, _ := jwt.ParseSigned(s2, []jose.SignatureAlgorithm{jose.RS256})
	_ = tok2.UnsafeClaimsWithoutVerification(&c2)
	if c.ID == c2.ID {
		t.Errorf("two assertions share the jti %s", c.ID)
	}
}

// tokenServer is a stub token endpoint that records the requests.
type tokenServer struct {
	*httptest.Server
	calls  atomic.Int32
	form   url.Values
	header http.Header
}

func newTokenServer(t *testing.T, status int, body string) *tokenServer {
	ts := &tokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.calls.Add(1)
		raw, _ := io.ReadAll(r.Body)
		ts.form, _ = url.ParseQuery(string(raw))
		ts.header = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func connectTo(t *testing.T, f *cmdutil.Factory, endpoint string, headers ...string) *Session {
	t.Helper()
	conn := &cmdutil.Connection{Kind: api.Public, Endpoint: endpoint, Timeout: 5 * time.Second, Retries: 2, Headers: headers}
	s, err := Connect(f, conn, &Credentials{}, false)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const okBody = `{"access_token":"at-1","expires_in":3599,"scope":"read","token_type":"bearer","x_extra":{"a":1}}`

func TestGrantAuthMethods(t *testing.T) {
	secret := `a: %+& b`
	_, pkcs8, _ := rsaPEMs(t)
	key, _ := jwkey.ParseSigningKey("key.pem", []byte(pkcs8))
	tests := []struct {
		name  string
		auth  *Auth
		check func(t *testing.T, form url.Values, h http.Header)
	}{
		{"basic form-encodes id and secret", &Auth{ClientID: "my:client", Method: AuthBasic, Secret: secret}, func(t *testing.T, form url.Values, h http.Header) {
			want := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("my:client")+":"+url.QueryEscape(secret)))
			if h.Get("Authorization") != want {
				t.Errorf("Authorization = %q, want %q", h.Get("Authorization"), want)
			}
			if form.Has("client_secret") {
				t.Errorf("the secret is also in the form")
			}
		}},
		{"post", &Auth{ClientID: "id", Method: AuthPost, Secret: secret}, func(t *testing.T, form url.Values, h http.Header) {
			if form.Get("client_id") != "id" || form.Get("client_secret") != secret || h.Get("Authorization") != "" {
				t.Errorf("form %v, Authorization %q", form, h.Get("Authorization"))
			}
		}},
		{"none sends the ID alone", &Auth{ClientID: "public", Method: AuthNone}, func(t *testing.T, form url.Values, h http.Header) {
			if form.Get("client_id") != "public" || form.Has("client_secret") || h.Get("Authorization") != "" {
				t.Errorf("form %v, Authorization %q", form, h.Get("Authorization"))
			}
		}},
		{"private_key_jwt", &Auth{ClientID: "id", Method: AuthPrivateKeyJWT, Key: key}, func(t *testing.T, form url.Values, h http.Header) {
			if form.Get("client_assertion_type") != ClientAssertionType || form.Get("client_assertion") == "" || form.Has("client_secret") || h.Get("Authorization") != "" {
				t.Errorf("form %v, Authorization %q", form, h.Get("Authorization"))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t, 200, okBody)
			f, _, _, _ := cmdtest.Factory(nil)
			s := connectTo(t, f, ts.URL)
			s.Auth = tt.auth
			tok, err := s.Token(context.Background(), ClientCredentials([]string{"read", "write"}, []string{"a", "b"}))
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != "at-1" || string(tok.Raw) != okBody {
				t.Errorf("token %q, raw %s", tok.AccessToken, tok.Raw)
			}
			if ts.form.Get("grant_type") != "client_credentials" || ts.form.Get("scope") != "read write" || ts.form.Get("audience") != "a b" {
				t.Errorf("form = %v", ts.form)
			}
			tt.check(t, ts.form, ts.header)
		})
	}
}

func TestGrantRefreshOverridesGrantType(t *testing.T) {
	ts := newTokenServer(t, 200, okBody)
	f, _, _, _ := cmdtest.Factory(nil)
	s := connectTo(t, f, ts.URL, "X-Test: 1")
	s.Auth = &Auth{ClientID: "id", Method: AuthBasic, Secret: "s"}
	_, err := s.Token(context.Background(), RefreshToken("rt"))
	if err != nil {
		t.Fatal(err)
	}
	if ts.form.Get("grant_type") != "refresh_token" || ts.form.Get("refresh_token") != "rt" || ts.form.Has("scope") {
		t.Errorf("form = %v", ts.form)
	}
	if ts.header.Get("X-Test") != "1" {
		t.Errorf("-H was not applied to the token request")
	}
}

func TestGrantErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"invalid_client", 401, `{"error":"invalid_client","error_description":"Client authentication failed."}`,
			[]string{"401 Unauthorized", "invalid_client: Client authentication failed.", "/oauth2/token", "--auth-method (client_secret_basic)"}},
		{"hint", 400, `{"error":"invalid_scope","error_description":"The requested scope is invalid.","error_hint":"The client may not request scope 'admin'."}`,
			[]string{"invalid_scope", "hint: The client may not request scope 'admin'.", "--scope"}},
		{"unauthorized_client", 400, `{"error":"unauthorized_client","error_description":"The client is not authorized."}`,
			[]string{"unauthorized_client", "grant_types"}},
		{"invalid_grant", 400, `{"error":"invalid_grant","error_description":"The refresh token is spent."}`,
			[]string{"invalid_grant", "already used"}},
		{"not JSON", 404, `404 page not found`, []string{"404 Not Found", "404 page not found", "admin API"}},
		{"no access token", 200, `{"token_type":"bearer"}`, []string{`200 OK, but the token response has no "access_token"`, "/oauth2/token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t, tt.status, tt.body)
			f, _, _, _ := cmdtest.Factory(nil)
			s := connectTo(t, f, ts.URL)
			s.Auth = &Auth{ClientID: "id", Method: AuthBasic, Secret: "the-secret"}
			_, err := s.Token(context.Background(), ClientCredentials(nil, nil))
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error should contain %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "the-secret") || strings.Contains(err.Error(), "oauth2: ") {
				t.Errorf("error leaks the secret or x/oauth2's wording:\n%v", err)
			}
		})
	}
}

// A grant may spend a refresh token: it is never retried, not even on a
// 503 that a read would retry.
func TestGrantIsNotRetried(t *testing.T) {
	ts := newTokenServer(t, 503, `{"error":"temporarily_unavailable"}`)
	f, _, _, _ := cmdtest.Factory(nil)
	s := connectTo(t, f, ts.URL)
	s.Auth = &Auth{ClientID: "id", Method: AuthBasic, Secret: "s"}
	_, err := s.Token(context.Background(), ClientCredentials(nil, nil))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v", err)
	}
	if n := ts.calls.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestGrantConnectionRefused(t *testing.T) {
	ts := newTokenServer(t, 200, okBody)
	u := ts.URL
	ts.Close()
	f, _, _, _ := cmdtest.Factory(nil)
	s := connectTo(t, f, u)
	s.Auth = &Auth{ClientID: "id", Method: AuthBasic, Secret: "s"}
	_, err := s.Token(context.Background(), ClientCredentials(nil, nil))
	var ce *api.ConnError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), u+"/oauth2/token") {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectTokenURL(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(map[string]string{"HYDRA_URL": "http://127.0.0.1:4444/base"})
	conn := &cmdutil.Connection{Kind: api.Public}
	s, err := Connect(f, conn, &Credentials{}, false)
	if err != nil || s.TokenURL.String() != "http://127.0.0.1:4444/base/oauth2/token" {
		t.Fatalf("token URL %v, err %v", s, err)
	}
	f, _, _, _ = cmdtest.Factory(nil)
	s, err = Connect(f, conn, &Credentials{TokenURL: "https://idp.example/token"}, false)
	if err != nil || s.TokenURL.String() != "https://idp.example/token" {
		t.Fatalf("token URL %v, err %v", s, err)
	}
	if _, err := Connect(f, conn, &Credentials{TokenURL: "https://idp.example/token"}, true); err == nil {
		t.Errorf("an endpoint is needed too")
	}
}

func TestPrintToken(t *testing.T) {
	tok := &Token{AccessToken: "at-1", Raw: []byte(okBody)}
	tests := []struct {
		format string
		want   string
	}{
		{"", "at-1\n"},
		{"json", okBody + "\n"},
		{"jsonpath=expires_in", "3599\n"},
		{"jsonpointer=/x_extra/a", "1\n"},
	}
	for _, tt := range tests {
		ios, _, out, _ := iostreams.Test()
		format, err := printer.ParseFormat(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		if err := PrintToken(ios, format, tok); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("--format %q: got %q, want %q", tt.format, out.String(), tt.want)
		}
	}
}

func TestAuthenticateRevocation(t *testing.T) {
	_, pkcs8, _ := rsaPEMs(t)
	key, _ := jwkey.ParseSigningKey("key.pem", []byte(pkcs8))
	form, h := url.Values{}, http.Header{}
	s := &Session{TokenURL: &url.URL{Scheme: "https", Host: "h", Path: "/oauth2/token"}, Auth: &Auth{ClientID: "id", Method: AuthPrivateKeyJWT, Key: key}}
	if err := s.revocationAuth().Authenticate(form, h); err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var c jwt.Claims
	_ = tok.UnsafeClaimsWithoutVerification(&c)
	if !c.Audience.Contains("https://h/oauth2/token") || form.Get("client_id") != "id" {
		t.Errorf("claims %+v, form %v", c, form)
	}
}

func TestAuthenticateRevocationPublicClient(t *testing.T) {
	form, h := url.Values{}, http.Header{}
	s := &Session{TokenURL: &url.URL{Scheme: "https", Host: "h", Path: "/oauth2/token"}, Auth: &Auth{ClientID: "public", Method: AuthNone}}
	if err := s.revocationAuth().Authenticate(form, h); err != nil {
		t.Fatal(err)
	}
	if form.Get("client_id") != "public" || form.Has("client_secret") || h.Get("Authorization") != "" {
		t.Errorf("form %v, Authorization %q", form, h.Get("Authorization"))
	}
}

func TestResolvePublicClientIgnoresEnvironmentSecret(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(map[string]string{EnvClientID: "public", EnvClientSecret: "for-another-client"})
	c := Credentials{AuthMethod: AuthNone}
	a, err := c.Resolve(f, "hydra token refresh")
	if err != nil {
		t.Fatal(err)
	}
	if a.ClientID != "public" || a.Secret != "" {
		t.Errorf("auth = %+v", a)
	}
}

func TestCheckStdin(t *testing.T) {
	c := Credentials{Secret: cmdutil.Secret{File: "-"}}
	if err := c.CheckStdin("-"); err == nil {
		t.Error("token and secret from stdin should clash")
	}
	if err := c.CheckStdin("tok"); err != nil {
		t.Error(err)
	}
	c = Credentials{PrivateKey: "-"}
	if err := c.CheckStdin("-"); err == nil {
		t.Error("token and key from stdin should clash")
	}
}

func TestResolvePrivateKeyFromEnvironment(t *testing.T) {
	_, pkcs8, _ := rsaPEMs(t)
	f, _, _, _ := cmdtest.Factory(map[string]string{EnvClientID: "c", EnvPrivateKey: pkcs8, EnvClientSecret: "not-used"})
	c := Credentials{AuthMethod: AuthPrivateKeyJWT}
	a, err := c.Resolve(f, "hydra token client")
	if err != nil {
		t.Fatal(err)
	}
	if a.Key == nil || a.Secret != "" {
		t.Errorf("auth = %+v", a)
	}
	// Without --auth-method private_key_jwt the variable changes nothing.
	c = Credentials{Secret: cmdutil.Secret{Flag: "client-secret", Env: EnvClientSecret}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err = c.Resolve(f, "hydra token client")
	if err != nil || a.Method != AuthBasic || a.Key != nil || a.Secret != "not-used" {
		t.Errorf("auth = %+v, err %v", a, err)
	}
	// A bad key names the variable, not its value.
	f, _, _, _ = cmdtest.Factory(map[string]string{EnvClientID: "c", EnvPrivateKey: "not a key at all"})
	c = Credentials{AuthMethod: AuthPrivateKeyJWT}
	if _, err := c.Resolve(f, "hydra token client"); err == nil || !strings.Contains(err.Error(), EnvPrivateKey) || strings.Contains(err.Error(), "not a key at all") {
		t.Errorf("err = %v", err)
	}
}

// OAUTH2_CLIENT_PRIVATE_KEY alone picks private_key_jwt, as
// OAUTH2_CLIENT_SECRET alone picks client_secret_basic; beside a secret it
// is not used, and a warning says so rather than nothing.
func TestPrivateKeyFromEnvironmentPicksTheMethod(t *testing.T) {
	_, pkcs8, _ := rsaPEMs(t)
	resolve := func(env map[string]string, c Credentials) (*Auth, string, error) {
		env[EnvClientID] = "c"
		f, _, _, errOut := cmdtest.Factory(env)
		c.Secret.Flag, c.Secret.Env = "client-secret", EnvClientSecret
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		a, err := c.Resolve(f, "hydra token client")
		return a, errOut.String(), err
	}
	a, errOut, err := resolve(map[string]string{EnvPrivateKey: pkcs8}, Credentials{})
	if err != nil || a.Method != AuthPrivateKeyJWT || a.Key == nil || !a.Implicit || errOut != "" {
		t.Fatalf("the key alone: %+v %q %v", a, errOut, err)
	}
	a, errOut, err = resolve(map[string]string{EnvPrivateKey: pkcs8, EnvClientSecret: "s"}, Credentials{})
	if err != nil || a.Method != AuthBasic || a.Key != nil || !strings.Contains(errOut, "warning: "+EnvPrivateKey+" is set but not used") {
		t.Fatalf("beside a secret: %+v %q %v", a, errOut, err)
	}
	a, errOut, err = resolve(map[string]string{EnvPrivateKey: pkcs8}, Credentials{AuthMethod: AuthNone})
	if err != nil || a.Method != AuthNone || errOut != "" {
		t.Fatalf("--auth-method none is a choice: %+v %q %v", a, errOut, err)
	}
	if _, _, err := resolve(map[string]string{EnvPrivateKey: "\n"}, Credentials{}); err == nil || !strings.Contains(err.Error(), EnvPrivateKey+" is empty") {
		t.Fatalf("an empty variable: %v", err)
	}
}
