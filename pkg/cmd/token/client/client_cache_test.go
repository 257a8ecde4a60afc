package client

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdClientCacheFlags(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdClient, []cmdtest.ArgvCase[Options]{
		{Argv: "", Check: func(t *testing.T, o *Options) {
			if o.Cache.Enabled {
				t.Errorf("the cache is on by default")
			}
		}},
		{Argv: "--cache --min-ttl 5m --force-refresh", Check: func(t *testing.T, o *Options) {
			if !o.Cache.Enabled || o.Cache.Storage != "disk" || o.Cache.MinTTL.String() != "5m0s" || !o.Cache.ForceRefresh {
				t.Errorf("%+v", o.Cache)
			}
		}},
		{Argv: "--cache-storage keyring", Check: func(t *testing.T, o *Options) {
			if !o.Cache.Enabled || o.Cache.Storage != "keyring" || o.Cache.MinTTL >= 0 {
				t.Errorf("%+v", o.Cache)
			}
		}},
		{Argv: "--cache-storage file", WantErr: `invalid --cache-storage "file": valid storages are disk, keyring, none`},
		{Argv: "--force-refresh", WantErr: "--force-refresh applies only with --cache"},
		{Argv: "--min-ttl 1m", WantErr: "--min-ttl applies only with --cache"},
		{Argv: "--cache --min-ttl -1s", WantErr: "--min-ttl must not be negative"},
		{Argv: "--cache=false --cache-storage disk", WantErr: "contradict"},
	})
}

// tokenServer counts token requests and answers each with a new token.
func tokenServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if _, secret, _ := r.BasicAuth(); secret != "s" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_client"}`)
			return
		}
		fmt.Fprintf(w, `{"access_token":"at-%d","expires_in":3599,"scope":"read","token_type":"bearer"}`, i)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestClientRunCache(t *testing.T) {
	srv, requests := tokenServer(t)
	cacheHome := t.TempDir()
	run := func(t *testing.T, extraEnv map[string]string, argv string) (string, string, error) {
		t.Helper()
		env := map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "s", "XDG_CACHE_HOME": cacheHome}
		for k, v := range extraEnv {
			env[k] = v
		}
		f, _, stdout, stderr := cmdtest.Factory(env)
		err := cmdtest.Run(NewCmdClient(f, nil), strings.Fields(argv)...)
		return stdout.String(), stderr.String(), err
	}

	first, stderr, err := run(t, nil, "--cache --scope read")
	if err != nil || first != "at-1\n" || stderr != "" {
		t.Fatalf("first call: %q %q %v", first, stderr, err)
	}
	for range 10 {
		out, _, err := run(t, nil, "--cache --scope read")
		if err != nil || out != first {
			t.Fatalf("cached call: %q %v", out, err)
		}
	}
	if requests.Load() != 1 {
		t.Fatalf("%d token requests for 11 cached calls, want 1", requests.Load())
	}
	if _, err := filepath.Glob(filepath.Join(cacheHome, "hydra", "tokens", "*.json")); err != nil {
		t.Fatal(err)
	}

	// The cached --format json is the server's response.
	out, _, err := run(t, nil, "--cache --scope read --format json")
	if err != nil || !strings.HasPrefix(out, `{"access_token":"at-1","expires_in":35`) || !strings.HasSuffix(out, `,"scope":"read","token_type":"bearer"}`+"\n") {
		t.Fatalf("cached json: %q %v", out, err)
	}

	// HYDRA_TOKEN_CACHE turns it on; --cache=false turns it off again.
	if out, _, _ := run(t, map[string]string{"HYDRA_TOKEN_CACHE": "disk"}, "--scope read"); out != first {
		t.Errorf("HYDRA_TOKEN_CACHE=disk: %q", out)
	}
	if out, _, _ := run(t, map[string]string{"HYDRA_TOKEN_CACHE": "disk"}, "--scope read --cache=false"); out == first {
		t.Errorf("--cache=false used the cache")
	}
	before := requests.Load()
	// Other scopes, another secret, or --force-refresh: a new token.
	if out, _, _ := run(t, nil, "--cache --scope read,write"); out == first {
		t.Errorf("other scopes got the cached token")
	}
	if _, _, err := run(t, map[string]string{"OAUTH2_CLIENT_SECRET": "wrong"}, "--cache --scope read"); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("a wrong secret got the cached token: %v", err)
	}
	if out, _, _ := run(t, nil, "--cache --scope read --force-refresh"); out == first {
		t.Errorf("--force-refresh got the cached token")
	}
	if got := requests.Load() - before; got != 3 {
		t.Errorf("%d requests for 3 calls that cannot use the cache", got)
	}
	if out, _, _ := run(t, map[string]string{"HYDRA_TOKEN_CACHE": "bogus"}, ""); out != "" {
		t.Errorf("an invalid HYDRA_TOKEN_CACHE ran: %q", out)
	}
	if _, _, err := run(t, map[string]string{"HYDRA_TOKEN_CACHE": "bogus"}, ""); err == nil || !strings.Contains(err.Error(), "invalid HYDRA_TOKEN_CACHE") {
		t.Errorf("err = %v", err)
	}
}

func TestClientRunCacheNone(t *testing.T) {
	srv, requests := tokenServer(t)
	cacheHome := t.TempDir()
	for range 3 {
		f, _, stdout, _ := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "s", "XDG_CACHE_HOME": cacheHome})
		if err := cmdtest.Run(NewCmdClient(f, nil), "--cache-storage", "none"); err != nil || stdout.Len() == 0 {
			t.Fatal(err)
		}
	}
	if requests.Load() != 3 {
		t.Errorf("storage none: %d requests for 3 runs, want 3", requests.Load())
	}
	if m, _ := filepath.Glob(filepath.Join(cacheHome, "*")); len(m) != 0 {
		t.Errorf("storage none wrote %v", m)
	}
}

// A refresh token that the cache keeps is not lost when the output leaves
// it out, so there is no "shown only once" warning; without the cache there
// is one.
func TestClientRunCacheKeepsARefreshToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"at","refresh_token":"rt","expires_in":3600,"token_type":"bearer"}`))
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		argv     string
		warnings int
	}{{"--cache", 0}, {"", 1}} {
		f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "s", "XDG_CACHE_HOME": t.TempDir()})
		if err := cmdtest.Run(NewCmdClient(f, nil), strings.Fields(tc.argv)...); err != nil || stdout.String() != "at\n" {
			t.Fatalf("%q: %q %v", tc.argv, stdout, err)
		}
		if n := strings.Count(stderr.String(), "shown only once"); n != tc.warnings {
			t.Errorf("%q: %d warnings, want %d:\n%s", tc.argv, n, tc.warnings, stderr)
		}
	}
}
