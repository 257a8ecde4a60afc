package user

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// stubIdP is an OpenID provider for the run tests: discovery, JWKS and a
// token endpoint that checks the PKCE verifier and signs an ID token.
type stubIdP struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey

	mu        sync.Mutex
	challenge string
	nonce     string // the nonce the next ID token carries
	forms     []url.Values
	basic     []string
	tokenErr  string // when set, the token endpoint answers this error
	// issuer, when set, is the issuer the discovery document and ID
	// tokens name instead of the server's URL, with its keys under it.
	issuer string
	// public makes the token endpoint refuse a secret as Hydra does for a
	// client registered with token_endpoint_auth_method none.
	public bool
}

func (s *stubIdP) iss() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.issuer != "" {
		return s.issuer
	}
	return s.srv.URL
}

func newStubIdP(t *testing.T) *stubIdP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &stubIdP{t: t, key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                s.iss(),
			"authorization_endpoint":                s.srv.URL + "/oauth2/auth",
			"token_endpoint":                        s.srv.URL + "/oauth2/token",
			"jwks_uri":                              s.iss() + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /oauth2/token", s.token)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stubIdP) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	s.mu.Lock()
	s.forms = append(s.forms, r.PostForm)
	s.basic = append(s.basic, r.Header.Get("Authorization"))
	challenge, nonce, tokenErr, public := s.challenge, s.nonce, s.tokenErr, s.public
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if public && (r.Header.Get("Authorization") != "" || r.PostForm.Get("client_secret") != "") {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The OAuth 2.0 Client supports client authentication method 'none', but method 'client_secret_basic' was requested."}`)
		return
	}
	if tokenErr != "" {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": tokenErr, "error_description": "The code is bad.", "error_hint": "Try again."})
		return
	}
	if oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != challenge {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "PKCE failed"})
		return
	}
	id := s.sign(map[string]any{
		"iss": s.iss(), "aud": "app", "sub": "alice", "nonce": nonce,
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	})
	w.Write([]byte(`{"access_token":"AT-1","refresh_token":"RT-1","id_token":"` + id + `","expires_in":3600,"scope":"openid offline","token_type":"bearer","custom_field":"kept"}`))
}

func (s *stubIdP) sign(claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: s.key}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := signer.Sign(b)
	if err != nil {
		s.t.Fatal(err)
	}
	out, _ := obj.CompactSerialize()
	return out
}

// fakeBrowser plays the person and the authorization server: it reads the
// authorization URL and calls the redirect URL back, as the test says.
type fakeBrowser struct {
	t          *testing.T
	idp        *stubIdP
	callback   func(q url.Values) url.Values // the callback's parameters
	wrongNonce bool
	client     *http.Client
	page       chan string
}

func (b *fakeBrowser) Browse(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	q := u.Query()
	b.idp.mu.Lock()
	b.idp.challenge = q.Get("code_challenge")
	b.idp.nonce = q.Get("nonce")
	if b.wrongNonce {
		b.idp.nonce = "another"
	}
	b.idp.mu.Unlock()
	if q.Get("code_challenge_method") != "S256" {
		b.t.Errorf("code_challenge_method = %q", q.Get("code_challenge_method"))
	}
	params := b.callback(q)
	client := b.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Get(q.Get("redirect_uri") + "?" + params.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	sb.Write(buf[:n])
	b.page <- sb.String()
	return nil
}

func codeCallback(q url.Values) url.Values {
	return url.Values{"code": {"the-code"}, "state": {q.Get("state")}}
}

func runUser(t *testing.T, idp *stubIdP, b *fakeBrowser, secret string, extra func(o *Options)) (string, string, error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(map[string]string{shared.EnvClientSecret: secret})
	f.Browser = b
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "20s"); err != nil {
		t.Fatal(err)
	}
	if extra != nil {
		extra(got)
	}
	err := userRun(context.Background(), got)
	return out.String(), errOut.String(), err
}

func TestUserRunPublicClient(t *testing.T) {
	idp := newStubIdP(t)
	b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
	stdout, stderr, err := runUser(t, idp, b, "", nil)
	if err != nil {
		t.Fatalf("err = %v\nstderr: %s", err, stderr)
	}
	// Hydra v1.11.10's token lines: "token user" is v1's spelling.
	for _, want := range []string{"Access Token:\n\tAT-1\nRefresh Token:\n\tRT-1\nExpires in:\n\t", "\nID Token:\n\tey"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "AT-1") {
		t.Errorf("stderr shows a token: %s", stderr)
	}
	page := <-b.page
	if !strings.Contains(page, "Signed in") || strings.Contains(page, "AT-1") {
		t.Errorf("page: %s", page)
	}
	// A public client: client_id in the body, no secret, the verifier sent.
	form := idp.forms[0]
	if form.Get("client_id") != "app" || form.Get("client_secret") != "" || idp.basic[0] != "" || form.Get("code_verifier") == "" || form.Get("code") != "the-code" {
		t.Errorf("token request: form %v, Authorization %q", form, idp.basic[0])
	}
}

