package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// holdingProxy stands in front of the real Hydra's admin API. It forwards
// every request; the answer to the hold-th client creation, which Hydra has
// carried out, it holds back until release is closed or the CLI hangs up,
// so that Ctrl-C lands while that request is in flight.
type holdingProxy struct {
	*httptest.Server
	hold    int
	reached chan struct{}
	release chan struct{}

	mu    sync.Mutex
	posts int
}

func newHoldingProxy(t *testing.T, hold int) *holdingProxy {
	p := &holdingProxy{hold: hold, reached: make(chan struct{}), release: make(chan struct{})}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *holdingProxy) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req, _ := http.NewRequest(r.Method, srv.AdminURL+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if r.Method == http.MethodPost {
		p.mu.Lock()
		p.posts++
		n := p.posts
		p.mu.Unlock()
		if n == p.hold {
			close(p.reached)
			select {
			case <-p.release:
			case <-r.Context().Done():
				return
			}
		}
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// Ctrl-C during a multi-client create or import never orphans a client:
// every client that exists on the server afterwards was printed with its
// secret, or named on stderr as one that may exist.
func TestClientCreateManyInterrupted(t *testing.T) {
	for _, tc := range []struct {
		name string
		argv func(file string) []string
		// answer says whether the held request gets its answer after
		// Ctrl-C (printed), or none (named on stderr).
		answer bool
	}{
		{"create --file, the request in flight is answered", func(f string) []string { return []string{"client", "create", "--file", f} }, true},
		{"import, the request in flight gets no answer", func(f string) []string { return []string{"client", "import", f} }, false},
		{"create --file --format json, no answer", func(f string) []string { return []string{"client", "create", "--file", f, "--format", "json"} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n, hold = 30, 8
			owner := "interrupt-" + strings.NewReplacer(" ", "-", ",", "", "/", "-").Replace(t.Name())
			var docs []map[string]any
			for i := range n {
				docs = append(docs, map[string]any{"client_name": fmt.Sprintf("interrupted %d", i), "owner": owner, "grant_types": []string{"client_credentials"}})
			}
			b, _ := json.Marshal(docs)
			file := filepath.Join(t.TempDir(), "clients.json")
			os.WriteFile(file, b, 0o600)

			proxy := newHoldingProxy(t, hold)
			cmd := exec.Command(cli, tc.argv(file)...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1", "HYDRA_ADMIN_URL=" + proxy.URL}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-proxy.reached:
			case <-done:
				t.Fatalf("ended before the %dth client; stderr:\n%s", hold, stderr.String())
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the held request never came")
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if tc.answer {
				close(proxy.release)
			}
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("still running 20s after Ctrl-C")
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit %d, want 130; stderr:\n%s", code, stderr.String())
			}

			// What exists on the server now.
			r := hydra(t, "client", "list", "--format", "json")
			r.wantCode(t, 0)
			var all []struct {
				ClientID string `json:"client_id"`
				Owner    string `json:"owner"`
			}
			json.Unmarshal([]byte(r.Stdout), &all)
			var exist []string
			for _, c := range all {
				if c.Owner == owner {
					exist = append(exist, c.ClientID)
				}
			}
			t.Cleanup(func() {
				if len(exist) > 0 {
					hydra(t, args([]string{"client", "delete"}, exist...)...)
				}
			})
			if len(exist) < hold || len(exist) == n {
				t.Fatalf("%d clients exist; Ctrl-C should land at the %dth of %d", len(exist), hold, n)
			}

			printed := map[string]string{}
			argv := strings.Join(tc.argv(file), " ")
			switch {
			case strings.Contains(argv, "--format json"):
				var cs []hydratest.Client
				json.Unmarshal(stdout.Bytes(), &cs)
				for _, c := range cs {
					printed[c.ClientID] = c.ClientSecret
				}
			case strings.Contains(argv, "import"):
				// "created ID from FILE[i], client_secret: SECRET"
				for _, line := range strings.Split(stdout.String(), "\n") {
					if rest, ok := strings.CutPrefix(line, "created "); ok {
						id, after, _ := strings.Cut(rest, " from ")
						_, secret, _ := strings.Cut(after, "client_secret: ")
						printed[id] = secret
					}
				}
			default:
				for _, c := range shownClients(t, stdout.String()) {
					printed[c.ClientID] = c.ClientSecret
				}
			}
			for _, id := range exist {
				secret, ok := printed[id]
				switch {
				case ok && secret != "":
				case ok:
					t.Errorf("client %s was printed without its secret", id)
				case strings.Contains(stderr.String(), fmt.Sprintf("interrupted while creating client %q", id)):
					if tc.answer {
						t.Logf("the answer came too late; client %s was named on stderr", id)
					}
				default:
					t.Errorf("client %s exists on the server but was neither printed nor named:\nstdout:\n%s\nstderr:\n%s", id, stdout.String(), stderr.String())
				}
			}
			if !tc.answer && !strings.Contains(stderr.String(), "interrupted while creating client") {
				t.Errorf("the request without an answer should be named on stderr:\n%s", stderr.String())
			}
			// The printed secrets work.
			for id, secret := range printed {
				if _, err := srv.ClientCredentials(hydratest.Client{ClientID: id, ClientSecret: secret}); err != nil {
					t.Errorf("client %s: the printed secret does not work: %v", id, err)
				}
				break
			}
		})
	}
}
