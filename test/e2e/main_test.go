// Package e2e runs the built hydra binary against a real Ory Hydra v2.3.0,
// started in memory on loopback ports for this package's tests.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

var (
	// cli is the path of the hydra binary under test.
	cli string
	// srv is the Hydra all tests of this package share. Tests create their
	// own clients, so they do not see each other's state.
	srv *hydratest.Server
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hydra-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// hydra-pgp too, beside it (--pgp-key).
	if cli, err = hydratest.BuildCLI(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building the CLI:", err)
		return 1
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The older Hydras of compat_test.go start meanwhile.
	stopCompat := startCompatServers(ctx)
	defer stopCompat()
	srv, err = hydratest.Start(ctx, hydratest.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting Hydra:", err)
		return 1
	}
	defer srv.Stop()
	defer stopHTTPSHydra()
	return m.Run()
}

// result is what one run of the CLI did.
type result struct {
	Stdout string
	Stderr string
	Code   int
}

// run is the options of one CLI run.
type run struct {
	// Env is the whole environment beyond PATH and HOME: the tests never
	// inherit HYDRA_* or proxy settings from the shell that runs them.
	Env   map[string]string
	Stdin string
}

// hydra runs the CLI with args and the given environment and stdin, with a
// deadline, and returns what it printed and its exit code.
func (r run) hydra(t *testing.T, args ...string) result {
	t.Helper()
	return r.exec(t, args, func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, cli, args...) })
}

// exec runs the command that command builds (the CLI, or the CLI under a
// shell that sets limits first) as hydra does: r's environment and stdin,
// a deadline, and the CLI's output and exit code. args name it in failures.
func (r run) exec(t *testing.T, args []string, command func(context.Context) *exec.Cmd) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := command(ctx)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1"}
	for k, v := range r.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(r.Stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running hydra %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("hydra %s did not finish within the deadline", strings.Join(args, " "))
	}
	return res
}

// hydra runs the CLI with HYDRA_ADMIN_URL and HYDRA_URL pointing at srv.
func hydra(t *testing.T, args ...string) result {
	t.Helper()
	return run{Env: serverEnv()}.hydra(t, args...)
}

func serverEnv() map[string]string {
	return map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL, "HYDRA_URL": srv.PublicURL}
}

// wantCode fails the test unless r exited with code.
func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.Code, code, r.Stdout, r.Stderr)
	}
}

// assertNoStackTrace fails if stderr looks like a Go panic or trace.
func (r result) assertClean(t *testing.T) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", ".go:", "runtime/"} {
		if strings.Contains(r.Stderr, bad) {
			t.Errorf("stderr carries Go internals (%q):\n%s", bad, r.Stderr)
		}
	}
}

// newClient creates a client credentials client with the given scopes.
func newClient(t *testing.T, scope string) hydratest.Client {
	t.Helper()
	c, err := srv.CreateClient(map[string]any{
		"grant_types":                []string{"client_credentials"},
		"scope":                      scope,
		"token_endpoint_auth_method": "client_secret_basic",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// accessToken returns a fresh access token for a new client.
func accessToken(t *testing.T, scopes ...string) (hydratest.Client, string) {
	t.Helper()
	c := newClient(t, strings.Join(scopes, " "))
	tok, err := srv.ClientCredentials(c, scopes...)
	if err != nil {
		t.Fatal(err)
	}
	return c, tok.AccessToken
}

// clientTokens returns n fresh access tokens of c.
func clientTokens(t *testing.T, c hydratest.Client, n int) []string {
	t.Helper()
	var toks []string
	for range n {
		tok, err := srv.ClientCredentials(c, "read")
		if err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok.AccessToken)
	}
	return toks
}
