package list

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// Seed stores a token for each key in the cache under cacheHome, obtained
// at now and living an hour, with a refresh token when withRefresh.
func seed(t *testing.T, cacheHome string, now time.Time, keys ...tokencache.Key) {
	t.Helper()
	dir, _ := tokencache.DefaultDir(func(k string) string { return map[string]string{"XDG_CACHE_HOME": cacheHome}[k] })
	c, err := tokencache.Open(tokencache.Options{Storage: tokencache.StorageDisk, Dir: dir, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		_, err := c.Get(context.Background(), tokencache.Request{Key: k, MinTTL: -1, Grant: func(context.Context) (*tokencache.Token, error) {
			raw := `{"access_token":"SECRET-AT-` + k.ClientID + `","refresh_token":"SECRET-RT","id_token":"SECRET-ID","expires_in":3600}`
			if i == 1 {
				raw = `{"access_token":"SECRET-AT","expires_in":60}`
			}
			return tokencache.ParseResponse([]byte(raw), now)
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewCmdList(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdList, []cmdtest.ArgvCase[Options]{
		{Argv: "--format json", Check: func(t *testing.T, o *Options) {
			if o.Format.Name != "json" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--format xml", WantErr: "unknown format"},
		{Argv: "x", WantErr: "takes no arguments"},
	})
}

func TestListRun(t *testing.T) {
	home := t.TempDir()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	seed(t, home, now,
		tokencache.Key{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "alpha", Grant: "client_credentials", Scopes: []string{"write", "read"}, Audience: []string{"https://api"}, Credential: "CREDENTIAL"},
		tokencache.Key{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "beta", Grant: "authorization_code", Subject: "alice"},
	)
	env := map[string]string{"XDG_CACHE_HOME": home}

	f, _, stdout, stderr := cmdtest.Factory(env)
	cmd := NewCmdList(f, func(ctx context.Context, o *Options) error {
		o.Now = func() time.Time { return now.Add(30 * time.Minute) }
		return listRun(o)
	})
	if err := cmdtest.Run(cmd); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{"CLIENT ID", "GRANT", "ISSUER", "SCOPES", "EXPIRES", "STORAGE",
		"alpha", "client_credentials", "read write", "https://api", "2026-01-01T13:00:00Z (in 30m0s)", "yes",
		"beta", "authorization_code", "alice", "2026-01-01T12:01:00Z (expired)", "disk"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SECRET") || strings.Contains(out, "CREDENTIAL") || stderr.Len() != 0 {
		t.Fatalf("list shows a token or credential:\n%s\n%s", out, stderr)
	}

	f, _, stdout, _ = cmdtest.Factory(env)
	if err := cmdtest.Run(NewCmdList(f, nil), "--format", "json"); err != nil {
		t.Fatal(err)
	}
	var items []Item
	if err := json.Unmarshal(stdout.Bytes(), &items); err != nil || len(items) != 2 {
		t.Fatalf("json: %v\n%s", err, stdout)
	}
	if strings.Contains(stdout.String(), "SECRET") {
		t.Fatal("json shows a token")
	}
	for _, it := range items {
		if it.ID == "" || it.Storage != "disk" || it.ExpiresAt == nil {
			t.Errorf("item %+v", it)
		}
	}

	// A bad file is reported, and the rest listed.
	dir := filepath.Join(home, "hydra", "tokens")
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{"), 0o600)
	f, _, stdout, stderr = cmdtest.Factory(env)
	if err := cmdtest.Run(NewCmdList(f, nil), "--format", "jsonpath=$[*].client_id"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "bad.json is corrupt") || strings.Count(stdout.String(), "\n") != 2 {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}

	// A directory open to others is refused with the fix.
	os.Chmod(dir, 0o755)
	f, _, _, _ = cmdtest.Factory(env)
	err := cmdtest.Run(NewCmdList(f, nil))
	if err == nil || !strings.Contains(err.Error(), "chmod 700 "+dir) {
		t.Fatalf("err = %v", err)
	}
}

func TestListRunEmpty(t *testing.T) {
	f, _, stdout, stderr := cmdtest.Factory(map[string]string{"XDG_CACHE_HOME": t.TempDir()})
	if err := cmdtest.Run(NewCmdList(f, nil)); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "No cached tokens in ") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	f, _, stdout, _ = cmdtest.Factory(map[string]string{"XDG_CACHE_HOME": t.TempDir()})
	if err := cmdtest.Run(NewCmdList(f, nil), "--format", "json"); err != nil || stdout.String() != "[]\n" {
		t.Errorf("json of an empty cache: %q %v", stdout, err)
	}
}
