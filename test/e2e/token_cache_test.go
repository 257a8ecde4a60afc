package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTokenCacheClientHundredCallsOneRequest: 100 sequential
// "token client --cache" calls make exactly one token request, and each
// prints the same, active, token.
func TestTokenCacheClientHundredCallsOneRequest(t *testing.T) {
	c := newClient(t, "read")
	proxy := newRecordingProxy(t, srv.PublicURL)
	env := cacheEnv(clientEnv(c), proxy.URL, t.TempDir())

	var first string
	for i := range 100 {
		r := run{Env: env}.hydra(t, "token", "client", "--cache", "--scope", "read")
		r.wantCode(t, 0)
		tok := r.oneLine(t)
		if i == 0 {
			first = tok
		} else if tok != first {
			t.Fatalf("call %d printed another token", i+1)
		}
		if r.Stderr != "" {
			t.Fatalf("call %d: stderr should be empty:\n%s", i+1, r.Stderr)
		}
	}
	if n := proxy.count("client_credentials"); n != 1 {
		t.Fatalf("100 cached calls made %d token requests, want 1", n)
	}
	wantActive(t, first, true)
}

// TestTokenCacheClientOutputAndKey: a cached --format json is the server's
// response (expires_in counting down), the key tells scopes and secrets
// apart, and --force-refresh and HYDRA_TOKEN_CACHE work.
func TestTokenCacheClientOutputAndKey(t *testing.T) {
	c := newClient(t, "read write")
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()
	env := cacheEnv(clientEnv(c), proxy.URL, home)

	uncached := run{Env: env}.hydra(t, "token", "client", "--scope", "read", "--format", "json")
	uncached.wantCode(t, 0)
	first := run{Env: env}.hydra(t, "token", "client", "--cache", "--scope", "read", "--format", "json")
	first.wantCode(t, 0)
	cached := run{Env: env}.hydra(t, "token", "client", "--cache", "--scope", "read", "--format", "json")
	cached.wantCode(t, 0)
	if proxy.count("client_credentials") != 2 {
		t.Fatalf("%d token requests, want 2 (one uncached, one to fill the cache)", proxy.count("client_credentials"))
	}
	var u, f, ca map[string]any
	for _, x := range []struct {
		out string
		v   *map[string]any
	}{{uncached.Stdout, &u}, {first.Stdout, &f}, {cached.Stdout, &ca}} {
		if err := json.Unmarshal([]byte(x.out), x.v); err != nil || strings.Count(x.out, "\n") != 1 {
			t.Fatalf("not one line of JSON (%v): %q", err, x.out)
		}
	}
	if first.Stdout == "" || ca["access_token"] != f["access_token"] {
		t.Fatalf("the cached call printed another token")
	}
	if keysOf(u) != keysOf(ca) || ca["scope"] != u["scope"] || ca["token_type"] != u["token_type"] {
		t.Errorf("cached --format json differs from an uncached one:\nuncached %s\ncached   %s", uncached.Stdout, cached.Stdout)
	}
	if ca["expires_in"].(float64) > f["expires_in"].(float64) || ca["expires_in"].(float64) < f["expires_in"].(float64)-30 {
		t.Errorf("cached expires_in %v, first %v", ca["expires_in"], f["expires_in"])
	}
	// Field order is the server's, too.
	if strings.Index(cached.Stdout, "expires_in") != strings.Index(first.Stdout, "expires_in") {
		t.Errorf("field order changed:\n%s\n%s", first.Stdout, cached.Stdout)
	}

	// Other scopes, another secret: not this token.
	r := run{Env: env}.hydra(t, "token", "client", "--cache", "--scope", "read,write")
	r.wantCode(t, 0)
	if r.oneLine(t) == f["access_token"] {
		t.Error("other scopes got the cached token")
	}
	bad := cacheEnv(env, proxy.URL, home)
	bad["OAUTH2_CLIENT_SECRET"] = "wrong"
	r = run{Env: bad}.hydra(t, "token", "client", "--cache", "--scope", "read")
	r.wantCode(t, 1)
	r.wantStderr(t, "invalid_client")
	if r.Stdout != "" {
		t.Errorf("a wrong secret printed %q", r.Stdout)
	}

	before := proxy.count("client_credentials")
	r = run{Env: env}.hydra(t, "token", "client", "--cache", "--scope", "read", "--force-refresh")
	r.wantCode(t, 0)
	forced := r.oneLine(t)
	if forced == f["access_token"] || proxy.count("client_credentials") != before+1 {
		t.Fatal("--force-refresh did not get a new token")
	}
	// HYDRA_TOKEN_CACHE=disk turns the cache on and finds the forced one.
	envOn := cacheEnv(env, proxy.URL, home)
	envOn["HYDRA_TOKEN_CACHE"] = "disk"
	r = run{Env: envOn}.hydra(t, "token", "client", "--scope", "read")
	r.wantCode(t, 0)
	if r.oneLine(t) != forced || proxy.count("client_credentials") != before+1 {
		t.Error("HYDRA_TOKEN_CACHE=disk did not use the cache")
	}
	r = run{Env: envOn}.hydra(t, "token", "client", "--scope", "read", "--cache=false")
	r.wantCode(t, 0)
	if proxy.count("client_credentials") != before+2 {
		t.Error("--cache=false used the cache")
	}
	envOn["HYDRA_TOKEN_CACHE"] = "memory"
	r = run{Env: envOn}.hydra(t, "token", "client", "--scope", "read")
	r.wantCode(t, 2)
	r.wantStderr(t, `invalid HYDRA_TOKEN_CACHE "memory": valid storages are disk, keyring, none`)

	// The files: 0700 directory, 0600 entries, no secret in clear.
	dir := filepath.Join(home, "hydra", "tokens")
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory: %v %v", fi.Mode(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 2 {
		t.Fatalf("%d entries, want 2 (scope read, scopes read write)", len(files))
	}
	for _, p := range files {
		fi, _ := os.Stat(p)
		raw, _ := os.ReadFile(p)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", p, fi.Mode())
		}
		if strings.Contains(string(raw), c.ClientSecret) {
			t.Errorf("%s holds the client secret", p)
		}
	}
}