func TestUserRunConfidentialClientAndFormats(t *testing.T) {
	idp := newStubIdP(t)
	b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
	stdout, _, err := runUser(t, idp, b, "s3cret", func(o *Options) {
		o.Format.Name = "json"
	})
	if err != nil {
		t.Fatal(err)
	}
	// The raw token response, unknown fields included.
	if !strings.Contains(stdout, `"custom_field":"kept"`) || !strings.HasPrefix(stdout, `{"access_token":"AT-1"`) {
		t.Errorf("stdout is not the raw token response: %s", stdout)
	}
	if !strings.HasPrefix(idp.basic[0], "Basic ") || idp.forms[0].Get("client_secret") != "" {
		t.Errorf("a confidential client authenticates with HTTP Basic: %q %v", idp.basic[0], idp.forms[0])
	}
}

func TestUserRunAccessDenied(t *testing.T) {
	idp := newStubIdP(t)
	b := &fakeBrowser{t: t, idp: idp, page: make(chan string, 1), callback: func(q url.Values) url.Values {
		return url.Values{"error": {"access_denied"}, "error_description": {"The resource owner denied the request"}, "error_hint": {"Denied by policy."}, "state": {q.Get("state")}}
	}}
	stdout, _, err := runUser(t, idp, b, "", nil)
	if err == nil || !strings.Contains(err.Error(), "access_denied") || !strings.Contains(err.Error(), "hint: Denied by policy.") {
		t.Fatalf("err = %v", err)
	}
	if cmdutil.ExitCodeOf(err) != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q", cmdutil.ExitCodeOf(err), stdout)
	}
	if page := <-b.page; !strings.Contains(page, "Sign-in failed") {
		t.Errorf("page: %s", page)
	}
	if len(idp.forms) != 0 {
		t.Error("no code exchange should follow an error callback")
	}
}

func TestUserRunWrongNonce(t *testing.T) {
	idp := newStubIdP(t)
	b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, wrongNonce: true, page: make(chan string, 1)}
	stdout, _, err := runUser(t, idp, b, "", nil)
	if err == nil || !strings.Contains(err.Error(), "nonce") || stdout != "" {
		t.Fatalf("err = %v, stdout %q", err, stdout)
	}
}

func TestUserRunExchangeFailsOnce(t *testing.T) {
	idp := newStubIdP(t)
	idp.tokenErr = "invalid_grant"
	b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
	stdout, _, err := runUser(t, idp, b, "", nil)
	if err == nil || stdout != "" {
		t.Fatalf("err = %v, stdout %q", err, stdout)
	}
	for _, want := range []string{"exchanging the authorization code", "POST " + idp.srv.URL + "/oauth2/token", "400", "invalid_grant", "hint: Try again."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if len(idp.forms) != 1 {
		t.Errorf("the code was sent %d times; a code must never be retried", len(idp.forms))
	}
}

func TestUserRunBrowserFailurePrintsTheURL(t *testing.T) {
	idp := newStubIdP(t)
	f, _, _, errOut := cmdtest.Factory(nil)
	f.Browser = failingBrowser{}
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "1s", "--scope", "email"); err != nil {
		t.Fatal(err)
	}
	err := userRun(context.Background(), got)
	if err == nil || !strings.Contains(err.Error(), "timed out after 1s") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(errOut.String(), "Could not open a browser (no display). Open this URL to sign in:") || !strings.Contains(errOut.String(), idp.srv.URL+"/oauth2/auth?") {
		t.Errorf("stderr: %s", errOut.String())
	}
}

type failingBrowser struct{}

func (failingBrowser) Browse(string) error { return errors.New("no display") }

func TestUserRunHTTPSCallback(t *testing.T) {
	idp := newStubIdP(t)
	// The browser accepts the self-signed certificate, as a person would
	// after the warning.
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	b := &fakeBrowser{t: t, idp: idp, callback: func(q url.Values) url.Values {
		if !strings.HasPrefix(q.Get("redirect_uri"), "https://127.0.0.1:") {
			t.Errorf("redirect_uri = %s, want https on 127.0.0.1", q.Get("redirect_uri"))
		}
		return codeCallback(q)
	}, client: insecure, page: make(chan string, 1)}
	stdout, stderr, err := runUser(t, idp, b, "", func(o *Options) {
		o.HTTPS = true
		o.redirect.Scheme = "https"
	})
	if err != nil {
		t.Fatalf("err = %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "AT-1") || !strings.Contains(stderr, "self-signed certificate") {
		t.Errorf("stdout %s\nstderr %s", stdout, stderr)
	}
}

// authURLForTest is the authorization URL a flow with o would open.
func (o *Options) authURLForTest() string {
	fl := &flow{opts: o, conf: &oauth2.Config{ClientID: "a", Endpoint: oauth2.Endpoint{AuthURL: "http://127.0.0.1:4444/oauth2/auth"}}}
	return fl.newAttempt().authURL
}
