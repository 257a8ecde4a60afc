package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// stoppableProxy forwards to Hydra's public API, and can be stopped and
// started again at the same address, as a server that goes away midway.
type stoppableProxy struct {
	URL     string
	addr    string
	handler http.Handler
	srv     *http.Server
}

func newStoppableProxy(t *testing.T, target string) *stoppableProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &stoppableProxy{handler: httputil.NewSingleHostReverseProxy(u)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.URL = "http://" + p.addr
	p.serve(ln)
	t.Cleanup(p.stop)
	return p
}

func (p *stoppableProxy) serve(ln net.Listener) {
	p.srv = &http.Server{Handler: p.handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
}

func (p *stoppableProxy) stop() { _ = p.srv.Close() }

func (p *stoppableProxy) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

func cacheEntries(t *testing.T, home string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(home, "hydra", "tokens", "*.json"))
	return len(files)
}

// TestTokenCacheClearRevoke: cache clear --revoke revokes each entry's
// refresh and access tokens as its own client (a public client with its ID
// alone, a confidential one with the secret given), confirms them inactive
// through introspection, and removes the entry; an entry whose server
// stopped is kept, with a message and exit 1, and revoked once it is back.
func TestTokenCacheClearRevoke(t *testing.T) {
	home := t.TempDir()
	env := cacheEnv(serverEnv(), srv.PublicURL, home)

	// A person's token (refresh and access) of a public client, through
	// a server that will stop.
	userClient := authCodeClient(t, 4446, true, nil).ClientID
	proxy := newStoppableProxy(t, srv.PublicURL)
	r := run{Env: env}.hydra(t, userCacheArgs(userClient, proxy.URL, "--format", "json")...)
	r.wantCode(t, 0)
	user := parseTokens(t, r)
	if user.RefreshToken == "" {
		t.Fatal("no refresh token")
	}

	// A confidential client's token, straight from Hydra.
	c := newClient(t, "read")
	secret := writeSecretFile(t, "secret", c.ClientSecret)
	r = run{Env: env}.hydra(t, "token", "client", "--client-id", c.ClientID, "--client-secret-file", secret, "--cache", "--format", "jsonpath=access_token")
	r.wantCode(t, 0)
	cc := r.oneLine(t)
	if cacheEntries(t, home) != 2 {
		t.Fatalf("%d entries, want 2", cacheEntries(t, home))
	}

	// Without the secret, the confidential entry cannot be revoked: kept.
	// --client-id selects the entries as for clear.
	r = run{Env: env}.hydra(t, "token", "cache", "clear", "--revoke", "--client-id", c.ClientID, "--auth-method", "client_secret_basic")
	r.wantCode(t, 1)
	r.wantStderr(t, "no client secret for client "+c.ClientID, "Its entry is kept")
	wantActive(t, cc, true)
	if cacheEntries(t, home) != 2 {
		t.Fatal("an entry that was not revoked was removed")
	}

	// The server of the user's entry stops: its entry is kept, the other
	// is revoked and removed.
	proxy.stop()
	r = run{Env: env}.hydra(t, "token", "cache", "clear", "--revoke", "--client-secret-file", secret)
	r.wantCode(t, 1)
	r.wantStderr(t,
		"Revoked and removed the cached token of client "+c.ClientID, "confirmed inactive through introspection",
		"error: the cached token of client "+userClient, proxy.addr, "Its entry is kept: 'hydra token cache clear --client-id "+userClient+"'",
		"1 of 2 cached tokens could not be revoked")
	r.assertClean(t)
	if r.Stdout != "" {
		t.Errorf("stdout: %q", r.Stdout)
	}
	wantActive(t, cc, false)
	wantActive(t, user.AccessToken, true)
	wantActive(t, user.RefreshToken, true)
	if cacheEntries(t, home) != 1 {
		t.Fatalf("%d entries, want the one kept", cacheEntries(t, home))
	}

	// Back: the public client's tokens are revoked with its ID alone
	// (--issuer selects the entry), both inactive afterwards.
	proxy.start(t)
	r = run{Env: env}.hydra(t, "token", "cache", "clear", "--revoke", "--issuer", proxy.URL)
	r.wantCode(t, 0)
	r.wantStderr(t, "Revoked and removed the cached token of client "+userClient, "refresh and access tokens, confirmed inactive")
	wantActive(t, user.AccessToken, false)
	wantActive(t, user.RefreshToken, false)
	if cacheEntries(t, home) != 0 {
		t.Fatalf("%d entries left", cacheEntries(t, home))
	}

	// Without the admin API, the revocation is not confirmed, and says so.
	noAdmin := copyEnv(env)
	delete(noAdmin, "HYDRA_ADMIN_URL")
	r = run{Env: noAdmin}.hydra(t, "token", "client", "--client-id", c.ClientID, "--client-secret-file", secret, "--cache", "--format", "jsonpath=access_token")
	r.wantCode(t, 0)
	cc = r.oneLine(t)
	r = run{Env: noAdmin}.hydra(t, "token", "cache", "clear", "--revoke", "--client-secret-file", secret)
	r.wantCode(t, 0)
	r.wantStderr(t, "Hydra accepted the revocation of its access_token only", "not verified")
	wantActive(t, cc, false)

	// The credential flags need --revoke.
	r = run{Env: env}.hydra(t, "token", "cache", "clear", "--client-secret-file", secret)
	r.wantCode(t, 2)
	if !strings.Contains(r.Stderr, "--client-secret-file applies only with --revoke") {
		t.Errorf("stderr: %s", r.Stderr)
	}
}