func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ",")
}

// TestTokenCacheListClearRevoke: list shows what the token is for and
// never the token; revoke drops the entry; clear removes by client.
func TestTokenCacheListClearRevoke(t *testing.T) {
	a := newClient(t, "read")
	b := newClient(t, "read")
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()
	envA := cacheEnv(clientEnv(a), proxy.URL, home)
	envB := cacheEnv(clientEnv(b), proxy.URL, home)

	tokA := run{Env: envA}.hydra(t, "token", "client", "--cache", "--scope", "read")
	tokA.wantCode(t, 0)
	tokB := run{Env: envB}.hydra(t, "token", "client", "--cache")
	tokB.wantCode(t, 0)

	l := run{Env: envA}.hydra(t, "token", "cache", "list")
	l.wantCode(t, 0)
	for _, want := range []string{"CLIENT ID", a.ClientID, b.ClientID, "client_credentials", proxy.URL + "/oauth2/token", "read", "disk"} {
		if !strings.Contains(l.Stdout, want) {
			t.Errorf("list lacks %q:\n%s", want, l.Stdout)
		}
	}
	l.wantNoLeak(t, strings.TrimSpace(tokA.Stdout), strings.TrimSpace(tokB.Stdout), a.ClientSecret, b.ClientSecret)

	l = run{Env: envA}.hydra(t, "token", "cache", "list", "--format", "json")
	l.wantCode(t, 0)
	var items []map[string]any
	if err := json.Unmarshal([]byte(l.Stdout), &items); err != nil || len(items) != 2 {
		t.Fatalf("list --format json: %v\n%s", err, l.Stdout)
	}
	l.wantNoLeak(t, strings.TrimSpace(tokA.Stdout), strings.TrimSpace(tokB.Stdout))

	// Revoking A's cached token removes it from the cache.
	r := run{Env: envA, Stdin: tokA.Stdout}.hydra(t, "token", "revoke", "-")
	r.wantCode(t, 0)
	r.wantStderr(t, "Removed the revoked token from the token cache (client "+a.ClientID)
	wantActive(t, strings.TrimSpace(tokA.Stdout), false)
	again := run{Env: envA}.hydra(t, "token", "client", "--cache", "--scope", "read")
	again.wantCode(t, 0)
	if again.Stdout == tokA.Stdout {
		t.Fatal("the revoked token came from the cache")
	}
	wantActive(t, again.oneLine(t), true)

	// Clear B's only.
	r = run{Env: envA}.hydra(t, "token", "cache", "clear", "--client-id", b.ClientID)
	r.wantCode(t, 0)
	r.wantStderr(t, "Removed the cached token of client "+b.ClientID)
	if r.Stdout != "" {
		t.Errorf("clear printed on stdout: %q", r.Stdout)
	}
	l = run{Env: envA}.hydra(t, "token", "cache", "list", "--format", "jsonpath=$[*].client_id")
	l.wantCode(t, 0)
	if strings.TrimSpace(l.Stdout) != a.ClientID {
		t.Errorf("after clearing B: %q", l.Stdout)
	}
	r = run{Env: envA}.hydra(t, "token", "cache", "clear", "--issuer", proxy.URL)
	r.wantCode(t, 0)
	r.wantStderr(t, "Removed the cached token of client "+a.ClientID)
	l = run{Env: envA}.hydra(t, "token", "cache", "list")
	l.wantCode(t, 0)
	l.wantStderr(t, "No cached tokens in "+filepath.Join(home, "hydra", "tokens"))
}

