package reliability

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/test/testca"
)

// tlsServer starts a self-signed loopback HTTPS server answering the row's
// good answer, and writes its certificate as PEM.
func tlsServer(t *testing.T, c command) (srv *httptest.Server, caFile string, hits *atomic.Int32) {
	t.Helper()
	hits = &atomic.Int32{}
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		okHandler(c).ServeHTTP(w, r)
	}))
	// The handshakes the client rightly refuses are expected.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, caFile, hits
}

const skipWarning = "warning: --skip-tls-verify"

func TestTLS(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			srv, caFile, hits := tlsServer(t, c)
			ctx := context.Background()

			t.Run("verified by default", func(t *testing.T) {
				r := invoke(ctx, t, c, srv.URL, "--retries", "0")
				assertFailedCleanly(t, failureOf(t, c, r), cmdutil.ExitFailure, "certificate", "--ca-cert", "--skip-tls-verify")
				if hits.Load() != 0 {
					t.Error("the request reached the server over an unverified connection")
				}
			})
			t.Run("--skip-tls-verify works and warns", func(t *testing.T) {
				r := invoke(ctx, t, c, srv.URL, "--skip-tls-verify")
				if r.code != 0 || !strings.Contains(r.stderr, skipWarning) {
					t.Errorf("exit %d, stderr %q; want 0 and a warning", r.code, r.stderr)
				}
				assertNoSecrets(t, r)
			})
			t.Run("--ca-cert trusts the CA", func(t *testing.T) {
				r := invoke(ctx, t, c, srv.URL, "--ca-cert", caFile)
				if r.code != 0 || strings.Contains(r.stderr, "warning: --skip") {
					t.Errorf("exit %d, stderr %q; want 0 without warning", r.code, r.stderr)
				}
			})
			t.Run("--ca-cert of another CA", func(t *testing.T) {
				otherCA := testca.Unused(t, "Another test CA")
				r := invoke(ctx, t, c, srv.URL, "--ca-cert", otherCA, "--retries", "0")
				assertFailedCleanly(t, failureOf(t, c, r), cmdutil.ExitFailure, "--ca-cert", "--skip-tls-verify")
			})
			t.Run("--ca-cert that is not PEM", func(t *testing.T) {
				notPEM := filepath.Join(t.TempDir(), "ca.txt")
				_ = os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644)
				r := invoke(ctx, t, c, srv.URL, "--ca-cert", notPEM)
				if r.code != cmdutil.ExitUsage || !strings.Contains(r.stderr, "--ca-cert") || r.stdout != "" {
					t.Errorf("exit %d, stderr %q; want a usage error naming --ca-cert", r.code, r.stderr)
				}
			})
			t.Run("https to a plain HTTP port", func(t *testing.T) {
				plain := stub(t, okHandler(c))
				r := invoke(ctx, t, c, strings.Replace(plain.URL, "http://", "https://", 1), "--retries", "0")
				assertFailedCleanly(t, failureOf(t, c, r), cmdutil.ExitFailure, "plain HTTP")
			})
			t.Run("plain HTTP to loopback: no warning", func(t *testing.T) {
				plain := stub(t, okHandler(c))
				r := invoke(ctx, t, c, plain.URL)
				if r.code != 0 || strings.Contains(r.stderr, "plain HTTP") {
					t.Errorf("exit %d, stderr %q", r.code, r.stderr)
				}
			})
		})
	}
}

// proxy is a loopback forward proxy that answers for any host itself, so that
// a test can name a non-loopback endpoint while sending traffic only to
// loopback. It refuses CONNECT, ending https requests at the proxy.
type proxy struct {
	mu       sync.Mutex
	requests []string // "METHOD absolute-URL" or "CONNECT host:port"
}

func startProxy(t *testing.T, c command) (*httptest.Server, *proxy) {
	t.Helper()
	p := &proxy{}
	srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		if r.Method == http.MethodConnect {
			p.requests = append(p.requests, "CONNECT "+r.Host)
		} else {
			p.requests = append(p.requests, r.Method+" "+r.URL.String())
		}
		p.mu.Unlock()
		if r.Method == http.MethodConnect {
			http.Error(w, "no tunnels here", http.StatusForbidden)
			return
		}
		okHandler(c).ServeHTTP(w, r)
	}))
	return srv, p
}

