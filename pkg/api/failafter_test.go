package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the clock of the --fail-after budget. Each attempt that goes
// through it moves it on by step, as if every attempt took that long, so
// that how many attempts fit in the budget depends on no real time.
type fakeClock struct {
	mu       sync.Mutex
	t        time.Time
	step     time.Duration
	attempts int
	next     http.RoundTripper
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.attempts++
	c.t = c.t.Add(c.step)
	c.mu.Unlock()
	return c.next.RoundTrip(req)
}

// failAfterClient builds a client whose retries are bounded by failAfter
// alone (no count), on a fake clock where each attempt takes step.
func failAfterClient(t *testing.T, base string, failAfter, step time.Duration) (*Client, *fakeClock) {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	clock := &fakeClock{t: time.Unix(1e9, 0), step: step, next: tr}
	rt := &retryTransport{next: clock, retries: -1, initial: time.Millisecond, failAfter: failAfter, now: clock.now}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{HTTP: &http.Client{Transport: rt}, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}, clock
}

// closedPort returns a loopback address that refuses connections.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// With --fail-after 10s and attempts of 3s each, a server that keeps
// answering 503 is tried at 0s, 3s, 6s and 9s: a fifth attempt would start
// after the budget. The error is the server's last answer, naming the URL.
func TestFailAfterBoundsRetriesOf503(t *testing.T) {
	srv, n := countingServer(t, always(http.StatusServiceUnavailable), nil)
	c, clock := failAfterClient(t, srv.URL, 10*time.Second, 3*time.Second)
	_, err := c.Do(context.Background(), introspectReq(true))
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503", err)
	}
	if !strings.Contains(err.Error(), srv.URL+IntrospectPath) {
		t.Errorf("error does not name the URL: %v", err)
	}
	if n.Load() != 4 || clock.attempts != 4 {
		t.Errorf("served %d, attempted %d; want 4 attempts within --fail-after 10s", n.Load(), clock.attempts)
	}
}

// A down server (a closed port) is retried within the budget too, for a
// request marked safe and, since a refused dial proves nothing was sent,
// for one that is not, such as a token grant.
func TestFailAfterBoundsRetriesOfRefusedConnection(t *testing.T) {
	base := closedPort(t)
	for _, retry := range []bool{true, false} {
		c, clock := failAfterClient(t, base, 10*time.Second, 4*time.Second)
		_, err := c.Do(context.Background(), introspectReq(retry))
		var ce *ConnError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), base+IntrospectPath) {
			t.Errorf("retry=%v: err = %v, want a ConnError naming the URL and the refused connection", retry, err)
		}
		if clock.attempts != 3 {
			t.Errorf("retry=%v: %d attempts, want 3 (at 0s, 4s and 8s of --fail-after 10s)", retry, clock.attempts)
		}
	}
}

// A request that is not safe to repeat reached the server when it got an
// answer: --fail-after never sends it twice, whatever the answer.
func TestFailAfterSendsUnsafeRequestOnce(t *testing.T) {
	srv, n := countingServer(t, always(http.StatusServiceUnavailable), nil)
	c, _ := failAfterClient(t, srv.URL, time.Hour, time.Second)
	_, err := c.Do(context.Background(), introspectReq(false))
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n.Load() != 1 {
		t.Errorf("sent %d times, want once", n.Load())
	}
}

// --retries, when given beside --fail-after, still caps the count; and
// with --fail-after, --timeout bounds each attempt rather than all of them.
func TestFailAfterWithRetries(t *testing.T) {
	srv, n := countingServer(t, always(http.StatusBadGateway), nil)
	c := testClient(t, srv.URL, TransportOptions{Retries: 2, FailAfter: time.Hour, Timeout: time.Minute})
	if _, err := c.Do(context.Background(), introspectReq(true)); err == nil {
		t.Fatal("no error")
	}
	if n.Load() != 3 {
		t.Errorf("served %d, want 3 (--retries 2)", n.Load())
	}
	rt := c.HTTP.Transport.(*retryTransport)
	if rt.attemptTimeout != time.Minute || c.HTTP.Timeout != time.Hour+time.Minute {
		t.Errorf("attempt timeout %s, client timeout %s; want 1m per attempt and 1h1m in all", rt.attemptTimeout, c.HTTP.Timeout)
	}
}

// A server that answers in time after a refusal is reached: --fail-after
// waits for a Hydra that is starting.
func TestFailAfterReachesServerThatStarts(t *testing.T) {
	srv, n := countingServer(t, always(http.StatusOK), nil)
	addr := strings.TrimPrefix(srv.URL, "http://")
	refused := 0
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	var next http.RoundTripper = roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if refused < 2 {
			refused++
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
		}
		return tr.RoundTrip(req)
	})
	rt := &retryTransport{next: next, retries: -1, initial: time.Millisecond, failAfter: time.Minute}
	u, _ := url.Parse("http://" + addr)
	c := &Client{HTTP: &http.Client{Transport: rt}, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
	// A grant-like request, not marked safe.
	resp, err := c.Do(context.Background(), introspectReq(false))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"active":true}` || refused != 2 || n.Load() != 1 {
		t.Errorf("body %q, refused %d, served %d; want 2 refusals, then one answer", resp.Body, refused, n.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A Retry-After that would end past the --fail-after budget ends the
// retries at once, with the server's answer.
func TestFailAfterRetryAfterBeyondBudget(t *testing.T) {
	srv, n := countingServer(t, always(http.StatusServiceUnavailable), http.Header{"Retry-After": {"20"}})
	c, _ := failAfterClient(t, srv.URL, 10*time.Second, time.Second)
	_, err := c.Do(context.Background(), introspectReq(true))
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n.Load() != 1 {
		t.Errorf("served %d, want 1: waiting 20s would outlast --fail-after 10s", n.Load())
	}
}
