package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// envDriver makes this test binary act as a browser when the CLI runs it
// through $BROWSER: it follows the URL with a cookie jar, through Hydra and
// the login and consent app, up to and including the GET of the CLI's
// callback, and exits.
const envDriver = "HYDRA_E2E_BROWSER_DRIVER"

func init() {
	if os.Getenv(envDriver) == "" {
		return
	}
	os.Exit(driveBrowser(os.Args[len(os.Args)-1]))
}

func driveBrowser(authURL string) int {
	jar, _ := cookiejar.New(nil)
	// With _JAR set, the browser keeps Hydra's cookies between runs, as a
	// real one does: a remembered login session survives.
	jarFile := os.Getenv(envDriver + "_JAR")
	u, _ := url.Parse(authURL)
	if jarFile != "" && u != nil {
		var cookies []*http.Cookie
		if b, err := os.ReadFile(jarFile); err == nil {
			_ = json.Unmarshal(b, &cookies)
		}
		for _, c := range cookies {
			c.Path = "/"
		}
		jar.SetCookies(u, cookies)
	}
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := client.Get(authURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browser driver:", err)
		return 1
	}
	defer resp.Body.Close()
	if jarFile != "" && u != nil {
		b, _ := json.Marshal(jar.Cookies(u))
		_ = os.WriteFile(jarFile, b, 0o600)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if f := os.Getenv(envDriver + "_PAGE"); f != "" {
		_ = os.WriteFile(f, body, 0o600)
	}
	return 0
}

// driverEnv is the environment that makes the CLI open the URL with the
// test binary as its browser, which writes the last page it saw to page.
func driverEnv(t *testing.T, page string) map[string]string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env := serverEnv()
	env["BROWSER"] = self
	env[envDriver] = "1"
	env[envDriver+"_PAGE"] = page
	return env
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// authCodeClient creates a client for the authorization code flow with a
// redirect URL on port. A public client has no secret and must use PKCE.
func authCodeClient(t *testing.T, port int, public bool, extra map[string]any) hydratest.Client {
	t.Helper()
	doc := map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code", "id_token"},
		"scope":                      "openid offline offline_access email",
		"redirect_uris":              []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)},
		"token_endpoint_auth_method": "client_secret_basic",
	}
	if public {
		doc["token_endpoint_auth_method"] = "none"
	}
	for k, v := range extra {
		doc[k] = v
	}
	c, err := srv.CreateClient(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// proc is a CLI run in the background, whose stderr can be watched while
// it runs.
type proc struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	mu     sync.Mutex
	stderr bytes.Buffer
	lines  chan string
	done   chan struct{}
	err    error
}

// start runs the CLI in the background with env. The test's cleanup kills
// it if it is still running.
func start(t *testing.T, env map[string]string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	p := &proc{lines: make(chan string, 100), done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, cli, args...)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1"}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout = &p.stdout
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scanned := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		close(p.lines)
		close(scanned)
	}()
	go func() {
		// Wait closes stderr's pipe, so the scanner must be done first.
		<-scanned
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// authURL waits for the authorization URL on stderr.
func (p *proc) authURL(t *testing.T) string {
	t.Helper()
	for line := range p.lines {
		if s := strings.TrimSpace(line); strings.HasPrefix(s, "http") && strings.Contains(s, "/oauth2/auth?") {
			return s
		}
	}
	t.Fatalf("the CLI printed no authorization URL on stderr:\n%s", p.errText())
	return ""
}

func (p *proc) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// wait waits for the CLI to end and returns what it did.
func (p *proc) wait(t *testing.T) result {
	t.Helper()
	<-p.done
	err := p.err
	res := result{Stdout: p.stdout.String(), Stderr: p.errText()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running hydra: %v", err)
	}
	return res
}
