package shared

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// MethodRule, as Resolve applies it.
func TestResolveMethodRule(t *testing.T) {
	secretFile := writeTemp(t, "file-secret\n")
	tests := []struct {
		name        string
		c           Credentials
		env         map[string]string
		wantMethod  string
		wantSecret  string
		wantFromEnv bool
	}{
		{"nothing given: public", Credentials{}, nil, AuthNone, "", false},
		{"env secret: basic, may fall back", Credentials{}, map[string]string{EnvClientSecret: "env"}, AuthBasic, "env", true},
		{"file secret: basic, no fallback", Credentials{Secret: cmdutil.Secret{File: secretFile}}, map[string]string{EnvClientSecret: "env"}, AuthBasic, "file-secret", false},
		{"explicit basic with env secret: no fallback", Credentials{AuthMethod: AuthBasic}, map[string]string{EnvClientSecret: "env"}, AuthBasic, "env", false},
		{"explicit none ignores env secret", Credentials{AuthMethod: AuthNone}, map[string]string{EnvClientSecret: "env"}, AuthNone, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{EnvClientID: "c"}
			for k, v := range tt.env {
				env[k] = v
			}
			f, _, _, _ := cmdtest.Factory(env)
			tt.c.Secret.Flag, tt.c.Secret.Env = "client-secret", EnvClientSecret
			if err := tt.c.Validate(); err != nil {
				t.Fatal(err)
			}
			a, err := tt.c.Resolve(f, "hydra token refresh")
			if err != nil {
				t.Fatal(err)
			}
			if a.Method != tt.wantMethod || a.Secret != tt.wantSecret || a.SecretFromEnv != tt.wantFromEnv {
				t.Errorf("got %+v", a)
			}
		})
	}
}

// hydraPublicRefusal is Hydra v2.3's answer to a public client that sends
// a secret in an Authorization header.
const hydraPublicRefusal = `{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The OAuth 2.0 Client supports client authentication method 'none', but method 'client_secret_basic' was requested. You must configure the OAuth 2.0 client's 'token_endpoint_auth_method' value to accept 'client_secret_basic'."}`

