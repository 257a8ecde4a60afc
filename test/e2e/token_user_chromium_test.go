package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// chromiumPath is where Debian's chromium package puts the browser; .ci/run
// installs it.
const chromiumPath = "/usr/bin/chromium"

// TestTokenUserRealBrowser runs the flow through headless Chromium: the CLI
// opens the authorization URL with $BROWSER, and Chromium follows the
// redirects through Hydra and the login and consent app back to the CLI's
// callback.
func TestTokenUserRealBrowser(t *testing.T) {
	wrapper, pidFile, logFile := chromium(t)
	// One browser profile for the three runs: Chromium is started anew for
	// each, so the previous one is ended first.
	for _, mode := range []string{"query", "fragment", "form_post"} {
		t.Run(mode, func(t *testing.T) {
			defer killChromium(t, pidFile)
			port := freePort(t)
			c := authCodeClient(t, port, true, nil)
			env := serverEnv()
			env["BROWSER"] = wrapper
			r := run{Env: env}.hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port),
				"--response-mode", mode, "--format", "json", "--timeout", "45s")
			if r.Code != 0 {
				log, _ := os.ReadFile(logFile)
				t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s\nchromium's log (end):\n%s", r.Code, r.Stdout, r.Stderr, tail(string(log), 3000))
			}
			tok := parseTokens(t, r)
			assertNoTokensOn(t, "stderr", r.Stderr, tok)
			if got := decodeSubject(t, tok.IDToken); got != hydratest.DefaultSubject {
				t.Errorf("subject = %q, want %q", got, hydratest.DefaultSubject)
			}
		})
	}
}

// chromium writes a $BROWSER script that starts headless Chromium, and
// returns it, the file that will hold its process group's ID, and its log.
// It skips the test where Chromium is missing, except in CI.
func chromium(t *testing.T) (wrapper, pidFile, logFile string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: .ci/run should have installed Debian's chromium package", chromiumPath)
		}
		t.Skipf("skipping the real-browser test: %s is missing (apt-get install chromium)", chromiumPath)
	}
	dir := t.TempDir()
	pidFile = filepath.Join(dir, "chromium.pid")
	logFile = filepath.Join(dir, "chromium.log")
	profile := filepath.Join(dir, "profile")
	// setsid gives Chromium a process group of its own, whose ID is in
	// pidFile, so that the cleanup can end it with all its children. Its
	// output goes to a file, so that it does not hold the CLI's stderr open.
	script := fmt.Sprintf(`#!/bin/sh
echo $$ > %q
exec setsid %s --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --disable-component-update --disable-sync --disable-quic --disable-dev-shm-usage \
  --user-data-dir=%q "$1" >%q 2>&1 </dev/null
`, pidFile, chromiumPath, profile, logFile)
	wrapper = filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killChromium(t, pidFile) })
	return wrapper, pidFile, logFile
}

// TestTokenUserRealBrowserIssuerIsPublicURL is TestTokenUserIssuerIsPublicURL's
// browser run in Chromium (issue 22 point 12): Hydra's issuer, and so its
// public URL, is http://127.0.0.1:PORT, and -e http://localhost:PORT, as
// behind "kubectl port-forward". The browser's cookies are a real
// browser's, per host, as the HTTP driver only imitates.
func TestTokenUserRealBrowserIssuerIsPublicURL(t *testing.T) {
	wrapper, pidFile, logFile := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fwd, err := hydratest.Start(ctx, hydratest.Options{IssuerOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Stop()
	issuer := fwd.PublicURL
	endpoint := strings.Replace(fwd.PublicURL, "127.0.0.1", "localhost", 1)
	port := freePort(t)
	c, err := fwd.CreateClient(map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid offline",
		"redirect_uris":              []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)},
		"token_endpoint_auth_method": "none",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer killChromium(t, pidFile)
	env := map[string]string{"HYDRA_ADMIN_URL": fwd.AdminURL, "OAUTH2_CLIENT_ID": c.ClientID, "BROWSER": wrapper}
	r := run{Env: env}.hydra(t, "token", "user", "-e", endpoint, "--issuer", issuer,
		"-p", strconv.Itoa(port), "--timeout", "45s", "--format", "json")
	if r.Code != 0 {
		log, _ := os.ReadFile(logFile)
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s\nchromium's log (end):\n%s", r.Code, r.Stdout, r.Stderr, tail(string(log), 3000))
	}
	tok := parseTokens(t, r)
	assertNoTokensOn(t, "stderr", r.Stderr, tok)
	if tok.IDToken == "" {
		t.Fatalf("no ID token: %s", r.Stdout)
	}
	r.wantStderr(t, "its public URL "+issuer)
	in := run{Env: map[string]string{"HYDRA_ADMIN_URL": fwd.AdminURL}, Stdin: tok.AccessToken}.hydra(t, "token", "introspect", "--format", "json", "-")
	in.wantCode(t, 0)
	if !strings.Contains(in.Stdout, `"active":true`) || !strings.Contains(in.Stdout, c.ClientID) {
		t.Errorf("introspection: %s", in.Stdout)
	}
}

// killChromium ends the process group in pidFile: politely, then by force.
func killChromium(t *testing.T, pidFile string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return // the browser never started
	}
	defer os.Remove(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	for range 50 {
		if syscall.Kill(-pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
