package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// tokenJSON is the token response the CLI prints with --format json.
type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	Scope        string `json:"scope"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

func parseTokens(t *testing.T, r result) tokenJSON {
	t.Helper()
	var tok tokenJSON
	if err := json.Unmarshal([]byte(r.Stdout), &tok); err != nil {
		t.Fatalf("stdout is not the token response's JSON: %v\n%s", err, r.Stdout)
	}
	if tok.AccessToken == "" {
		t.Fatalf("no access token in %s", r.Stdout)
	}
	return tok
}

// assertNoTokensOn fails if any token shows in s (stderr or a page).
func assertNoTokensOn(t *testing.T, where, s string, tok tokenJSON) {
	t.Helper()
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, tok.IDToken} {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("%s shows a token:\n%s", where, s)
		}
	}
}

// decodeSubject verifies an ID token with the CLI and returns its subject.
func decodeSubject(t *testing.T, idToken string) string {
	t.Helper()
	r := hydra(t, "token", "decode", "--format", "jsonpath=claims.sub", idToken)
	r.wantCode(t, 0)
	return strings.TrimSpace(r.Stdout)
}

func TestTokenUserPublicClientWithPKCEOnly(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	page := filepath.Join(t.TempDir(), "page.html")
	r := run{Env: driverEnv(t, page)}.hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--format", "json")
	r.wantCode(t, 0)
	r.assertClean(t)
	tok := parseTokens(t, r)
	if tok.IDToken == "" || tok.RefreshToken == "" {
		t.Errorf("want ID and refresh tokens with the default scopes openid,offline: %s", r.Stdout)
	}
	if tok.Scope != "openid offline" {
		t.Errorf("scope = %q, want the default openid offline", tok.Scope)
	}
	assertNoTokensOn(t, "stderr", r.Stderr, tok)
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("the browser driver saw no page: %v", err)
	}
	if !strings.Contains(string(b), "Signed in") {
		t.Errorf("the page does not say the sign-in worked:\n%s", b)
	}
	assertNoTokensOn(t, "the browser page", string(b), tok)
	if got := decodeSubject(t, tok.IDToken); got != hydratest.DefaultSubject {
		t.Errorf("ID token subject = %q, want %q", got, hydratest.DefaultSubject)
	}
}

func TestTokenUserConfidentialClient(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, false, nil)
	env := driverEnv(t, filepath.Join(t.TempDir(), "page.html"))
	env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
	r := run{Env: env}.hydra(t, "token", "user", "--client-id", c.ClientID, "--port", strconv.Itoa(port), "--scope", "openid", "--scope", "email")
	r.wantCode(t, 0)
	// The default view is Hydra v1.11.10's token lines: "token user" is
	// v1's spelling.
	for _, want := range []string{"Access Token:\n\t", "\nExpires in:\n\t", "\nID Token:\n\tey"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if !strings.Contains(r.Stdout, "\nRefresh Token:\n\t\nExpires in:") {
		t.Errorf("no offline scope was asked for, yet a refresh token shows:\n%s", r.Stdout)
	}
	if strings.Contains(r.Stderr, c.ClientSecret) || strings.Contains(r.Stdout, c.ClientSecret) {
		t.Error("the client secret leaks")
	}

	// The wrong secret: the exchange fails, with the server's error.
	env["OAUTH2_CLIENT_SECRET"] = "wrong"
	r = run{Env: env}.hydra(t, "token", "user", "--client-id", c.ClientID, "--port", strconv.Itoa(port))
	r.wantCode(t, 1)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "invalid_client") || !strings.Contains(r.Stderr, "/oauth2/token") {
		t.Errorf("want invalid_client on stderr and nothing on stdout:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
	r.assertClean(t)
}

func TestTokenUserDeniedConsent(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	srv.App.DenyConsent(c.ClientID)
	page := filepath.Join(t.TempDir(), "page.html")
	r := run{Env: driverEnv(t, page)}.hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port))
	r.wantCode(t, 1)
	r.assertClean(t)
	if r.Stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.Stdout)
	}
	for _, want := range []string{"access_denied", "The test app denies consent for this client."} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	b, _ := os.ReadFile(page)
	if !strings.Contains(string(b), "Sign-in failed") || !strings.Contains(string(b), "access_denied") {
		t.Errorf("the page does not say the sign-in failed:\n%s", b)
	}
}

func TestTokenUserForgedCallbackIsIgnored(t *testing.T) {
	// -p 0 takes a free port: Hydra lets a loopback redirect URL's port
	// differ from the registered one (RFC 8252 §7.3).
	c := authCodeClient(t, 4446, true, nil)
	p := start(t, serverEnv(), "token", "user", "--client-id", c.ClientID, "-p", "0", "--no-open", "--format", "json")
	authURL := p.authURL(t)
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	callback := u.Query().Get("redirect_uri")
	cu, err := url.Parse(callback)
	if err != nil || cu.Hostname() != "127.0.0.1" || cu.Port() == "0" || cu.Port() == "4446" {
		t.Fatalf("redirect_uri %q should name the free port taken", callback)
	}
	port, _ := strconv.Atoi(cu.Port())

	// The listener is on 127.0.0.1 only.
	for _, addr := range []string{"127.0.0.2", "[::1]"} {
		if conn, err := net.DialTimeout("tcp", fmt.Sprintf("%s:%d", strings.Trim(addr, "[]"), port), time.Second); err == nil {
			conn.Close()
			t.Errorf("the callback server answers on %s: it must listen on 127.0.0.1 only", addr)
		}
	}
	// Forged callbacks, with a code or an error, and a wrong or no state:
	// 400, and the CLI keeps waiting.
	for _, q := range []string{"code=forged&state=wrong", "code=forged", "error=access_denied&state=wrong", "error=access_denied"} {
		resp, err := http.Get(callback + "?" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("forged callback %s: %d, want 400", q, resp.StatusCode)
		}
	}
	// Beside the callback, only the pages of Hydra's CLI are served (/,
	// /perform-flow, /login, /consent), and to 127.0.0.1 and localhost only.
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/other", port))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /other: %d, want 404: only the callback and Hydra's CLI's pages are served", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/", port), nil)
	req.Host = "attacker.example"
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET / for another Host: %d, want 400 (DNS rebinding)", resp.StatusCode)
	}

	// The real callback is then accepted.
	final, err := hydratest.Browse(authURL, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(final.String(), callback) {
		t.Errorf("the flow ended at %s", final)
	}
	r := p.wait(t)
	r.wantCode(t, 0)
	parseTokens(t, r)
}

func TestTokenUserNoOpenPrintsTheURLOnStderr(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	p := start(t, serverEnv(), "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--no-open",
		"--prompt", "login", "--max-age", "600")
	authURL := p.authURL(t)
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !strings.HasPrefix(authURL, srv.PublicURL+"/oauth2/auth?") {
		t.Errorf("authorization URL %s is not the endpoint's /oauth2/auth", authURL)
	}
	for k, want := range map[string]string{
		"client_id": c.ClientID, "response_type": "code", "code_challenge_method": "S256",
		"redirect_uri": fmt.Sprintf("http://127.0.0.1:%d/callback", port), "scope": "openid offline",
		"prompt": "login", "max_age": "600",
	} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(k)) < 20 {
			t.Errorf("%s = %q: want a fresh random value", k, q.Get(k))
		}
	}
	if _, err := hydratest.Browse(authURL, ""); err != nil {
		t.Fatal(err)
	}
	r := p.wait(t)
	r.wantCode(t, 0)
	if !strings.HasPrefix(r.Stdout, "Access Token:\n") {
		t.Errorf("stdout should hold only the tokens:\n%s", r.Stdout)
	}
	if strings.Contains(r.Stdout, "http") {
		t.Errorf("the URL or a note leaked to stdout:\n%s", r.Stdout)
	}

	// Each run has its own state, nonce and verifier.
	p2 := start(t, serverEnv(), "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--no-open")
	u2, _ := url.Parse(p2.authURL(t))
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if u2.Query().Get(k) == q.Get(k) {
			t.Errorf("%s is the same in two runs", k)
		}
	}
}

func TestTokenUserTimeout(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	r := hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--no-open", "--timeout", "2s")
	r.wantCode(t, 1)
	r.assertClean(t)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "timed out after 2s") {
		t.Errorf("want a timeout on stderr and nothing on stdout:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
}

func TestTokenUserHeadless(t *testing.T) {
	c := authCodeClient(t, 4446, true, map[string]any{"audience": []string{"https://api.example.com"}})
	r := hydra(t, "token", "user", "--headless", "--subject", "alice@example.com", "--client-id", c.ClientID,
		"--audience", "https://api.example.com", "--format", "json")
	r.wantCode(t, 0)
	r.assertClean(t)
	tok := parseTokens(t, r)
	if got := decodeSubject(t, tok.IDToken); got != "alice@example.com" {
		t.Errorf("subject = %q, want alice@example.com", got)
	}
	in := hydra(t, "token", "introspect", "--format", "json", tok.AccessToken)
	in.wantCode(t, 0)
	var got struct {
		Active bool     `json:"active"`
		Sub    string   `json:"sub"`
		Aud    []string `json:"aud"`
	}
	if err := json.Unmarshal([]byte(in.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Active || got.Sub != "alice@example.com" || len(got.Aud) != 1 || got.Aud[0] != "https://api.example.com" {
		t.Errorf("the access token should be alice's, for the audience: %s", in.Stdout)
	}

	// Hydra answers in the fragment when asked; headless mode reads it there.
	r = hydra(t, "token", "user", "--headless", "--subject", "alice@example.com", "--client-id", c.ClientID,
		"--response-mode", "fragment", "--format", "jsonpath=scope")
	r.wantCode(t, 0)
	if strings.TrimSpace(r.Stdout) != "openid offline" {
		t.Errorf("scope = %q", r.Stdout)
	}

	// Without the admin API it says what is missing.
	r = run{Env: map[string]string{"HYDRA_URL": srv.PublicURL}}.hydra(t, "token", "user", "--headless", "--subject", "a", "--client-id", c.ClientID)
	r.wantCode(t, 2)
	if !strings.Contains(r.Stderr, "--admin-endpoint") {
		t.Errorf("stderr should name --admin-endpoint:\n%s", r.Stderr)
	}
}

func TestTokenUserRefreshTokenWorks(t *testing.T) {
	c := authCodeClient(t, 4446, false, nil)
	env := serverEnv()
	env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
	r := run{Env: env}.hydra(t, "token", "user", "--headless", "--subject", "bob", "--client-id", c.ClientID, "--scope", "openid,offline", "--format", "json")
	r.wantCode(t, 0)
	tok := parseTokens(t, r)
	if tok.RefreshToken == "" {
		t.Fatalf("no refresh token with the offline scope: %s", r.Stdout)
	}
	in := hydra(t, "token", "introspect", "--format", "json", tok.RefreshToken)
	in.wantCode(t, 0)
	var got struct {
		Active   bool   `json:"active"`
		TokenUse string `json:"token_use"`
		Sub      string `json:"sub"`
	}
	if err := json.Unmarshal([]byte(in.Stdout), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Active || got.TokenUse != "refresh_token" || got.Sub != "bob" {
		t.Errorf("the refresh token should be active and bob's: %s", in.Stdout)
	}
}

func TestTokenUserV2Spelling(t *testing.T) {
	c := authCodeClient(t, 4446, true, nil)
	r := hydra(t, "perform", "authorization-code", "--headless", "--subject", "carol", "--client-id", c.ClientID, "--format", "jsonpath=id_token")
	r.wantCode(t, 0)
	// Hydra v2's CLI prints a jsonpath value JSON-encoded.
	var idToken string
	if err := json.Unmarshal([]byte(r.Stdout), &idToken); err != nil {
		t.Fatalf("jsonpath=id_token: %v\n%s", err, r.Stdout)
	}
	if got := decodeSubject(t, idToken); got != "carol" {
		t.Errorf("subject = %q, want carol", got)
	}

	// Its default output is its token table: awk '/^ACCESS TOKEN/{print $3}'
	// finds the token; -q prints the access token alone.
	r = hydra(t, "perform", "authorization-code", "--headless", "--subject", "carol", "--client-id", c.ClientID)
	r.wantCode(t, 0)
	awkToken := ""
	for _, line := range strings.Split(r.Stdout, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "ACCESS TOKEN\t") && len(f) >= 3 {
			awkToken = f[2]
		}
	}
	if !strings.HasPrefix(r.Stdout, "ACCESS TOKEN\t") || !strings.Contains(r.Stdout, "\nREFRESH TOKEN\t") || !strings.Contains(r.Stdout, "\nID TOKEN\t") || !strings.Contains(r.Stdout, "\nEXPIRY\t") {
		t.Errorf("not Hydra's token table:\n%s", r.Stdout)
	}
	wantActive(t, awkToken, true)
	r = hydra(t, "perform", "authorization-code", "--headless", "--subject", "carol", "--client-id", c.ClientID, "-q")
	r.wantCode(t, 0)
	wantActive(t, r.oneLine(t), true)
}

func TestTokenUserUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"token", "user", "--client-id", "x", "--redirect", "http://example.com:4446/callback"},
		{"token", "user", "--client-id", "x", "--redirect", "https://127.0.0.1:4446/callback"},
		{"token", "user", "--client-id", "x", "--headless"},
		{"token", "user", "--client-id", "x", "--timeout", "0s"},
		{"token", "user", "--client-id", "x", "--format", "xml"},
	} {
		r := hydra(t, args...)
		r.wantCode(t, 2)
		if r.Stdout != "" {
			t.Errorf("%v: stdout = %q", args, r.Stdout)
		}
	}
}

// A missing client ID is missing credentials, which may come from the
// environment: exit 1, as for the other token commands.
func TestTokenUserWithoutClientID(t *testing.T) {
	r := hydra(t, "token", "user")
	r.wantCode(t, 1)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "OAUTH2_CLIENT_ID") {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
}

func TestTokenUserCtrlC(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	p := start(t, serverEnv(), "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--no-open")
	p.authURL(t)
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	r := p.wait(t)
	r.wantCode(t, 130)
	r.assertClean(t)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "interrupted") {
		t.Errorf("stdout %q\nstderr %s", r.Stdout, r.Stderr)
	}
	// The callback server is gone, and its port free again.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("the port is still taken after Ctrl-C: %v", err)
	}
	l.Close()
}

func TestTokenUserTraceCoversTheExchangeAndMasksSecrets(t *testing.T) {
	c := authCodeClient(t, 4446, false, nil)
	env := serverEnv()
	env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
	r := run{Env: env}.hydra(t, "token", "user", "--headless", "--subject", "dave", "--client-id", c.ClientID,
		"-v", "-H", "X-Trace-Id: e2e-42", "--format", "json")
	r.wantCode(t, 0)
	tok := parseTokens(t, r)
	for _, want := range []string{
		"> POST " + srv.PublicURL + "/oauth2/token", "code=***", "code_verifier=***", "Authorization: Basic ***",
		"X-Trace-Id: ***", "> GET " + srv.PublicURL + "/.well-known/jwks.json",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("the trace lacks %q:\n%s", want, r.Stderr)
		}
	}
	assertNoTokensOn(t, "the trace", r.Stderr, tok)
	if strings.Contains(r.Stderr, c.ClientSecret) {
		t.Error("the trace shows the client secret")
	}
	if strings.Contains(r.Stderr, "e2e-42") {
		t.Error("the trace shows the value of a -H header")
	}
}

func TestTokenUserPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	c := authCodeClient(t, port, true, nil)
	r := hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--no-open")
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "the port is in use") || !strings.Contains(r.Stderr, "-p 0") || r.Stdout != "" {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
}

// Hydra v2's CLI sends repeated --prompt flags as one space-separated
// prompt, and --max-age 0 as max_age=0 (force a new sign-in); -1 is its
// "unset" (issue 15). The real Hydra takes both and the flow completes.
func TestTokenUserPromptAndMaxAgeAsHydraV2Sends(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	for _, tc := range []struct {
		args   []string
		prompt string
		maxAge string // "" means not sent
	}{
		{[]string{"perform", "authorization-code", "--prompt", "login", "--prompt", "consent", "--max-age", "0"}, "login consent", "0"},
		{[]string{"token", "user", "--prompt", "login consent", "--max-age", "-1"}, "login consent", ""},
	} {
		p := start(t, serverEnv(), append(tc.args, "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--no-open", "--format", "json")...)
		authURL := p.authURL(t)
		u, err := url.Parse(authURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get("prompt") != tc.prompt || q.Get("max_age") != tc.maxAge || q.Has("max_age") != (tc.maxAge != "") {
			t.Errorf("%v: prompt %q, max_age %q (sent: %v)", tc.args, q.Get("prompt"), q.Get("max_age"), q.Has("max_age"))
		}
		if _, err := hydratest.Browse(authURL, ""); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		r := p.wait(t)
		r.wantCode(t, 0)
		parseTokens(t, r)
	}
}
