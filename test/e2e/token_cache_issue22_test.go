package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hydraFileLimit runs the CLI as run.hydra does, under "ulimit -f blocks"
// (1024-byte blocks): writing a larger file fails with EFBIG.
func (r run) hydraFileLimit(t *testing.T, blocks string, args ...string) result {
	t.Helper()
	return r.exec(t, args, func(ctx context.Context) *exec.Cmd {
		return exec.CommandContext(ctx, "sh", append([]string{"-c", `ulimit -f ` + blocks + ` && exec "$0" "$@"`, cli}, args...)...)
	})
}

// TestTokenCacheSaveFailureKeepsTheChain (issue 22 point 3): when the
// cache cannot store a refreshed token, the entry with the spent refresh
// token goes. Before, the next plain --cache run printed the old access
// token, which the refresh had revoked, with exit 0, and the next refresh
// spent the old refresh token again, so that Hydra revoked the whole chain,
// the refresh token the user was told to keep included.
func TestTokenCacheSaveFailureKeepsTheChain(t *testing.T) {
	c := authCodeClient(t, 4446, true, nil)
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()
	env := cacheEnv(serverEnv(), srv.PublicURL, home)

	first := run{Env: env}.hydra(t, userCacheArgs(c.ClientID, proxy.URL, "--format", "json")...)
	first.wantCode(t, 0)
	tok0 := parseTokens(t, first)
	entries, _ := filepath.Glob(filepath.Join(home, "hydra", "tokens", "*.json"))
	if fi, err := os.Stat(entries[0]); err != nil || fi.Size() <= 2048 {
		t.Fatalf("the entry is too small for ulimit -f 2 to stop its write: %v %v", fi, err)
	}

	// The refresh succeeds; its token cannot be stored.
	k1 := run{Env: env}.hydraFileLimit(t, "2", userCacheArgs(c.ClientID, proxy.URL, "--min-ttl", "2h", "--format", "json")...)
	k1.wantCode(t, 0)
	k1.wantStderr(t, "The token was not cached", "the old entry was removed")
	kept := parseTokens(t, k1)
	if proxy.count("refresh_token") != 1 || kept.RefreshToken == "" || kept.RefreshToken == tok0.RefreshToken {
		t.Fatalf("%d refreshes; the rotated refresh token should be on stdout", proxy.count("refresh_token"))
	}
	wantActive(t, tok0.AccessToken, false)

	// A plain --cache run: never the revoked access token.
	r := run{Env: env}.hydra(t, userCacheArgs(c.ClientID, proxy.URL, "--format", "json")...)
	r.wantCode(t, 0)
	got := parseTokens(t, r)
	if got.AccessToken == tok0.AccessToken {
		t.Fatal("the cache printed the access token that the refresh revoked")
	}
	wantActive(t, got.AccessToken, true)

	// A refresh: never the spent refresh token.
	r = run{Env: env}.hydra(t, userCacheArgs(c.ClientID, proxy.URL, "--min-ttl", "2h", "--format", "json")...)
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "refresh token was refused") {
		t.Fatalf("the spent refresh token was sent again:\n%s", r.Stderr)
	}
	// The refresh token the user kept from k1 still works.
	wantActive(t, kept.RefreshToken, true)
	wantActive(t, got.AccessToken, false) // refreshed by the last run
}

// TestTokenCacheJWTBearerKeyIsTheIdentity (issue 22 point 4): a cached
// jwt-bearer token is never handed to an assertion of another identity:
// a GitHub token with another sub, or an assertion signed with a key that
// Hydra does not trust for the same --issuer and --subject. Each is
// refused, as it is without --cache.
func TestTokenCacheJWTBearerKeyIsTheIdentity(t *testing.T) {
	iss, c, env := secretlessCI(t)
	home := t.TempDir()
	e := cacheEnv(env, srv.PublicURL, home)
	e["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "job-request-token"

	t.Run("github-actions", func(t *testing.T) {
		e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("job-request-token", ciSubject)
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions", "--scope", "deploy", "--cache")
		r.wantCode(t, 0)
		trusted := r.oneLine(t)
		wantSubject(t, trusted, c.ClientID, ciSubject)

		// Another job, whose sub Hydra does not trust.
		e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("job-request-token", "repo:octo-org/untrusted:ref:refs/heads/main")
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions", "--scope", "deploy", "--cache")
		r.wantCode(t, 1)
		if r.Stdout != "" {
			t.Fatalf("an untrusted sub got a token: %q", r.Stdout)
		}

		// The trusted job still gets its cached token.
		e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("job-request-token", ciSubject)
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions", "--scope", "deploy", "--cache")
		r.wantCode(t, 0)
		if r.oneLine(t) != trusted {
			t.Fatal("the trusted job did not get its cached token")
		}
	})

	t.Run("private key", func(t *testing.T) {
		key := writeSecretFile(t, "key.json", iss.PrivateJWK(iss.KIDs()[0]))
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--private-key", key, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy", "--cache")
		r.wantCode(t, 0)
		trusted := r.oneLine(t)
		wantSubject(t, trusted, c.ClientID, ciSubject)

		// A key of the issuer that no trust names.
		kid, err := iss.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		untrusted := writeSecretFile(t, "untrusted.json", iss.PrivateJWK(kid))
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--private-key", untrusted, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy", "--cache")
		r.wantCode(t, 1)
		if r.Stdout != "" {
			t.Fatalf("an untrusted key got a token: %q", r.Stdout)
		}

		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--private-key", key, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy", "--cache")
		r.wantCode(t, 0)
		if r.oneLine(t) != trusted {
			t.Fatal("the trusted key did not get its cached token")
		}
	})
}

