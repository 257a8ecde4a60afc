package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// A fault is how the test server breaks one answer.
type fault int

const (
	noFault fault = iota
	reset         // RST before any answer: "connection reset by peer"
	closed        // close before any answer: EOF
	midBody       // headers and half the body, then close
)

// breakAnswer breaks the exchange on w as f says.
func breakAnswer(t *testing.T, w http.ResponseWriter, f fault) {
	t.Helper()
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	switch f {
	case reset:
		_ = conn.(*net.TCPConn).SetLinger(0)
	case midBody:
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"act")
		_ = buf.Flush()
	}
	conn.Close()
}

// faultyServer answers introspection with {"active":true}, breaking the
// first answers as faults says, and counts the attempts.
func faultyServer(t *testing.T, faults ...fault) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if err := r.ParseForm(); err != nil || r.PostForm.Get("token") != "tok" {
			t.Errorf("attempt %d: form %v (%v), want token=tok", i+1, r.PostForm, err)
		}
		if i < len(faults) && faults[i] != noFault {
			breakAnswer(t, w, faults[i])
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"active":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetryOnTransportFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults []fault
	}{
		{"reset", []fault{reset}},
		{"EOF", []fault{closed}},
		{"mid-body", []fault{midBody}},
		{"one of each", []fault{reset, closed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := faultyServer(t, tc.faults...)
			c := testClient(t, srv.URL, TransportOptions{Retries: len(tc.faults)})
			in, err := c.Introspect(context.Background(), "tok", nil)
			if err != nil {
				t.Fatalf("err = %v, want the answer after %d faults", err, len(tc.faults))
			}
			if !in.Active || n.Load() != int32(len(tc.faults)+1) {
				t.Errorf("active %v after %d attempts, want true after %d", in.Active, n.Load(), len(tc.faults)+1)
			}
		})
	}
}

// Faults and 503s share one budget: --retries 2 means three attempts.
func TestTransportFaultsShareTheBudget(t *testing.T) {
	srv, n := faultyServer(t, reset, reset, reset, reset)
	c := testClient(t, srv.URL, TransportOptions{Retries: 2})
	_, err := c.Introspect(context.Background(), "tok", nil)
	var ce *ConnError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("err = %v, want a ConnError saying the connection was reset", err)
	}
	if n.Load() != 3 {
		t.Errorf("attempts = %d, want 3", n.Load())
	}
}

// A request not marked safe, such as a token grant, is sent once whatever
// happens to the connection.
func TestNoRetryOnFaultWithoutMark(t *testing.T) {
	for _, f := range []fault{reset, closed, midBody} {
		srv, n := faultyServer(t, f, f, f)
		c := testClient(t, srv.URL, TransportOptions{Retries: 3})
		if _, err := c.Do(context.Background(), introspectReq(false)); err == nil {
			t.Errorf("fault %d: want an error", f)
		}
		if n.Load() != 1 {
			t.Errorf("fault %d: attempts = %d, want 1", f, n.Load())
		}
	}
}

// fakeAdmin is an admin API holding clients, whose create and delete can
// do the work and then lose the answer.
type fakeAdmin struct {
	t  *testing.T
	mu sync.Mutex
	// clients maps an ID to the client's JSON, with created_at.
	clients map[string]map[string]any
	// secrets holds the secrets set by PATCH.
	secrets map[string]string
	// loseCreates and loseDeletes count the next creates and deletes whose
	// answer is lost after the work is done.
	loseCreates, loseDeletes int
	creates, deletes         int
}

