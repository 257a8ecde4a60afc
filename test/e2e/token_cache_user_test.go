package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// accessLifespan is the access token lifespan of the clients below: short,
// so that a test can wait for a cached token to expire.
const accessLifespan = 4 * time.Second

// shortLivedUserClient is a public client for token user whose access
// tokens, from the code and from refreshes, live accessLifespan.
func shortLivedUserClient(t *testing.T) string {
	t.Helper()
	c := authCodeClient(t, 4446, true, nil)
	life := fmt.Sprintf("%ds", int(accessLifespan/time.Second))
	body, _ := json.Marshal(map[string]any{
		"authorization_code_grant_access_token_lifespan": life,
		"refresh_token_grant_access_token_lifespan":      life,
	})
	req, _ := http.NewRequest(http.MethodPut, srv.AdminURL+"/admin/clients/"+c.ClientID+"/lifespans", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("setting the client's lifespans: %s: %s", resp.Status, raw)
	}
	return c.ClientID
}

// userCacheArgs run token user headless as alice, with the code and refresh
// requests through the proxy, and the cache on.
func userCacheArgs(clientID, proxyURL string, extra ...string) []string {
	return append([]string{"token", "user", "--headless", "--subject", "alice", "--client-id", clientID,
		"--token-url", proxyURL + "/oauth2/token", "--cache", "-q"}, extra...)
}