// publicServer acts as Hydra for a public client: it refuses any request
// that carries a secret, and records each request's credentials.
type publicServer struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newPublicServer(t *testing.T, okBody string) *publicServer {
	ps := &publicServer{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		ps.mu.Lock()
		ps.auths = append(ps.auths, r.Header.Get("Authorization")+"|"+form.Get("client_id")+"|"+form.Get("client_secret"))
		ps.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "" || form.Get("client_secret") != "" {
			w.WriteHeader(401)
			io.WriteString(w, hydraPublicRefusal)
			return
		}
		io.WriteString(w, okBody)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func TestTokenRetriesAsPublicOnlyForAnEnvironmentSecret(t *testing.T) {
	for _, fromEnv := range []bool{true, false} {
		ps := newPublicServer(t, `{"access_token":"at","token_type":"bearer","refresh_token":"rt-2"}`)
		f, _, _, stderr := cmdtest.Factory(nil)
		s := connectTo(t, f, ps.URL)
		s.Auth = &Auth{ClientID: "pub", Method: AuthBasic, Secret: "left-over", SecretFromEnv: fromEnv, Implicit: true}
		tok, err := s.Token(context.Background(), RefreshToken("rt-1"))
		if !fromEnv {
			if err == nil || !IsPublicClientRefusal(err) || len(ps.auths) != 1 {
				t.Fatalf("an explicit secret must not be dropped: err %v, %d requests", err, len(ps.auths))
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if tok.RefreshToken() != "rt-2" || len(ps.auths) != 2 || ps.auths[1] != "|pub|" {
			t.Errorf("token %+v, requests %q", tok, ps.auths)
		}
		if !strings.Contains(stderr.String(), "client pub is public") || strings.Contains(stderr.String(), "left-over") {
			t.Errorf("stderr = %q", stderr.String())
		}
	}
}

func TestRevokeRetriesAsPublic(t *testing.T) {
	// RFC 7009 §2.2: a revocation answers 200 with no body.
	ps := newPublicServer(t, ``)
	f, _, _, _ := cmdtest.Factory(nil)
	s := connectTo(t, f, ps.URL)
	s.Auth = &Auth{ClientID: "pub", Method: AuthBasic, Secret: "left-over", SecretFromEnv: true, Implicit: true}
	if err := s.Revoke(context.Background(), "tok", ""); err != nil {
		t.Fatal(err)
	}
	if len(ps.auths) != 2 || ps.auths[1] != "|pub|" {
		t.Errorf("requests %q", ps.auths)
	}
}

func TestImplicitPublicClientAdvice(t *testing.T) {
	ts := newTokenServer(t, 401, `{"error":"invalid_client","error_description":"Client authentication failed."}`)
	f, _, _, _ := cmdtest.Factory(nil)
	s := connectTo(t, f, ts.URL)
	s.Auth = &Auth{ClientID: "c", Method: AuthNone, Implicit: true}
	_, err := s.Token(context.Background(), RefreshToken("rt"))
	if err == nil || !strings.Contains(err.Error(), "sent as a public one") || !strings.Contains(err.Error(), "--client-secret-file") {
		t.Fatalf("err = %v", err)
	}
	// The client credentials grant is for confidential clients only: a
	// request without credentials is not sent.
	_, err = s.Token(context.Background(), ClientCredentials(nil, nil))
	if err == nil || !strings.Contains(err.Error(), "no client secret") || ts.calls.Load() != 1 {
		t.Fatalf("err = %v, %d requests", err, ts.calls.Load())
	}
}

// A refresh token is shown once: output that leaves it out puts the token
// response on stderr, after a warning, so that it is not lost.
func TestPrintTokenWarnsWhenTheRefreshTokenIsDropped(t *testing.T) {
	raw := `{"access_token":"at-1","refresh_token":"rt-new","token_type":"bearer"}`
	tok := &Token{AccessToken: "at-1", Raw: []byte(raw)}
	for _, tt := range []struct {
		format string
		warn   bool
	}{
		{"json", false},
		{"yaml", false},
		{"jsonpath=refresh_token", false},
		{"jsonpath=access_token", true},
		{"", true},
	} {
		ios, _, out, stderr := iostreams.Test()
		format, _ := printer.ParseFormat(tt.format)
		if err := PrintToken(ios, format, tok); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(stderr.String(), "warning: the server returned a refresh token"); got != tt.warn {
			t.Errorf("--format %q: warning %v, want %v: %q (stdout %q)", tt.format, got, tt.warn, stderr.String(), out.String())
		}
		if got := strings.Contains(stderr.String(), `"refresh_token": "rt-new"`); got != tt.warn {
			t.Errorf("--format %q: the response on stderr %v, want %v: %q", tt.format, got, tt.warn, stderr.String())
		}
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := t.TempDir() + "/secret"
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Hydra's revocation endpoint refuses without saying why: a secret from the
// environment is dropped on any invalid_client, and when the public client
// is refused too, the first error stands.
func TestRevokeRetriesAsPublicWithoutAHint(t *testing.T) {
	for _, public := range []bool{true, false} {
		var auths []string
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, _ := io.ReadAll(r.Body)
			form, _ := url.ParseQuery(string(raw))
			auths = append(auths, r.Header.Get("Authorization")+"|"+form.Get("client_id"))
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("Authorization") != "" || !public {
				w.WriteHeader(401)
				desc := "Client authentication failed."
				if r.Header.Get("Authorization") != "" {
					desc = "first"
				}
				io.WriteString(w, `{"error":"invalid_client","error_description":"`+desc+`"}`)
			}
		}))
		f, _, _, stderr := cmdtest.Factory(nil)
		s := connectTo(t, f, ts.URL)
		s.Auth = &Auth{ClientID: "c", Method: AuthBasic, Secret: "env", SecretFromEnv: true, Implicit: true}
		err := s.Revoke(context.Background(), "tok", "")
		ts.Close()
		if len(auths) != 2 || auths[1] != "|c" {
			t.Errorf("public=%v: requests %q", public, auths)
		}
		if public && (err != nil || !strings.Contains(stderr.String(), "is public")) {
			t.Errorf("err = %v, stderr %q", err, stderr.String())
		}
		if !public && (err == nil || !strings.Contains(err.Error(), "first") || s.Auth.Method != AuthBasic) {
			t.Errorf("want the first error, got %v (method %s)", err, s.Auth.Method)
		}
	}
}

// Each grant constructor sends its grant_type and parameters, beside the
// client's authentication.
func TestGrantConstructors(t *testing.T) {
	for _, tt := range []struct {
		g    Grant
		want url.Values
	}{
		{ClientCredentials([]string{"a"}, []string{"x", "y"}), url.Values{"grant_type": {"client_credentials"}, "scope": {"a"}, "audience": {"x y"}}},
		{RefreshToken("rt"), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt"}}},
		{AuthorizationCode("c", "v", "http://127.0.0.1:1/cb"), url.Values{"grant_type": {"authorization_code"}, "code": {"c"}, "code_verifier": {"v"}, "redirect_uri": {"http://127.0.0.1:1/cb"}}},
		{JWTBearer("jwt", []string{"s"}), url.Values{"grant_type": {GrantJWTBearer}, "assertion": {"jwt"}, "scope": {"s"}}},
		{DeviceCode("dc"), url.Values{"grant_type": {GrantDeviceCode}, "device_code": {"dc"}}},
	} {
		ts := newTokenServer(t, 200, okBody)
		f, _, _, _ := cmdtest.Factory(nil)
		s := connectTo(t, f, ts.URL)
		s.Auth = &Auth{ClientID: "id", Method: AuthPost, Secret: "sec"}
		if _, err := s.Token(context.Background(), tt.g); err != nil {
			t.Fatal(err)
		}
		want := url.Values{"client_id": {"id"}, "client_secret": {"sec"}}
		for k, v := range tt.want {
			want[k] = v
		}
		if ts.form.Encode() != want.Encode() {
			t.Errorf("%s: form %v, want %v", tt.g.Type, ts.form, want)
		}
	}
}