func newFakeAdmin(t *testing.T) (*fakeAdmin, *httptest.Server) {
	f := &fakeAdmin{t: t, clients: map[string]map[string]any{}, secrets: map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// counts returns the creates and deletes received and the clients held.
func (f *fakeAdmin) counts() (creates, deletes, clients int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.creates, f.deletes, len(f.clients)
}

func (f *fakeAdmin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	id := strings.TrimPrefix(r.URL.Path, ClientsPath+"/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == ClientsPath:
		f.creates++
		var doc map[string]any
		if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		id, _ := doc["client_id"].(string)
		if id == "" {
			id = fmt.Sprintf("generated-%d", len(f.clients))
			doc["client_id"] = id
		}
		if _, ok := f.clients[id]; ok {
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, `{"error":"Unable to insert or update resource because a resource with that value exists already"}`)
			return
		}
		if doc["client_secret"] == nil {
			doc["client_secret"] = "server-made-secret"
		}
		stored := map[string]any{"created_at": time.Now().UTC().Format(time.RFC3339)}
		for k, v := range doc {
			if k != "client_secret" {
				stored[k] = v
			}
		}
		f.clients[id] = stored
		if f.loseCreates > 0 {
			f.loseCreates--
			breakAnswer(f.t, w, reset)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(doc)
	case r.Method == http.MethodPatch:
		c, ok := f.clients[id]
		var ops []PatchOp
		if !ok || json.NewDecoder(r.Body).Decode(&ops) != nil || len(ops) != 1 || ops[0].Path != "/client_secret" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var secret string
		_ = json.Unmarshal(ops[0].Value, &secret)
		f.secrets[id] = secret
		_ = json.NewEncoder(w).Encode(c)
	case r.Method == http.MethodGet:
		c, ok := f.clients[id]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"Unable to locate the resource"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(c)
	case r.Method == http.MethodDelete:
		f.deletes++
		if _, ok := f.clients[id]; !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"Unable to locate the resource"}`)
			return
		}
		delete(f.clients, id)
		if f.loseDeletes > 0 {
			f.loseDeletes--
			breakAnswer(f.t, w, closed)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func TestCreateWithChosenIDConfirmsA409AfterALostAnswer(t *testing.T) {
	f, srv := newFakeAdmin(t)
	f.loseCreates = 1
	c := testClient(t, srv.URL, TransportOptions{Retries: 2})
	cl, err := c.CreateClient(context.Background(), []byte(`{"client_id":"chosen","client_name":"ci","grant_types":["client_credentials"]}`))
	if err != nil {
		t.Fatal(err)
	}
	creates, _, held := f.counts()
	f.mu.Lock()
	set := f.secrets["chosen"]
	f.mu.Unlock()
	// The server's secret was lost with the answer: a new one was set.
	if cl.ClientID != "chosen" || len(cl.ClientSecret) < 32 || cl.ClientSecret != set || creates != 2 || held != 1 {
		t.Errorf("client %q with secret %q (set: %q), after %d creates holding %d clients; want chosen, the secret set, 2 and 1", cl.ClientID, cl.ClientSecret, set, creates, held)
	}
	var raw map[string]any
	if err := json.Unmarshal(cl.Raw, &raw); err != nil || raw["client_secret"] != cl.ClientSecret || raw["client_name"] != "ci" {
		t.Errorf("raw %s: want the stored client with its secret", cl.Raw)
	}
}

// A create with a chosen ID whose answer arrives sends the document as it
// is: the server makes the secret.
func TestCreateWithChosenIDSendsTheDocumentAsItIs(t *testing.T) {
	f, srv := newFakeAdmin(t)
	c := testClient(t, srv.URL, TransportOptions{Retries: 2})
	cl, err := c.CreateClient(context.Background(), []byte(`{"client_id":"mine"}`))
	if err != nil || cl.ClientSecret != "server-made-secret" {
		t.Fatalf("client %+v, err %v; want the server's secret", cl, err)
	}
	if creates, _, _ := f.counts(); creates != 1 {
		t.Errorf("creates = %d, want 1", creates)
	}
}

func TestCreateWithChosenIDKeepsAGenuine409(t *testing.T) {
	for _, tc := range []struct {
		name, existing string
	}{
		{"created long ago", `{"client_id":"taken","client_name":"ci","created_at":"2020-01-01T00:00:00Z"}`},
		{"another client", `{"client_id":"taken","client_name":"someone else's","created_at":"` + time.Now().UTC().Format(time.RFC3339) + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFakeAdmin(t)
			var existing map[string]any
			_ = json.Unmarshal([]byte(tc.existing), &existing)
			f.clients["taken"] = existing
			// The first attempt's connection breaks before the server
			// sees it, so the repeat's 409 is about the existing client.
			c := testClient(t, srv.URL, TransportOptions{Retries: 2})
			rt := c.HTTP.Transport.(*retryTransport)
			rt.next = &loseFirst{next: rt.next}
			_, err := c.CreateClient(context.Background(), []byte(`{"client_id":"taken","client_name":"ci"}`))
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
				t.Errorf("err = %v, want the 409", err)
			}
		})
	}
}

// loseFirst fails the first request with a reset, without sending it.
type loseFirst struct {
	next http.RoundTripper
	done bool
}

func (l *loseFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if !l.done {
		l.done = true
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	}
	return l.next.RoundTrip(r)
}

func TestCreateWithServerIDIsSentOnce(t *testing.T) {
	f, srv := newFakeAdmin(t)
	f.loseCreates = 1
	c := testClient(t, srv.URL, TransportOptions{Retries: 3})
	_, err := c.CreateClient(context.Background(), []byte(`{"client_name":"ci"}`))
	var ue *UncertainError
	var ce *ConnError
	if !errors.As(err, &ue) || errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want an UncertainError that is no ConnError", err, err)
	}
	if !strings.Contains(err.Error(), "may have created") || !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("message %q should name the URL and say the client may exist", err)
	}
	if creates, _, _ := f.counts(); creates != 1 {
		t.Errorf("creates = %d, want 1", creates)
	}
}

func TestCreateWithServerIDRefusedIsNotUncertain(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := testClient(t, "http://"+addr, TransportOptions{Retries: 0})
	_, err = c.CreateClient(context.Background(), []byte(`{"client_name":"ci"}`))
	var ce *ConnError
	if !errors.As(err, &ce) {
		t.Errorf("err = %v (%T), want a ConnError: nothing was sent", err, err)
	}
}

func TestDeleteAfterALostAnswer(t *testing.T) {
	f, srv := newFakeAdmin(t)
	f.clients["x"] = map[string]any{"client_id": "x"}
	f.loseDeletes = 1
	c := testClient(t, srv.URL, TransportOptions{Retries: 2})
	if err := c.DeleteClient(context.Background(), "x"); err != nil {
		t.Fatalf("err = %v, want the deletion confirmed by the 404 of the repeat", err)
	}
	if _, deletes, held := f.counts(); deletes != 2 || held != 0 {
		t.Errorf("deletes = %d, clients left %d; want 2 and 0", deletes, held)
	}
	// Without a lost answer, a 404 is a missing client.
	err := c.DeleteClient(context.Background(), "x")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Errorf("err = %v, want the 404", err)
	}
}
