package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer answers every request with status (and header), counting
// the requests and checking that each carries the whole form.
func countingServer(t *testing.T, status func(n int32) int, header http.Header) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil || r.PostForm.Get("token") != "tok" {
				// A retry that lost its body would be a silent bug.
				t.Errorf("attempt %d: form = %v (%v), want token=tok", i, r.PostForm, err)
			}
		}
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "application/json")
		code := status(i)
		w.WriteHeader(code)
		if code == http.StatusOK {
			_, _ = w.Write([]byte(`{"active":true}`))
		} else {
			_, _ = w.Write([]byte(`<html><body>upstream unavailable</body></html>`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func testClient(t *testing.T, base string, o TransportOptions) *Client {
	t.Helper()
	if o.RetryBackoff == 0 {
		o.RetryBackoff = time.Millisecond
	}
	hc, err := NewHTTPClient(o)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
}

func always(code int) func(int32) int { return func(int32) int { return code } }

func introspectReq(retry bool) Request {
	return Request{Method: http.MethodPost, Path: IntrospectPath, Form: url.Values{"token": {"tok"}}, Retry: retry}
}

func TestRetryTransientStatuses(t *testing.T) {
	for _, code := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		for _, retries := range []int{0, 1, 3} {
			t.Run(http.StatusText(code)+"/retries="+strconv.Itoa(retries), func(t *testing.T) {
				srv, n := countingServer(t, always(code), nil)
				c := testClient(t, srv.URL, TransportOptions{Retries: retries})
				_, err := c.Do(context.Background(), introspectReq(true))
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != code {
					t.Fatalf("err = %v, want an *Error with status %d", err, code)
				}
				if got := n.Load(); got != int32(retries+1) {
					t.Errorf("attempts = %d, want %d", got, retries+1)
				}
				if !strings.Contains(err.Error(), http.StatusText(code)) || strings.Contains(err.Error(), "<html") {
					t.Errorf("message %q should name the status and show no markup", err)
				}
			})
		}
	}
}

func TestRetryNotOnOtherStatuses(t *testing.T) {
	for _, code := range []int{http.StatusInternalServerError, http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusTemporaryRedirect} {
		srv, n := countingServer(t, always(code), nil)
		c := testClient(t, srv.URL, TransportOptions{Retries: 3})
		if _, err := c.Do(context.Background(), introspectReq(true)); err == nil {
			t.Fatalf("%d: want an error", code)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%d: attempts = %d, want 1", code, got)
		}
	}
}

func TestRetryUntilSuccess(t *testing.T) {
	srv, n := countingServer(t, func(i int32) int {
		if i < 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}, nil)
	c := testClient(t, srv.URL, TransportOptions{Retries: 5})
	resp, err := c.Do(context.Background(), introspectReq(true))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"active":true}` {
		t.Errorf("body = %q", resp.Body)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}
}

// A request not marked safe to repeat, such as a token grant that spends a
// code or a refresh token, is sent exactly once whatever the answer.
func TestNoRetryWithoutMark(t *testing.T) {
	for _, r := range []Request{
		introspectReq(false),
		{Method: http.MethodPost, Path: "/oauth2/token", Form: url.Values{"token": {"tok"}, "grant_type": {"authorization_code"}, "code": {"c"}}},
	} {
		srv, n := countingServer(t, always(http.StatusServiceUnavailable), http.Header{"Retry-After": {"0"}})
		c := testClient(t, srv.URL, TransportOptions{Retries: 5})
		if _, err := c.Do(context.Background(), r); err == nil {
			t.Fatal("want an error")
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%s: attempts = %d, want 1", r.Path, got)
		}
	}
}

// refusedOnce is a transport that reports each refused dial, so that a test
// can start the server after the first attempt failed, without timing.
type refusedOnce struct {
	next    http.RoundTripper
	refused func()
	once    sync.Once
}

func (r *refusedOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil && transientErr(err) {
		r.once.Do(r.refused)
	}
	return resp, err
}

func TestRetryConnectionRefusedWhileStarting(t *testing.T) {
	// Reserve a loopback port, then free it: the first dial is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	var n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = w.Write([]byte(`{"active":false}`))
	}))
	t.Cleanup(srv.Close)
	var refusals atomic.Int32
	start := func() {
		refusals.Add(1)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("re-listening on %s: %v", addr, err)
			return
		}
		srv.Listener = l
		srv.Start()
	}
	base := &http.Transport{}
	t.Cleanup(base.CloseIdleConnections)
	rt := &retryTransport{next: &refusedOnce{next: base, refused: start}, retries: 3, initial: time.Millisecond}
	hc := &http.Client{Transport: rt}
	u, _ := url.Parse("http://" + addr)
	c := &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}

	resp, err := c.Do(context.Background(), introspectReq(true))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"active":false}` || refusals.Load() != 1 || n.Load() != 1 {
		t.Errorf("body %q, refusals %d, served %d; want one refusal then one answer", resp.Body, refusals.Load(), n.Load())
	}

	// Without the retry mark, a refused connection is reported at once.
	srv.Close()
	base.CloseIdleConnections()
	_, err = c.Do(context.Background(), introspectReq(false))
	var ce *ConnError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v, want a ConnError saying connection refused", err)
	}
}

