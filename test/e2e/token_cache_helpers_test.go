package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"
)

// recordingProxy stands in front of Hydra's public port and counts the
// token requests by grant type, so that a test sees how many tokens the
// CLI asked for. It can delay a grant type, to hold a refresh open while
// other processes start.
type recordingProxy struct {
	URL string

	mu     sync.Mutex
	grants map[string]int
	delay  map[string]time.Duration
}

func newRecordingProxy(t *testing.T, target string) *recordingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &recordingProxy{grants: map[string]int{}, delay: map[string]time.Duration{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/oauth2/token" {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			grant := form.Get("grant_type")
			p.mu.Lock()
			p.grants[grant]++
			d := p.delay[grant]
			p.mu.Unlock()
			if d > 0 {
				time.Sleep(d)
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// count returns how many token requests of grant type grant went through.
func (p *recordingProxy) count(grant string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.grants[grant]
}

func (p *recordingProxy) setDelay(grant string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay[grant] = d
}

// cacheEnv is the environment of a cached call: the client's credentials,
// HYDRA_URL at the proxy, and a cache directory of the test's own.
func cacheEnv(env map[string]string, publicURL, cacheHome string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	out["HYDRA_URL"] = publicURL
	out["XDG_CACHE_HOME"] = cacheHome
	return out
}
