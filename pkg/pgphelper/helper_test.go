package pgphelper

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
)

// fake writes a shell script as a stand-in for hydra-pgp and returns its
// path.
func fake(t *testing.T, script string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake helpers are shell scripts")
	}
	p := filepath.Join(t.TempDir(), executable())
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFakeHelper: hydra with a helper that crashes, answers garbage, an
// error, or nothing in time: each is an error that names hydra-pgp and
// says what to do, within the timeout; none shows the secret or the key.
func TestFakeHelper(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	key := pgptest.NewKey(t)
	for name, c := range map[string]struct {
		script string
		want   string
	}{
		"crashes":      {`echo "panic: boom" >&2; exit 2`, "exit status 2: panic: boom"},
		"garbage":      {`cat >/dev/null; echo "hello"`, "its answer is not the JSON it speaks"},
		"nothing":      {`cat >/dev/null`, "its answer is not the JSON it speaks"},
		"huge":         {`cat >/dev/null; head -c 2000000 /dev/zero`, "over 1048576 bytes"},
		"slow":         {`exec sleep 30`, "did not answer within 300ms"},
		"other proto":  {`cat >/dev/null; echo '{"version":7,"key_id":"AB"}'`, "protocol version 7"},
		"error answer": {`cat >/dev/null; echo '{"version":1,"error":{"kind":"internal","message":"out of entropy"}}'`, "out of entropy"},
		"key error":    {`cat >/dev/null; echo '{"version":1,"error":{"kind":"key","message":"OpenPGP key X cannot encrypt"}}'`, "cannot encrypt"},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			fl := Flags{Key: key.Base64(), Helper: Exec(fake(t, c.script))}
			_, err := fl.Load(context.Background(), f, cmdutil.Connection{Timeout: 300 * time.Millisecond})
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s", took)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if name == "key error" {
				if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
					t.Errorf("a --pgp-key that cannot encrypt: exit %d, want 2", cmdutil.ExitCodeOf(err))
				}
				return
			}
			if !strings.Contains(err.Error(), "hydra-pgp") || !strings.Contains(err.Error(), "go install github.com/hydratoken/hydra/cmd/hydra-pgp@latest") {
				t.Errorf("error %v: want hydra-pgp named, and how to install it", err)
			}
			if strings.Contains(err.Error(), key.Base64()[:40]) {
				t.Errorf("the key is in the error")
			}
		})
	}
	// The command's context bounds it too.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := (&Flags{Key: key.Base64(), Helper: Exec(fake(t, `exec sleep 30`))}).Load(ctx, f, cmdutil.Connection{})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("error %v after %s", err, time.Since(start))
	}
}

// TestHelperSeesNoSecretOutsideStdin: the key and the secret go on
// stdin only: not in the helper's arguments or environment, and hydra's
// environment (where HYDRA_CLIENT_SECRET may be) does not reach it.
func TestHelperSeesNoSecretOutsideStdin(t *testing.T) {
	t.Setenv("HYDRA_CLIENT_SECRET", "env-secret-xyz")
	dir := t.TempDir()
	p := fake(t, `echo "$@" > `+dir+`/args; env > `+dir+`/env; cat >> `+dir+`/stdin
echo '{"version":1,"key_id":"0123456789ABCDEF","message":"U0VBTEVE"}'`)
	f, _, _, _ := cmdtest.Factory(nil)
	key := pgptest.NewKey(t)
	r, err := (&Flags{Key: key.Base64(), Helper: Exec(p)}).Load(context.Background(), f, cmdutil.Connection{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.Encrypt(context.Background(), "the-secret-abc"); err != nil || got != "U0VBTEVE" {
		t.Fatalf("%q %v", got, err)
	}
	read := func(n string) string { b, _ := os.ReadFile(filepath.Join(dir, n)); return string(b) }
	args, env, stdin := read("args"), read("env"), read("stdin")
	if strings.TrimSpace(args) != "" {
		t.Errorf("arguments: %q", args)
	}
	for _, s := range []string{"the-secret-abc", "env-secret-xyz", "BEGIN PGP"} {
		if strings.Contains(env, s) {
			t.Errorf("%q in the helper's environment", s)
		}
	}
	if !strings.Contains(stdin, `"secret":"the-secret-abc"`) || !strings.Contains(stdin, `"op":"check"`) {
		t.Errorf("stdin: %s", stdin)
	}
}

// TestFind: hydra-pgp is found next to hydra, through a symlink to hydra,
// before PATH; then on PATH; else the error says how to get it.
func TestFind(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	install := t.TempDir()
	hydra := filepath.Join(install, "hydra")
	helper := filepath.Join(install, executable())
	for _, p := range []string{hydra, helper} {
		os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
	}
	link := filepath.Join(t.TempDir(), "hydra")
	if err := os.Symlink(hydra, link); err != nil {
		t.Fatal(err)
	}
	onPath := func(string) (string, error) { return "/on/path/hydra-pgp", nil }
	notOnPath := func(string) (string, error) { return "", os.ErrNotExist }
	if p, err := find("--pgp-key", link, onPath); err != nil || p != helper {
		t.Errorf("beside the symlink's target: %q %v", p, err)
	}
	lone := filepath.Join(t.TempDir(), "hydra")
	if p, err := find("--pgp-key", lone, onPath); err != nil || p != "/on/path/hydra-pgp" {
		t.Errorf("on PATH: %q %v", p, err)
	}
	_, err := find("--keybase", lone, notOnPath)
	if err == nil || !strings.Contains(err.Error(), "--keybase needs hydra-pgp") || !strings.Contains(err.Error(), "next to "+lone) ||
		!strings.Contains(err.Error(), "release archive") || !strings.Contains(err.Error(), "go install github.com/hydratoken/hydra/cmd/hydra-pgp@latest") {
		t.Errorf("missing: %v", err)
	}
}