// Retry-After replaces the backoff: with a backoff of an hour, which would
// outlast the 1-minute timeout and so stop retries, every retry still
// happens when the server says to retry at once.
func TestRetryAfterReplacesBackoff(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, ra := range []string{"0", past} {
		srv, n := countingServer(t, always(http.StatusServiceUnavailable), http.Header{"Retry-After": {ra}})
		c := testClient(t, srv.URL, TransportOptions{Retries: 2, RetryBackoff: time.Hour, Timeout: time.Minute})
		_, err := c.Do(context.Background(), introspectReq(true))
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("Retry-After %s: err = %v", ra, err)
		}
		if got := n.Load(); got != 3 {
			t.Errorf("Retry-After %s: attempts = %d, want 3", ra, got)
		}
	}
}

// A wait longer than the tool allows, or than --timeout leaves, ends the
// retries with the server's answer rather than a timeout.
func TestRetryGivesUpOnLongWaits(t *testing.T) {
	cases := []struct {
		name       string
		retryAfter string
		o          TransportOptions
	}{
		{"Retry-After beyond the cap", "120", TransportOptions{Retries: 3}},
		{"Retry-After beyond --timeout", "20", TransportOptions{Retries: 3, Timeout: 10 * time.Second}},
		{"backoff beyond --timeout", "", TransportOptions{Retries: 3, Timeout: 10 * time.Second, RetryBackoff: time.Hour}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.retryAfter != "" {
				h.Set("Retry-After", tc.retryAfter)
			}
			srv, n := countingServer(t, always(http.StatusServiceUnavailable), h)
			c := testClient(t, srv.URL, tc.o)
			_, err := c.Do(context.Background(), introspectReq(true))
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("err = %v, want the 503", err)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("attempts = %d, want 1", got)
			}
			if tc.retryAfter != "" && !strings.Contains(err.Error(), "retry after "+tc.retryAfter) {
				t.Errorf("message %q should pass on the server's Retry-After", err)
			}
		})
	}
}

func TestRetryStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		cancel() // Ctrl-C while the server answers 503
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	c := testClient(t, srv.URL, TransportOptions{Retries: 5, RetryBackoff: time.Hour})
	_, err := c.Do(ctx, introspectReq(true))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n.Load() != 1 {
		t.Errorf("attempts = %d, want 1", n.Load())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 12 ", 12 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Fri, 02 Jan 2026 03:05:05 GMT", time.Minute, true},
		{"Friday, 02-Jan-26 03:05:05 GMT", time.Minute, true}, // RFC 850, still allowed
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// The client follows no redirect, so that no credential reaches the host a
// redirect names.
func TestNoRedirectCarriesCredentials(t *testing.T) {
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { other.Add(1) }))
	t.Cleanup(elsewhere.Close)
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+"/steal?token=x", code)
		}))
		c := testClient(t, srv.URL, TransportOptions{Retries: 2, Headers: http.Header{"X-Api-Key": {"k"}}})
		c.BearerToken = "bearer"
		_, err := c.Do(context.Background(), introspectReq(true))
		srv.Close()
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != code || apiErr.Location != elsewhere.URL+"/steal" {
			t.Errorf("%d: err = %#v, want an *Error naming the Location without its query", code, err)
		}
	}
	if other.Load() != 0 {
		t.Errorf("the other host received %d requests", other.Load())
	}
}
