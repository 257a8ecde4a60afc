package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// trustCreateHold stands in front of the real Hydra's admin API and
// forwards every request, except that it holds the first POST (a trust
// relationship's creation) before forwarding it: until release is closed,
// then it forwards it; or until the CLI hangs up, then never.
type trustCreateHold struct {
	*httptest.Server
	reached, release chan struct{}
	once             sync.Once
}

func newTrustCreateHold(t *testing.T) *trustCreateHold {
	p := &trustCreateHold{reached: make(chan struct{}), release: make(chan struct{})}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *trustCreateHold) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method == http.MethodPost {
		first := false
		p.once.Do(func() { first = true })
		if first {
			close(p.reached)
			select {
			case <-p.release:
			case <-r.Context().Done():
				return
			case <-time.After(30 * time.Second):
				return
			}
		}
	}
	req, _ := http.NewRequest(r.Method, srv.AdminURL+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// Ctrl-C or SIGTERM while trust sync replaces a relationship, between its
// delete and its create: the create in flight is finished when Hydra
// answers in time; otherwise stderr says plainly that the relationship was
// deleted and the key is no longer trusted (issue 22 point 8).
func TestTrustSyncReplaceInterrupted(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sig    syscall.Signal
		answer bool
	}{
		{"SIGINT, the create is answered", syscall.SIGINT, true},
		{"SIGTERM, the create gets no answer", syscall.SIGTERM, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iss := startIssuer(t)
			trustSync(t, "--issuer", iss.URL, "--subject", "S1", "--scope", "a")

			proxy := newTrustCreateHold(t)
			cmd := exec.Command(cli, "trust", "sync", "--issuer", iss.URL, "--subject", "S1", "--scope", "a,b")
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
				t.Fatalf("ended before the create; stderr:\n%s", stderr.String())
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the create never came")
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			if tc.answer {
				time.Sleep(100 * time.Millisecond)
				close(proxy.release)
			}
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 20s after %v", tc.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit %d, want 130; stderr:\n%s", code, stderr.String())
			}
			got := trustBySubject(t, iss.URL)["S1"]
			errOut := stderr.String()
			if tc.answer {
				if got == nil || fmt.Sprint(got["scope"]) != "[a b]" {
					t.Fatalf("the replace was not finished: %v\nstderr:\n%s", got, errOut)
				}
				if !strings.Contains(errOut, "replaced key") || !strings.Contains(errOut, "replaced 1") {
					t.Errorf("stderr:\n%s", errOut)
				}
				return
			}
			if got != nil {
				t.Fatalf("the create was never forwarded, yet S1 has %v", got)
			}
			for _, want := range []string{"deleted, not replaced", "it was deleted", "Hydra no longer trusts this key", "deleted 1"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			// A sentence, not Go's `Post "URL": context canceled`.
			for _, raw := range []string{"context canceled", `Post "`} {
				if strings.Contains(errOut, raw) {
					t.Errorf("stderr has the raw Go error %q:\n%s", raw, errOut)
				}
			}
			if !strings.Contains(errOut, "Hydra did not answer before the interrupted run had to end") {
				t.Errorf("stderr does not say why the create failed:\n%s", errOut)
			}
		})
	}
}