// TestTokenCacheBadFiles: each kind of cache file that must not be
// trusted is reported on stderr and bypassed; the command still prints a
// valid token, obtained from the server.
func TestTokenCacheBadFiles(t *testing.T) {
	c := newClient(t, "read")
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir, entry string)
		want  []string
		// after, if set, checks the files after the run.
		after func(t *testing.T, dir, entry string)
	}{
		{"corrupt", func(t *testing.T, _, p string) { os.WriteFile(p, []byte(`{"version":1,"tok`), 0o600) }, []string{"is corrupt"}, nil},
		{"readable by others", func(t *testing.T, _, p string) { os.Chmod(p, 0o644) }, []string{"readable by group or others (mode 0644)", "chmod 600 "}, nil},
		{"directory open to others", func(t *testing.T, dir, _ string) { os.Chmod(dir, 0o755) }, []string{"open to group or others (mode 0755)", "chmod 700 "}, nil},
		{"unreadable (a symbolic link)", func(t *testing.T, dir, p string) {
			raw, _ := os.ReadFile(p)
			other := filepath.Join(filepath.Dir(dir), "planted.json")
			os.WriteFile(other, raw, 0o600)
			os.Remove(p)
			os.Symlink(other, p)
		}, []string{"cannot be read"}, nil},
		{"owned by another user", func(t *testing.T, _, p string) {
			if os.Geteuid() != 0 {
				t.Skip("only root can give a file to another user")
			}
			os.Chown(p, 65534, 65534)
		}, []string{"belongs to user ID 65534"}, nil},
		{"directory owned by another user", func(t *testing.T, dir, _ string) {
			if os.Geteuid() != 0 {
				t.Skip("only root can give a directory to another user")
			}
			os.Chown(dir, 65534, 65534)
		}, []string{"belongs to user ID 65534", "fix it with: sudo chown -R 0 ", "HYDRA_TOKEN_CACHE=none"}, nil},
		// An entry of a newer hydra is left for it (issue 22).
		{"newer format", func(t *testing.T, _, p string) {
			raw, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(raw), `"version":1`, `"version":2`, 1)), 0o600)
		}, []string{"has entry format 2, newer than this hydra's 1", "The token was not cached"}, func(t *testing.T, _, p string) {
			if raw, _ := os.ReadFile(p); !strings.Contains(string(raw), `"version":2`) {
				t.Error("the newer entry was overwritten")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := newRecordingProxy(t, srv.PublicURL)
			home := t.TempDir()
			env := cacheEnv(clientEnv(c), proxy.URL, home)
			first := run{Env: env}.hydra(t, "token", "client", "--cache")
			first.wantCode(t, 0)
			dir := filepath.Join(home, "hydra", "tokens")
			entries, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			if len(entries) != 1 {
				t.Fatalf("%d entries", len(entries))
			}
			tc.spoil(t, dir, entries[0])

			r := run{Env: env}.hydra(t, "token", "client", "--cache")
			r.wantCode(t, 0)
			r.assertClean(t)
			r.wantStderr(t, tc.want...)
			r.wantStderr(t, "token cache: ", "not using it")
			// Once: the entry is read before and under the lock (issue 22).
			if n := strings.Count(r.Stderr, "not using it"); n != 1 {
				t.Errorf("the warning is printed %d times:\n%s", n, r.Stderr)
			}
			if tc.after != nil {
				tc.after(t, dir, entries[0])
			}
			tok := r.oneLine(t)
			if tok == first.oneLine(t) || proxy.count("client_credentials") != 2 {
				t.Fatalf("the bad cache file was trusted (%d requests)", proxy.count("client_credentials"))
			}
			wantActive(t, tok, true)
		})
	}
}
