package loopback

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func listen(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Path == "" {
		opts.Path = "/callback"
	}
	s, err := Listen(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// get requests path on s with the given Host header and returns the status
// and body.
func get(t *testing.T, s *Server, host, pathAndQuery string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+s.Addr().String()+pathAndQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitAsync runs Wait in the background, and returns a channel with its
// result.
func waitAsync(s *Server, ctx context.Context) chan *Callback {
	ch := make(chan *Callback, 1)
	go func() {
		cb, _ := s.Wait(ctx)
		ch <- cb
	}()
	return ch
}

func TestBindsLoopbackOnly(t *testing.T) {
	s := listen(t, Options{})
	if got := s.Addr().IP.String(); got != "127.0.0.1" {
		t.Fatalf("listening on %s, want 127.0.0.1", got)
	}
	// Another loopback address of the same port is not served.
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(s.Addr().Port)), time.Second); err == nil {
		c.Close()
		t.Error("the server answers on 127.0.0.2: it must bind 127.0.0.1 only")
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/callback") {
		t.Errorf("URL() = %s", s.URL())
	}
}

func TestWrongStateIsRefusedAndTheWaitGoesOn(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("good-state")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := waitAsync(s, ctx)

	for _, q := range []string{
		"?code=forged&state=bad-state",
		"?code=forged",
		"?error=access_denied&state=bad-state",
		"?error=access_denied",
		"?state=good-state", // neither code nor error
		"",
	} {
		code, body := get(t, s, "", "/callback"+q)
		if code != http.StatusBadRequest {
			t.Errorf("GET /callback%s: %d, want 400", q, code)
		}
		if strings.Contains(body, "forged") {
			t.Errorf("the page echoes the code: %s", body)
		}
	}
	select {
	case cb := <-got:
		t.Fatalf("Wait returned %v after only refused callbacks", cb)
	default:
	}

	done := make(chan int)
	go func() {
		code, body := get(t, s, "", "/callback?code=the-code&state=good-state")
		if !strings.Contains(body, "Signed in") || strings.Contains(body, "the-code") {
			t.Errorf("success page: %s", body)
		}
		done <- code
	}()
	cb := <-got
	if cb == nil || cb.Code() != "the-code" {
		t.Fatalf("callback = %+v", cb)
	}
	cb.Reply(Outcome{OK: true, Message: "Tokens obtained."})
	if code := <-done; code != http.StatusOK {
		t.Errorf("valid callback: %d, want 200", code)
	}

	// Exactly one valid callback: a replay is refused.
	if code, body := get(t, s, "", "/callback?code=the-code&state=good-state"); code != http.StatusBadRequest || !strings.Contains(body, "already") {
		t.Errorf("replayed callback: %d %s", code, body)
	}
}

func TestErrorCallbackWithRightStateEndsTheWait(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("st")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := waitAsync(s, ctx)
	done := make(chan string)
	go func() {
		_, body := get(t, s, "", "/callback?error=access_denied&error_description=no&state=st")
		done <- body
	}()
	cb := <-got
	if cb.Error() != "access_denied" {
		t.Fatalf("error = %q", cb.Error())
	}
	cb.Reply(Outcome{Message: "The authorization server said: access_denied <script>"})
	body := <-done
	if !strings.Contains(body, "Sign-in failed") || strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("failure page is not escaped or says no failure: %s", body)
	}
}

func TestWrongHostIsRefused(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("st")
	port := strconv.Itoa(s.Addr().Port)
	for _, host := range []string{"evil.example:" + port, "127.0.0.1", "localhost:1", "127.0.0.1.nip.io:" + port} {
		if code, _ := get(t, s, host, "/callback?code=x&state=st"); code != http.StatusBadRequest {
			t.Errorf("Host %s: %d, want 400", host, code)
		}
	}
	// localhost with the right port is this server.
	if code, _ := get(t, s, "localhost:"+port, "/other"); code != http.StatusNotFound {
		t.Errorf("Host localhost: %d, want 404 for another path", code)
	}
}