func (p *proxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// runBinary runs the built CLI in a fresh process, whose net/http reads the
// proxy settings from this environment.
func runBinary(t *testing.T, c command, endpoint string, env map[string]string, extra ...string) result {
	t.Helper()
	all := envFor(t, c, endpoint)
	for k, v := range env {
		all[k] = v
	}
	cmd := exec.Command(binary(t), append(argvFor(t, c, endpoint), extra...)...)
	cmd.Env = subprocessEnv(all)
	cmd.Stdin = strings.NewReader(stdinFor(c))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	code := 0
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String(), echoes: c.echoes}
}

// A plain-HTTP endpoint on a host that is not loopback gets a one-line
// warning. The endpoint's host does not exist: HTTP_PROXY sends the request
// to a loopback proxy, which also proves that HTTP_PROXY is honoured.
func TestPlainHTTPWarningThroughProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			proxySrv, p := startProxy(t, c)
			const endpoint = "http://hydra.example:4445"
			r := runBinary(t, c, endpoint, map[string]string{"HTTP_PROXY": proxySrv.URL, "HTTPS_PROXY": proxySrv.URL})
			if r.code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			var warnings []string
			for _, line := range strings.Split(r.stderr, "\n") {
				if strings.Contains(line, "plain HTTP") {
					warnings = append(warnings, line)
				}
			}
			if len(warnings) != 1 || !strings.HasPrefix(warnings[0], "warning: "+endpoint) {
				t.Errorf("want one warning line naming %s; stderr:\n%s", endpoint, r.stderr)
			}
			seen := p.seen()
			if len(seen) == 0 || !strings.Contains(seen[0], " "+endpoint+c.path) {
				t.Errorf("the proxy saw %q, want the request for %s%s", seen, endpoint, c.path)
			}
			assertNoSecrets(t, r)

			// https goes through HTTPS_PROXY as a CONNECT tunnel, which this
			// proxy refuses: a clean failure, and no warning about plain HTTP.
			r = runBinary(t, c, "https://hydra.example:4445", map[string]string{"HTTPS_PROXY": proxySrv.URL}, "--retries", "0")
			assertFailedCleanly(t, failureOf(t, c, r), cmdutil.ExitFailure, "hydra.example", "Forbidden", "through the proxy "+proxySrv.URL, "HTTPS_PROXY")
			if strings.Contains(r.stderr, "plain HTTP") {
				t.Errorf("https endpoint warned about plain HTTP:\n%s", r.stderr)
			}
			if seen := p.seen(); len(seen) < 2 || seen[len(seen)-1] != "CONNECT hydra.example:4445" {
				t.Errorf("the proxy saw %q, want a CONNECT to hydra.example:4445", seen)
			}

			// A proxy that does not listen is named as the culprit.
			r = runBinary(t, c, endpoint, map[string]string{"HTTP_PROXY": closedPort(t)}, "--retries", "0")
			assertFailedCleanly(t, failureOf(t, c, r), cmdutil.ExitFailure, "the proxy failed: connection refused", "HTTP_PROXY")
		})
	}
}

// Ctrl-C on the real process: main's signal handling cancels the request,
// and the process exits 130 saying "interrupted".
func TestInterruptBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := commands[0]
	arrived := make(chan struct{}, 1)
	srv := stub(t, hangUntilDone(t, arrived))
	cmd := exec.Command(binary(t), append(argvFor(t, c, srv.URL), "--timeout", "0")...)
	cmd.Env = subprocessEnv(envFor(t, c, srv.URL))
	cmd.Stdin = strings.NewReader(stdinFor(c))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-arrived
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	code := 0
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	}
	assertFailedCleanly(t, result{code: code, stdout: out.String(), stderr: errOut.String()}, cmdutil.ExitInterrupt, "interrupted")
}