// TestTokenCacheRevokeByAnotherClientKeepsTheEntry (issue 22 point 9):
// Hydra answers 200 to client B's revocation of client A's token, and
// keeps it active; the cache entry of A stays, and stderr says so.
func TestTokenCacheRevokeByAnotherClientKeepsTheEntry(t *testing.T) {
	a := newClient(t, "read")
	b := newClient(t, "read")
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()
	envA := cacheEnv(clientEnv(a), proxy.URL, home)
	envB := cacheEnv(clientEnv(b), proxy.URL, home)
	delete(envB, "HYDRA_ADMIN_URL")

	tokA := run{Env: envA}.hydra(t, "token", "client", "--cache", "--scope", "read")
	tokA.wantCode(t, 0)

	r := run{Env: envB, Stdin: tokA.Stdout}.hydra(t, "token", "revoke", "-")
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "Removed the revoked token") {
		t.Fatalf("another client's revocation removed the entry:\n%s", r.Stderr)
	}
	r.wantStderr(t, "Kept the token's entry in the token cache (client "+a.ClientID, "client "+b.ClientID, "hydra token cache clear --client-id "+a.ClientID)
	wantActive(t, tokA.oneLine(t), true)

	again := run{Env: envA}.hydra(t, "token", "client", "--cache", "--scope", "read")
	again.wantCode(t, 0)
	if again.Stdout != tokA.Stdout || proxy.count("client_credentials") != 1 {
		t.Fatalf("the valid cached token was lost (%d grants)", proxy.count("client_credentials"))
	}

	// Its own client, without the admin API, at the entry's own token
	// endpoint: Hydra revokes its own client's token, and the entry goes.
	envAOwn := copyEnv(envA)
	delete(envAOwn, "HYDRA_ADMIN_URL")
	r = run{Env: envAOwn, Stdin: tokA.Stdout}.hydra(t, "token", "revoke", "-")
	r.wantCode(t, 0)
	r.wantStderr(t, "Removed the revoked token from the token cache (client "+a.ClientID)
	wantActive(t, tokA.oneLine(t), false)
}

// TestTokenCacheSaveFailureDefaultOutput: when the cache cannot store a
// refreshed token of "token user", the default view, which shows the
// refresh token, is all that stdout holds, and a selection of the access
// token, which does not hold it, leaves it on stderr: the response is never printed on stdout a second time, and
// the run exits 0, as with --format json. Before, both printed the whole
// response on stdout after the output and exited 1, and the selection
// printed it on stderr as well.
func TestTokenCacheSaveFailureDefaultOutput(t *testing.T) {
	c := authCodeClient(t, 4446, true, nil)
	proxy := newRecordingProxy(t, srv.PublicURL)
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"default view", nil},
		{"jsonpath=access_token", []string{"--format", "jsonpath=access_token"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			env := cacheEnv(serverEnv(), srv.PublicURL, home)
			args := append([]string{"token", "user", "--headless", "--subject", "alice", "--client-id", c.ClientID,
				"--token-url", proxy.URL + "/oauth2/token", "--cache"}, tc.extra...)
			run{Env: env}.hydra(t, args...).wantCode(t, 0)

			r := run{Env: env}.hydraFileLimit(t, "2", append(args, "--min-ttl", "2h")...)
			r.wantCode(t, 0)
			r.wantStderr(t, "The token was not cached")
			if strings.Contains(r.Stdout, "{") {
				t.Fatalf("stdout holds the token response besides the output:\n%s", r.Stdout)
			}
			var rt string
			if tc.extra == nil {
				// Hydra v1's lines: "Refresh Token:", then the token on the
				// next line after a tab.
				lines := strings.Split(r.Stdout, "\n")
				for i, line := range lines[:len(lines)-1] {
					if line == "Refresh Token:" {
						rt = strings.TrimPrefix(lines[i+1], "\t")
					}
				}
				if strings.Contains(r.Stderr, "shown only once") {
					t.Errorf("the view shows the refresh token, yet stderr repeats it:\n%s", r.Stderr)
				}
			} else {
				if n := len(strings.Split(strings.TrimSpace(r.Stdout), "\n")); n != 1 {
					t.Fatalf("stdout has %d lines, want the access token:\n%s", n, r.Stdout)
				}
				rt = shownOnStderr(t, r).RefreshToken
			}
			if rt == "" {
				t.Fatalf("the new refresh token is nowhere:\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
			}
			wantActive(t, rt, true)
		})
	}
}
