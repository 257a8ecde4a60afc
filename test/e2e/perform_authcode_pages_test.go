package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// pagesHydra starts a Hydra v2.3.0 whose urls.login and urls.consent point
// at the pages that perform authorization-code serves on port, and a
// confidential client whose redirect URL is that port's callback.
func pagesHydra(t *testing.T, port int) (*hydratest.Server, hydratest.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	hs, err := hydratest.Start(ctx, hydratest.Options{LoginConsentURL: fmt.Sprintf("http://127.0.0.1:%d", port)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hs.Stop)
	c, err := hs.CreateClient(map[string]any{
		"grant_types":    []string{"authorization_code", "refresh_token"},
		"response_types": []string{"code"},
		"scope":          "openid offline",
		"redirect_uris":  []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return hs, c
}

// introspectAt introspects tok at hs's admin API.
func introspectAt(t *testing.T, hs *hydratest.Server, tok string) map[string]any {
	t.Helper()
	resp, err := hs.HTTP.PostForm(hs.AdminURL+"/admin/oauth2/introspect", url.Values{"token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var in map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&in); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestPerformAuthorizationCodeServesLoginAndConsent: a development Hydra
// whose urls.login and urls.consent point at the command's port needs no
// other app. A person (a Go HTTP client) opens the authorization URL, fills
// the login form and the consent form that the command serves, and the
// command prints tokens that introspect as that person. --state fixes the
// state, which the callback still carries.
func TestPerformAuthorizationCodeServesLoginAndConsent(t *testing.T) {
	port := freePort(t)
	hs, c := pagesHydra(t, port)
	p := start(t, nil, "perform", "authorization-code", "-e", hs.PublicURL, "--admin-endpoint", hs.AdminURL,
		"--client-id", c.ClientID, "--client-secret", c.ClientSecret, "--port", fmt.Sprint(port), "--no-open",
		"--state", "fixed-state-for-the-test", "--format", "json")
	authURL := p.authURL(t)
	if u, _ := url.Parse(authURL); u == nil || u.Query().Get("state") != "fixed-state-for-the-test" || u.Query().Get("code_challenge") == "" || u.Query().Get("nonce") == "" {
		t.Errorf("the authorization URL should carry the given state, a PKCE challenge and a nonce: %s", authURL)
	}
	page, err := hydratest.Person{Username: "dora@example.com"}.SignIn(authURL)
	if err != nil {
		t.Fatal(err)
	}
	if page.Forms != 2 {
		t.Errorf("the person filled %d forms, want the login and the consent: last page %s %d\n%s", page.Forms, page.URL, page.Status, page.Body)
	}
	r := p.wait(t)
	r.wantCode(t, 0)
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		IDToken      string `json:"id_token"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &tok); err != nil {
		t.Fatalf("stdout is not the token response: %v\n%s", err, r.Stdout)
	}
	in := introspectAt(t, hs, tok.AccessToken)
	if in["active"] != true || in["sub"] != "dora@example.com" || in["client_id"] != c.ClientID {
		t.Errorf("the access token introspects as %v, want active, dora@example.com, %s", in, c.ClientID)
	}
	if tok.RefreshToken == "" || decodeSubject(t, tok.IDToken) != "dora@example.com" {
		t.Errorf("want a refresh token and an ID token for dora@example.com:\n%s", r.Stdout)
	}
	assertNoTokensOn(t, "the page", page.Body, tokenJSON{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, IDToken: tok.IDToken})
}

// TestPerformAuthorizationCodePagesDenyAndSkip: Cancel on the consent page
// ends the flow with access_denied and exit 1; with --skip, a login that
// Hydra remembers (Remember login was checked) is not asked again.
func TestPerformAuthorizationCodePagesDenyAndSkip(t *testing.T) {
	port := freePort(t)
	hs, c := pagesHydra(t, port)
	args := []string{"perform", "authorization-code", "-e", hs.PublicURL, "--admin-endpoint", hs.AdminURL,
		"--client-id", c.ClientID, "--client-secret", c.ClientSecret, "--port", fmt.Sprint(port), "--no-open", "-q"}

	p := start(t, nil, args...)
	jar, _ := cookiejar.New(nil)
	if _, err := (hydratest.Person{Username: "erin", Action: "deny", Jar: jar}).SignIn(p.authURL(t)); err != nil {
		t.Fatal(err)
	}
	r := p.wait(t)
	r.wantCode(t, 1)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "access_denied") {
		t.Errorf("a denied login should print nothing on stdout and access_denied on stderr:\nstdout: %q\nstderr:\n%s", r.Stdout, r.Stderr)
	}

	// Accept once, remembered; then --skip logs erin in again without a
	// login form, and asks consent again only if Hydra does not skip it.
	p = start(t, nil, args...)
	page, err := hydratest.Person{Username: "erin", Jar: jar}.SignIn(p.authURL(t))
	if err != nil {
		t.Fatal(err)
	}
	r = p.wait(t)
	r.wantCode(t, 0)
	if page.Forms != 2 {
		t.Errorf("first sign-in: %d forms, want 2", page.Forms)
	}
	p = start(t, nil, append(args, "--skip")...)
	page, err = hydratest.Person{Username: "someone else", Jar: jar}.SignIn(p.authURL(t))
	if err != nil {
		t.Fatal(err)
	}
	r = p.wait(t)
	r.wantCode(t, 0)
	if page.Forms != 0 {
		t.Errorf("with --skip and a remembered login and consent, the person should fill no form, filled %d:\n%s", page.Forms, page.Body)
	}
	if in := introspectAt(t, hs, r.oneLine(t)); in["active"] != true || in["sub"] != "erin" {
		t.Errorf("-q should print erin's access token alone: introspects as %v", in)
	}
}

// TestPerformAuthorizationCodePagesRefuseForeignPosts: the login form's
// POST must carry the token the page gave, and come from the page's own
// origin; a forged one does not log anyone in.
func TestPerformAuthorizationCodePagesRefuseForeignPosts(t *testing.T) {
	port := freePort(t)
	hs, c := pagesHydra(t, port)
	p := start(t, nil, "perform", "authorization-code", "-e", hs.PublicURL, "--admin-endpoint", hs.AdminURL,
		"--client-id", c.ClientID, "--client-secret", c.ClientSecret, "--port", fmt.Sprint(port), "--no-open", "--timeout", "20s")
	authURL := p.authURL(t)
	// Hydra sends the browser to the login page with a challenge.
	jar, _ := cookiejar.New(nil)
	var challenge string
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/login" {
			challenge = req.URL.Query().Get("login_challenge")
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if challenge == "" {
		t.Fatalf("Hydra did not send the browser to the login page")
	}
	login := fmt.Sprintf("http://127.0.0.1:%d/login", port)
	for name, post := range map[string]struct {
		form   url.Values
		origin string
	}{
		"no token":     {url.Values{"challenge": {challenge}, "username": {"mallory"}, "action": {"accept"}}, ""},
		"wrong token":  {url.Values{"challenge": {challenge}, "token": {"x"}, "username": {"mallory"}, "action": {"accept"}}, ""},
		"other origin": {url.Values{"challenge": {challenge}, "token": {"x"}, "username": {"mallory"}, "action": {"accept"}}, "https://evil.example"},
	} {
		req, _ := http.NewRequest(http.MethodPost, login, strings.NewReader(post.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if post.origin != "" {
			req.Header.Set("Origin", post.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}
	// The login request is still pending: nobody was logged in.
	resp, err = hs.HTTP.Get(hs.AdminURL + "/admin/oauth2/auth/requests/login?login_challenge=" + url.QueryEscape(challenge))
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Subject string `json:"subject"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || req.Subject != "" {
		t.Errorf("the login request should still be pending, unanswered: %d, subject %q", resp.StatusCode, req.Subject)
	}
}
