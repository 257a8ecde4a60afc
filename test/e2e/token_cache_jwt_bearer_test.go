package e2e

import (
	"strings"
	"testing"
)

// TestTokenCacheJWTBearer: an assertion is single-use, so the cache is what
// lets the steps of a job share one token. Five steps with --cache make one
// grant (each reads its GitHub identity token for the key); an assertion from a variable
// is keyed by its issuer and subject, so a fresh assertion of the same
// subject still finds the token.
func TestTokenCacheJWTBearer(t *testing.T) {
	iss, c, env := secretlessCI(t)
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()

	t.Run("github-actions", func(t *testing.T) {
		e := cacheEnv(env, proxy.URL, home)
		e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("job-request-token", ciSubject)
		e["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "job-request-token"
		before := iss.GitHubRequests()
		var first string
		for i := range 5 {
			// Hydra wants its own token URL as the audience, not the proxy's.
			r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions", "--assertion-audience", tokenURL(), "--scope", "deploy", "--cache")
			r.wantCode(t, 0)
			tok := r.oneLine(t)
			if i == 0 {
				first = tok
			} else if tok != first {
				t.Fatalf("step %d got another token", i+1)
			}
		}
		if n := proxy.count("urn:ietf:params:oauth:grant-type:jwt-bearer"); n != 1 {
			t.Fatalf("5 cached steps made %d grants, want 1", n)
		}
		// Each step fetches the job's identity token: its iss and sub are
		// the cache key, so that another identity never gets this token.
		if n := iss.GitHubRequests() - before; n != 5 {
			t.Fatalf("5 cached steps fetched %d GitHub identity tokens, want 5", n)
		}
		wantSubject(t, first, c.ClientID, ciSubject)
	})

	t.Run("env", func(t *testing.T) {
		before := proxy.count("urn:ietf:params:oauth:grant-type:jwt-bearer")
		var first string
		for i := range 3 {
			e := cacheEnv(env, proxy.URL, home)
			e["HYDRA_TOKEN_CACHE"] = "disk"
			e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL()) // a fresh assertion each step
			r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
			r.wantCode(t, 0)
			if i == 0 {
				first = r.oneLine(t)
			} else if r.oneLine(t) != first {
				t.Fatalf("step %d got another token", i+1)
			}
		}
		if n := proxy.count("urn:ietf:params:oauth:grant-type:jwt-bearer") - before; n != 1 {
			t.Fatalf("3 steps made %d grants, want 1", n)
		}
		// Another subject is another key.
		e := cacheEnv(env, proxy.URL, home)
		e["CI_ID_TOKEN"] = iss.Token("repo:octo-org/other:ref:refs/heads/main", tokenURL())
		grants := proxy.count("urn:ietf:params:oauth:grant-type:jwt-bearer")
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--cache")
		// Hydra trusts the issuer for ciSubject only: the grant is sent, and
		// refused.
		r.wantCode(t, 1)
		if r.Stdout != "" || proxy.count("urn:ietf:params:oauth:grant-type:jwt-bearer") != grants+1 {
			t.Fatal("another subject got the cached token")
		}
		l := run{Env: e}.hydra(t, "token", "cache", "list")
		l.wantCode(t, 0)
		for _, want := range []string{"urn:ietf:params:oauth:grant-type:jwt-bearer", ciSubject, "assertion_issuer=" + iss.URL, "assertion_from=github-actions"} {
			if !strings.Contains(l.Stdout, want) {
				t.Errorf("cache list lacks %q:\n%s", want, l.Stdout)
			}
		}
	})
}