// TestTokenCacheClearRevokeServerStopsMidway: two entries of one server,
// which goes away after the first entry's revocations: the first entry is
// revoked and removed, the second kept with a message, and the exit status
// is 1.
func TestTokenCacheClearRevokeServerStopsMidway(t *testing.T) {
	home := t.TempDir()
	env := cacheEnv(serverEnv(), srv.PublicURL, home)
	target, _ := url.Parse(srv.PublicURL)
	forward := httputil.NewSingleHostReverseProxy(target)

	var mu sync.Mutex
	owner := map[string]string{} // token -> entry
	first, stopped := "", false
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/revoke" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			mu.Lock()
			entry := owner[form.Get("token")]
			if first == "" {
				first = entry
			}
			if entry != first {
				stopped = true
			}
			gone := stopped
			mu.Unlock()
			if gone {
				// The server went away: the connection is dropped.
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	userClient := authCodeClient(t, 4446, true, nil).ClientID
	r := run{Env: env}.hydra(t, userCacheArgs(userClient, proxy.URL, "--format", "json")...)
	r.wantCode(t, 0)
	user := parseTokens(t, r)
	c := newClient(t, "read")
	secret := writeSecretFile(t, "secret", c.ClientSecret)
	r = run{Env: env}.hydra(t, "token", "client", "--client-id", c.ClientID, "--client-secret-file", secret, "--token-url", proxy.URL+"/oauth2/token", "--cache", "--format", "jsonpath=access_token")
	r.wantCode(t, 0)
	cc := r.oneLine(t)
	mu.Lock()
	owner[user.AccessToken], owner[user.RefreshToken], owner[cc] = userClient, userClient, c.ClientID
	mu.Unlock()

	r = run{Env: env}.hydra(t, "token", "cache", "clear", "--revoke", "--issuer", proxy.URL, "--client-secret-file", secret, "--retries", "0")
	r.wantCode(t, 1)
	r.assertClean(t)
	mu.Lock()
	done := first
	mu.Unlock()
	kept := userClient
	if done == userClient {
		kept = c.ClientID
	}
	r.wantStderr(t, "Revoked and removed the cached token of client "+done, "error: the cached token of client "+kept, "Its entry is kept", "1 of 2 cached tokens could not be revoked")
	if done == userClient {
		wantActive(t, user.AccessToken, false)
		wantActive(t, user.RefreshToken, false)
		wantActive(t, cc, true)
	} else {
		wantActive(t, cc, false)
		wantActive(t, user.AccessToken, true)
		wantActive(t, user.RefreshToken, true)
	}
	if n := cacheEntries(t, home); n != 1 {
		t.Fatalf("%d entries, want the one kept", n)
	}
	l := run{Env: env}.hydra(t, "token", "cache", "list", "--format", "jsonpath=$[*].client_id")
	l.wantCode(t, 0)
	if strings.TrimSpace(l.Stdout) != kept {
		t.Errorf("the entry kept is %q, want %s's", l.Stdout, kept)
	}
}