// storedRefreshToken reads the one cache entry's refresh token.
func storedRefreshToken(t *testing.T, cacheHome string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(cacheHome, "hydra", "tokens", "*.json"))
	if len(files) != 1 {
		t.Fatalf("%d cache entries, want 1", len(files))
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Token struct {
			RefreshToken string `json:"refresh_token"`
		} `json:"token"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.Token.RefreshToken == "" {
		t.Fatalf("the entry holds no refresh token (%v)", err)
	}
	return e.Token.RefreshToken
}

func waitForExpiry() { time.Sleep(accessLifespan + 500*time.Millisecond) }

// TestTokenCacheUserRefresh: a person's token is reused while fresh; once
// it expires it is refreshed, with no new sign-in, and the rotated refresh
// token is stored.
func TestTokenCacheUserRefresh(t *testing.T) {
	clientID := shortLivedUserClient(t)
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()
	env := cacheEnv(serverEnv(), srv.PublicURL, home)

	first := run{Env: env}.hydra(t, userCacheArgs(clientID, proxy.URL, "--format", "json")...)
	first.wantCode(t, 0)
	tok := parseTokens(t, first)
	rt0 := storedRefreshToken(t, home)
	if rt0 != tok.RefreshToken {
		t.Fatal("the stored refresh token is not the one obtained")
	}
	again := run{Env: env}.hydra(t, userCacheArgs(clientID, proxy.URL, "--format", "jsonpath=access_token")...)
	again.wantCode(t, 0)
	if again.oneLine(t) != tok.AccessToken || proxy.count("authorization_code") != 1 {
		t.Fatalf("the fresh token was not reused (%d code exchanges)", proxy.count("authorization_code"))
	}
	if strings.Contains(again.Stderr, "refresh token") {
		t.Errorf("a cached call warned about a refresh token it keeps:\n%s", again.Stderr)
	}

	waitForExpiry()
	r := run{Env: env}.hydra(t, userCacheArgs(clientID, proxy.URL, "--format", "json")...)
	r.wantCode(t, 0)
	refreshed := parseTokens(t, r)
	if proxy.count("refresh_token") != 1 || proxy.count("authorization_code") != 1 {
		t.Fatalf("after expiry: %d refreshes, %d code exchanges; want a refresh and no new sign-in",
			proxy.count("refresh_token"), proxy.count("authorization_code"))
	}
	if refreshed.AccessToken == tok.AccessToken {
		t.Fatal("the expired token was printed")
	}
	wantActive(t, refreshed.AccessToken, true)
	rt1 := storedRefreshToken(t, home)
	if rt1 == rt0 || rt1 != refreshed.RefreshToken {
		t.Fatal("the rotated refresh token was not stored")
	}
	wantActive(t, rt1, true)
	wantActive(t, rt0, false)

	// The list names alice, from the ID token.
	l := run{Env: env}.hydra(t, "token", "cache", "list", "--format", "jsonpath=$[0].subject")
	l.wantCode(t, 0)
	if strings.TrimSpace(l.Stdout) != "alice" {
		t.Errorf("subject %q", l.Stdout)
	}

	// --force-refresh refreshes a fresh token, and stores the next one.
	r = run{Env: env}.hydra(t, userCacheArgs(clientID, proxy.URL, "--force-refresh", "--format", "jsonpath=access_token")...)
	r.wantCode(t, 0)
	if proxy.count("refresh_token") != 2 || storedRefreshToken(t, home) == rt1 {
		t.Fatal("--force-refresh did not refresh")
	}
	wantActive(t, storedRefreshToken(t, home), true)
}

// concurrentUsers starts n CLI processes at once and returns what each did.
func concurrentUsers(t *testing.T, bin string, n int, env map[string]string, args []string) []result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	errs := make([]*bytes.Buffer, n)
	home := t.TempDir()
	for i := range cmds {
		cmds[i] = exec.CommandContext(ctx, bin, args...)
		cmds[i].Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "NO_COLOR=1"}
		for k, v := range env {
			cmds[i].Env = append(cmds[i].Env, k+"="+v)
		}
		outs[i], errs[i] = &bytes.Buffer{}, &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = outs[i], errs[i]
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	res := make([]result, n)
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Go(func() {
			err := c.Wait()
			res[i] = result{Stdout: outs[i].String(), Stderr: errs[i].String()}
			if ee, ok := err.(*exec.ExitError); ok {
				res[i].Code = ee.ExitCode()
			} else if err != nil {
				res[i].Code = -1
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatal("the processes did not finish within the deadline")
	}
	return res
}

// expiredWithRefreshToken fills a cache with alice's token for a new
// client, and waits for its access token to expire. The proxy holds each
// refresh for a while, so that every process started together finds the
// token expired before the first refresh is stored.
func expiredWithRefreshToken(t *testing.T) (clientID string, proxy *recordingProxy, env map[string]string) {
	t.Helper()
	clientID = shortLivedUserClient(t)
	proxy = newRecordingProxy(t, srv.PublicURL)
	proxy.setDelay("refresh_token", 700*time.Millisecond)
	env = cacheEnv(serverEnv(), srv.PublicURL, t.TempDir())
	run{Env: env}.hydra(t, userCacheArgs(clientID, proxy.URL)...).wantCode(t, 0)
	waitForExpiry()
	return clientID, proxy, env
}

// TestTokenCacheUserConcurrentRefresh: 8 processes started together with
// an expired cached access token and one refresh token. Every one prints a
// valid token, Hydra sees exactly one refresh, and the stored refresh
// token still works afterwards.
func TestTokenCacheUserConcurrentRefresh(t *testing.T) {
	clientID, proxy, env := expiredWithRefreshToken(t)
	home := env["XDG_CACHE_HOME"]
	rt0 := storedRefreshToken(t, home)

	res := concurrentUsers(t, cli, 8, env, userCacheArgs(clientID, proxy.URL, "--format", "jsonpath=access_token"))
	var tok string
	for i, r := range res {
		r.wantCode(t, 0)
		got := r.oneLine(t)
		if i == 0 {
			tok = got
		} else if got != tok {
			t.Errorf("process %d printed another token", i+1)
		}
	}
	if n := proxy.count("refresh_token"); n != 1 {
		t.Fatalf("Hydra saw %d refreshes from 8 processes, want 1", n)
	}
	if proxy.count("authorization_code") != 1 {
		t.Fatalf("%d code exchanges: a process signed in again", proxy.count("authorization_code"))
	}
	wantActive(t, tok, true)
	rt1 := storedRefreshToken(t, home)
	if rt1 == rt0 {
		t.Fatal("the rotated refresh token was not stored")
	}
	wantActive(t, rt1, true)
	// And it works: a forced refresh spends it.
	proxy.setDelay("refresh_token", 0)
	r := run{Env: env}.hydra(t, userCacheArgs(clientID, proxy.URL, "--force-refresh", "--format", "jsonpath=access_token")...)
	r.wantCode(t, 0)
	if proxy.count("refresh_token") != 2 {
		t.Fatal("the forced refresh did not refresh")
	}
	wantActive(t, r.oneLine(t), true)
}

// TestTokenCacheUserConcurrentRefreshWithoutLock runs the same with a CLI
// built with the tokencache_nolock test hook, to show that the test above
// can fail: without the lock, the processes spend the same refresh token
// several times, and Hydra revokes what the first refresh issued.
func TestTokenCacheUserConcurrentRefreshWithoutLock(t *testing.T) {
	nolock := filepath.Join(t.TempDir(), "hydra-nolock")
	build := exec.Command("go", "build", "-tags", "tokencache_nolock", "-o", nolock, "github.com/hydratoken/hydra/cmd/hydra")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the CLI without the lock: %v\n%s", err, out)
	}
	clientID, proxy, env := expiredWithRefreshToken(t)

	res := concurrentUsers(t, nolock, 8, env, userCacheArgs(clientID, proxy.URL, "--format", "jsonpath=access_token"))
	refreshes := proxy.count("refresh_token")
	if refreshes <= 1 {
		t.Skipf("the race did not happen: %d refresh for 8 processes without the lock", refreshes)
	}
	// What the lock prevents: the same refresh token spent several times.
	// Hydra refuses all but the first, and revokes the chain, which makes
	// the tokens of the first refresh worthless: some process printed a
	// revoked token, or failed, or had to sign in again.
	failed, revoked := 0, 0
	for _, r := range res {
		if r.Code != 0 {
			failed++
			if failed == 1 {
				t.Logf("a failure:\n%s", r.Stderr)
			}
			continue
		}
		if active, _ := introspectActive(t, strings.TrimSpace(r.Stdout)); !active {
			revoked++
		}
	}
	signIns := proxy.count("authorization_code") - 1
	t.Logf("without the lock: %d refreshes of one refresh token; %d processes failed, %d printed a revoked token, %d signed in again", refreshes, failed, revoked, signIns)
	if failed+revoked+signIns == 0 {
		t.Fatal("several refreshes of one refresh token, and yet nothing went wrong: the test above could not tell the lock works")
	}
}
