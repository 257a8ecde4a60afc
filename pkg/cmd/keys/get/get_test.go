package get

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/keys/internal/keystest"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdGet(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdGet, []cmdtest.ArgvCase[Options]{
		{Argv: "a b", Check: func(t *testing.T, o *Options) {
			if len(o.Sets) != 2 || o.KeyID != "" || o.Output.Private {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "a --kid k --private --format pem", Check: func(t *testing.T, o *Options) {
			if o.KeyID != "k" || !o.Output.Private || !o.Output.PEM {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "at least one set name"},
		{Argv: "a b --kid k", WantErr: "--kid takes one set"},
		{Argv: "a/b", WantErr: "contains a /"},
		{Argv: "a --private --public", WantErr: "--private and --public"},
		{Argv: "a --format xml", WantErr: `unknown format "xml"`},
	})
}

func run(t *testing.T, srv *keystest.Server, args ...string) (string, string, error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdGet(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return getRun(ctx, o)
	}), args...)
	return out.String(), errOut.String(), err
}

func TestGetRun(t *testing.T) {
	srv := keystest.New(t)
	srv.Put("a", keystest.NewECKey("k1"))
	srv.Put("b", keystest.NewECKey("k2"))

	out, _, err := run(t, srv, "a", "b", "--format", "table")
	if err != nil || !strings.Contains(out, "a       k1") || !strings.Contains(out, "b       k2") {
		t.Fatalf("table of two sets: %v\n%s", err, out)
	}
	out, _, err = run(t, srv, "a", "--format", "json")
	if err != nil || strings.Contains(out, `"d"`) || !strings.Contains(out, `"kid":"k1"`) {
		t.Fatalf("public by default: %v\n%s", err, out)
	}
	out, _, err = run(t, srv, "a", "--private", "--format", "json")
	if err != nil || !strings.Contains(out, `"d"`) {
		t.Fatalf("--private: %v\n%s", err, out)
	}
	out, _, err = run(t, srv, "b", "--kid", "k2", "--format", "pem")
	if err != nil || !strings.HasPrefix(out, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("--kid --format pem: %v\n%s", err, out)
	}
	out, _, err = run(t, srv, "a", "missing")
	if err == nil || out != "" || !strings.Contains(err.Error(), `no key set "missing"`) {
		t.Fatalf("a missing set prints nothing and is named: %v\n%s", err, out)
	}
	_, _, err = run(t, srv, "a", "--kid", "nope")
	if err == nil || !strings.Contains(err.Error(), `no key "nope" in the key set "a"`) {
		t.Fatalf("missing key: %v", err)
	}
}

func TestGetOut(t *testing.T) {
	srv := keystest.New(t)
	srv.Put("a", keystest.NewECKey("k1"))
	path := filepath.Join(t.TempDir(), "private.pem")

	out, errOut, err := run(t, srv, "a", "--private", "--format", "pem", "--out", path)
	if err != nil || out != "" || !strings.Contains(errOut, "Wrote the public and private keys to "+path+" (mode 0600)") {
		t.Fatalf("--out: %v, stdout %q, stderr %q", err, out, errOut)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the private key file: %v %v", err, st)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("file: %s", b)
	}

	_, _, err = run(t, srv, "a", "--out", path)
	cmdtest.WantUsageError(t, err, "exists: choose another file, or pass --force")
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "-----BEGIN PRIVATE KEY-----") {
		t.Fatal("a refused --out changed the file")
	}
	if _, _, err = run(t, srv, "a", "--out", path, "--force", "--format", "json"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"kid":"k1"`) || strings.Contains(string(b), `"d"`) {
		t.Fatalf("--force replaces the file: %s", b)
	}
	_, _, err = run(t, srv, "a", "--force")
	cmdtest.WantUsageError(t, err, "--force replaces the file that --out names")
	_, _, err = run(t, srv, "a", "--out", "-")
	cmdtest.WantUsageError(t, err, "--out needs a file name")
}