func TestOnlyTheCallbackPathIsServed(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("st")
	for _, p := range []string{"/", "/favicon.ico", "/callback/", "/callbackx?code=x&state=st", "/debug/pprof/"} {
		if code, _ := get(t, s, "", p); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
	resp, err := http.PostForm(s.URL(), url.Values{"code": {"x"}, "state": {"st"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST in query mode: %d, want 405", resp.StatusCode)
	}
}

func TestFormPost(t *testing.T) {
	s := listen(t, Options{Mode: ModeFormPost})
	s.Expect("st")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := waitAsync(s, ctx)
	go func() {
		cb := <-got
		if cb.Code() != "c0de" {
			t.Errorf("code = %q", cb.Code())
		}
		cb.Reply(Outcome{OK: true, Message: "ok"})
	}()
	resp, err := http.PostForm(s.URL(), url.Values{"code": {"c0de"}, "state": {"st"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("form post: %d", resp.StatusCode)
	}
}

func TestFragmentModeServesARelayPage(t *testing.T) {
	s := listen(t, Options{Mode: ModeFragment})
	s.Expect("st")
	code, body := get(t, s, "", "/callback")
	if code != http.StatusOK || !strings.Contains(body, "location.hash") {
		t.Errorf("relay page: %d %s", code, body)
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("st")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Wait(ctx); err != context.Canceled {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
}

func TestPortInUse(t *testing.T) {
	s := listen(t, Options{})
	_, err := Listen(Options{Port: s.Addr().Port, Path: "/callback"})
	if !errors.Is(err, ErrPortInUse) || !strings.Contains(err.Error(), s.Addr().String()) {
		t.Errorf("err = %v, want ErrPortInUse naming the address", err)
	}
}

func TestSelfSignedTLS(t *testing.T) {
	cfg, err := SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	s := listen(t, Options{TLS: cfg})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL() = %s", s.URL())
	}
	pool := x509.NewCertPool()
	pool.AddCert(cfg.Certificates[0].Leaf)
	tr := &http.Transport{TLSClientConfig: cfg.Clone()}
	tr.TLSClientConfig.Certificates = nil
	tr.TLSClientConfig.RootCAs = pool
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	resp, err := client.Get("https://" + s.Addr().String() + "/nothing")
	if err != nil {
		t.Fatalf("the certificate does not verify for 127.0.0.1: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestACallbackBeforeWaitIsKept(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("st")
	done := make(chan int)
	go func() {
		code, _ := get(t, s, "", "/callback?code=early&state=st")
		done <- code
	}()
	// Give the request time to arrive before Wait; correctness does not
	// depend on it, only what the test exercises.
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cb, err := s.Wait(ctx)
	if err != nil || cb.Code() != "early" {
		t.Fatalf("Wait = %v, %v", cb, err)
	}
	cb.Reply(Outcome{OK: true, Message: "ok"})
	if code := <-done; code != http.StatusOK {
		t.Errorf("status %d", code)
	}
}

func TestCloseAnswersAPendingCallback(t *testing.T) {
	s := listen(t, Options{})
	s.Expect("st")
	done := make(chan string)
	go func() {
		_, body := get(t, s, "", "/callback?code=c&state=st")
		done <- body
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	go s.Close()
	if body := <-done; !strings.Contains(body, "stopped before") {
		t.Errorf("page: %s", body)
	}
}

// Pages serves the other paths, behind the same Host check and headers;
// the callback stays the server's.
func TestPagesServeTheOtherPaths(t *testing.T) {
	var seen []string
	s := listen(t, Options{Pages: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.Path)
		_, _ = io.WriteString(w, "page")
	})})
	s.Expect("st")
	port := strconv.Itoa(s.Addr().Port)
	if code, body := get(t, s, "", "/login?login_challenge=x"); code != http.StatusOK || body != "page" {
		t.Errorf("GET /login: %d %q", code, body)
	}
	if code, _ := get(t, s, "evil.example:"+port, "/login"); code != http.StatusBadRequest {
		t.Errorf("GET /login for another Host: %d, want 400", code)
	}
	if code, _ := get(t, s, "", "/callback?code=x&state=wrong"); code != http.StatusBadRequest {
		t.Errorf("a forged callback: %d, want 400", code)
	}
	if len(seen) != 1 || seen[0] != "/login" {
		t.Errorf("the pages saw %v, want /login alone", seen)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.Addr().String()+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the pages lack the server's headers: %v", resp.Header)
	}
}
