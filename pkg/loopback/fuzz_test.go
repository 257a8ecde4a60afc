package loopback

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// FuzzCallback sends any request to the callback handler, in each response
// mode: the query of a GET, the form of a POST (form_post), with any Host.
// A callback reaches Wait only when it carries the expected state and a
// code or an error, comes to the right host and path, and is the first;
// every other request gets an error page, and no page echoes a parameter.
func FuzzCallback(f *testing.F) {
	servers := map[string]*Server{}
	for _, mode := range []string{ModeQuery, ModeFragment, ModeFormPost} {
		s, err := Listen(Options{Port: 0, Path: "/callback", Mode: mode})
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { s.Close() })
		servers[mode] = s
	}
	const state = "fuzz-state-Q7"
	f.Fuzz(func(t *testing.T, modeIndex uint8, method, host, path, query, body string, twice bool) {
		mode := []string{ModeQuery, ModeFragment, ModeFormPost}[int(modeIndex)%3]
		s := servers[mode]
		own := net.JoinHostPort(BindHost, strconv.Itoa(s.Addr().Port))
		switch host {
		case "":
			host = own
		case "localhost":
			host = "localhost:" + strconv.Itoa(s.Addr().Port)
		}
		if method == "" {
			method = http.MethodGet
		}
		if !validMethod(method) {
			return
		}
		s.Expect(state)

		send := func() (*httptest.ResponseRecorder, *Callback) {
			req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Host: host,
				Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
			if method == http.MethodPost {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			ctx, cancel := context.WithCancel(context.Background())
			got := make(chan *Callback, 1)
			go func() {
				cb, err := s.Wait(ctx)
				if err != nil {
					got <- nil
					return
				}
				cb.Reply(Outcome{OK: true, Message: "done"})
				got <- cb
			}()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			cancel()
			return rec, <-got
		}

		rec, cb := send()
		if cb != nil {
			p := cb.Params
			if p.Get("state") != state || (p.Get("code") == "" && p.Get("error") == "") {
				t.Fatalf("accepted %v", p)
			}
			if path != "/callback" || (host != own && !strings.EqualFold(host, "localhost:"+strconv.Itoa(s.Addr().Port))) {
				t.Fatalf("accepted a callback on host %q, path %q", host, path)
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d for an accepted callback", rec.Code)
			}
			if twice {
				// The same callback again, replayed: refused.
				if rec2, cb2 := send(); cb2 != nil || rec2.Code == http.StatusOK {
					t.Fatalf("a replayed callback was accepted (status %d)", rec2.Code)
				}
			}
		} else if rec.Code == http.StatusOK {
			// Only the fragment relay page answers 200 without a callback.
			if mode != ModeFragment || method != http.MethodGet || !strings.Contains(rec.Body.String(), "location.hash") {
				t.Fatalf("200 without a callback: %q", rec.Body.String())
			}
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatal("a page without Cache-Control: no-store")
		}
		// No parameter value comes back on the page: a code or error
		// description there would be shown, or could inject markup.
		params, _ := url.ParseQuery(query)
		if form, err := url.ParseQuery(body); err == nil {
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
		page := rec.Body.String()
		for _, vs := range params {
			for _, v := range vs {
				if len(v) >= 12 && strings.Contains(page, v) && !strings.Contains(pageHTML+relayHTML, v) {
					t.Fatalf("the page echoes %q", v)
				}
			}
		}
	})
}

func validMethod(m string) bool {
	for _, r := range m {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return len(m) <= 10
}
