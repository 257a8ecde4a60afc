package e2e

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// secretService starts a D-Bus session of the test's own with
// gnome-keyring's Secret Service in it, unlocked, and returns its address.
// It ends with the test. The test skips where the tools are missing, and
// fails under CI, where .ci/run installs them.
func secretService(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := "keyring storage needs " + tool + " (Debian packages dbus and gnome-keyring; .ci/run installs them)"
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	// The shell prints the session's address, then waits on stdin: closing
	// it ends the session, and gnome-keyring with it.
	cmd := exec.CommandContext(ctx, "dbus-run-session", "--", "sh", "-c",
		`echo -n e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null && echo "$DBUS_SESSION_BUS_ADDRESS" && read _`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_DATA_HOME=" + filepath.Join(home, "data"), "XDG_RUNTIME_DIR=" + home}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
			<-done
		}
		cancel()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr := strings.TrimSpace(line)
	if err != nil || addr == "" {
		t.Fatalf("starting the Secret Service: %v", err)
	}
	return addr
}

// TestTokenCacheKeyring stores the token in a real Secret Service: the
// second call reads it from there, the disk holds no token, list and clear
// work, and a keyring that is not there fails before any token is minted,
// never falling back to disk.
func TestTokenCacheKeyring(t *testing.T) {
	addr := secretService(t)
	c := newClient(t, "read")
	proxy := newRecordingProxy(t, srv.PublicURL)
	home := t.TempDir()
	env := cacheEnv(clientEnv(c), proxy.URL, home)
	env["DBUS_SESSION_BUS_ADDRESS"] = addr

	first := run{Env: env}.hydra(t, "token", "client", "--cache-storage", "keyring", "--scope", "read")
	first.wantCode(t, 0)
	tok := first.oneLine(t)
	second := run{Env: env}.hydra(t, "token", "client", "--cache-storage", "keyring", "--scope", "read")
	second.wantCode(t, 0)
	if second.oneLine(t) != tok || proxy.count("client_credentials") != 1 {
		t.Fatalf("the keyring entry was not reused: %d requests", proxy.count("client_credentials"))
	}
	wantActive(t, tok, true)

	dir := filepath.Join(home, "hydra", "tokens")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range files {
		raw, _ := os.ReadFile(p)
		if strings.Contains(string(raw), tok) {
			t.Fatalf("%s holds the token: keyring storage must keep it off disk", p)
		}
	}
	// A disk cache does not take the keyring's stub for a token.
	r := run{Env: env}.hydra(t, "token", "client", "--cache", "--scope", "read")
	r.wantCode(t, 0)
	if r.oneLine(t) == tok {
		t.Fatal("a disk call printed the keyring's token")
	}

	l := run{Env: env}.hydra(t, "token", "cache", "list", "--format", "jsonpath=$[*].storage")
	l.wantCode(t, 0)
	if strings.TrimSpace(l.Stdout) != "disk" {
		t.Fatalf("the disk call should replace the keyring entry of the same key: storages %q", l.Stdout)
	}
	// Back to the keyring, then clear it from there.
	r = run{Env: env}.hydra(t, "token", "client", "--cache-storage", "keyring", "--scope", "read", "--force-refresh")
	r.wantCode(t, 0)
	l = run{Env: env}.hydra(t, "token", "cache", "list")
	l.wantCode(t, 0)
	if !strings.Contains(l.Stdout, "keyring") || !strings.Contains(l.Stdout, c.ClientID) {
		t.Fatalf("list:\n%s", l.Stdout)
	}
	l.wantNoLeak(t, r.oneLine(t))
	cl := run{Env: env}.hydra(t, "token", "cache", "clear")
	cl.wantCode(t, 0)
	cl.wantStderr(t, "from keyring")
	before := proxy.count("client_credentials")
	r = run{Env: env}.hydra(t, "token", "client", "--cache-storage", "keyring", "--scope", "read")
	r.wantCode(t, 0)
	if proxy.count("client_credentials") != before+1 {
		t.Fatal("clear left the keyring entry")
	}

	// No keyring: exit 1 before any request, nothing on stdout or disk.
	none := cacheEnv(env, proxy.URL, t.TempDir())
	none["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + filepath.Join(t.TempDir(), "no-bus")
	before = proxy.count("client_credentials")
	r = run{Env: none}.hydra(t, "token", "client", "--cache-storage", "keyring")
	r.wantCode(t, 1)
	r.assertClean(t)
	r.wantStderr(t, "OS keyring failed", "--cache-storage disk, or none")
	if r.Stdout != "" || proxy.count("client_credentials") != before {
		t.Fatalf("stdout %q, %d requests: a token was minted without a keyring to keep it", r.Stdout, proxy.count("client_credentials")-before)
	}
	if files, _ := filepath.Glob(filepath.Join(none["XDG_CACHE_HOME"], "hydra", "tokens", "*.json")); len(files) != 0 {
		t.Fatalf("the keyring failed and the cache wrote %v", files)
	}
}
