package clear

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

func TestNewCmdClear(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdClear, []cmdtest.ArgvCase[Options]{
		{Argv: "", Check: func(t *testing.T, o *Options) {
			if o.Filter != (tokencache.Filter{}) {
				t.Errorf("%+v", o.Filter)
			}
		}},
		{Argv: "--client-id c --issuer http://h:4444", Check: func(t *testing.T, o *Options) {
			if o.Filter.ClientID != "c" || o.Filter.Issuer != "http://h:4444" {
				t.Errorf("%+v", o.Filter)
			}
		}},
		{Argv: "all", WantErr: "takes no arguments"},
	})
}

func TestClearRun(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "hydra", "tokens")
	c, err := tokencache.Open(tokencache.Options{Storage: tokencache.StorageDisk, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []tokencache.Key{
		{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "a", Grant: "client_credentials"},
		{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "b", Grant: "client_credentials"},
		{Issuer: "https://other.example/oauth2/token", ClientID: "a", Grant: "client_credentials"},
	} {
		if _, err := c.Get(context.Background(), tokencache.Request{Key: k, MinTTL: -1, Grant: func(context.Context) (*tokencache.Token, error) {
			return tokencache.ParseResponse([]byte(`{"access_token":"t","expires_in":600}`), time.Now())
		}}); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"XDG_CACHE_HOME": home}
	clear := func(args ...string) (string, string) {
		t.Helper()
		f, _, stdout, stderr := cmdtest.Factory(env)
		if err := cmdtest.Run(NewCmdClear(f, nil), args...); err != nil {
			t.Fatal(err)
		}
		return stdout.String(), stderr.String()
	}
	count := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		return len(m)
	}

	out, errOut := clear("--client-id", "a", "--issuer", "http://127.0.0.1:4444")
	if out != "" || !strings.Contains(errOut, "Removed the cached token of client a (client_credentials, http://127.0.0.1:4444/oauth2/token) from disk.") || count() != 2 {
		t.Fatalf("stdout %q stderr %q, %d left", out, errOut, count())
	}
	if _, errOut = clear("--client-id", "nobody"); !strings.Contains(errOut, "No cached token matches.") || count() != 2 {
		t.Fatalf("stderr %q", errOut)
	}
	if _, errOut = clear("--issuer", "https://other.example"); !strings.Contains(errOut, "client a") || count() != 1 {
		t.Fatalf("stderr %q, %d left", errOut, count())
	}
	os.WriteFile(filepath.Join(dir, "junk.json"), []byte("junk"), 0o600)
	if _, errOut = clear(); !strings.Contains(errOut, "client b") || !strings.Contains(errOut, "Removed the untrusted file "+filepath.Join(dir, "junk.json")) || count() != 0 {
		t.Fatalf("stderr %q, %d left", errOut, count())
	}
	if _, errOut = clear(); !strings.Contains(errOut, "The token cache is empty.") {
		t.Fatalf("stderr %q", errOut)
	}
}

func TestNewCmdClearRevoke(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdClear, []cmdtest.ArgvCase[Options]{
		{Argv: "--revoke --client-id c --client-secret-file s.txt", Check: func(t *testing.T, o *Options) {
			if !o.Revoke || o.Filter.ClientID != "c" || o.Credentials.Secret.File != "s.txt" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--client-secret-file s.txt", WantErr: "--client-secret-file applies only with --revoke"},
		{Argv: "--admin-endpoint http://127.0.0.1:4445", WantErr: "applies only with --revoke"},
		{Argv: "--revoke --auth-method magic", WantErr: "unknown --auth-method"},
	})
}

// An entry of a public client is told apart by its ID, so that --revoke
// sends its ID alone, whatever secret the flags give.
func TestPublicEntry(t *testing.T) {
	k := tokencache.Key{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "c", Grant: "jwt-bearer"}
	pub, conf := k, k
	pub.Credential = cachewire.Credential(shared.AuthNone, "", nil)
	conf.Credential = cachewire.Credential(shared.AuthBasic, "s", nil)
	if !public(&tokencache.Entry{Key: k, ID: pub.ID()}) || public(&tokencache.Entry{Key: k, ID: conf.ID()}) {
		t.Fatal("public entries are not told apart")
	}
}
