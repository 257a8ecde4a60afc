package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func TestNextPageToken(t *testing.T) {
	tests := []struct {
		name string
		link []string
		want string
	}{
		{"none", nil, ""},
		{"hydra middle page", []string{`</admin/clients?page_size=5&page_token=abc>; rel="next",</admin/clients?page_size=5&page_token=first>; rel="first"`}, "abc"},
		{"last page", []string{`</admin/clients?page_size=5&page_token=a>; rel="first",</admin/clients?page_size=5&page_token=b>; rel="prev"`}, ""},
		{"comma inside the URL and quotes", []string{`<http://h/x?a=1,2&page_token=t1>; title="a, b"; rel="next"`}, "t1"},
		{"several rel values, unquoted", []string{`</c?page_token=t2>; rel=next`, `</c?page_token=t3>; rel="prev last"`}, "t2"},
		{"rel list", []string{`</c?page_token=t4>; rel="last next"`}, "t4"},
		{"malformed entries skipped", []string{`garbage, <broken; rel="next", </c?page_token=t5>; rel="next"`}, "t5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.link {
				h.Add("Link", v)
			}
			if got := NextPageToken(h); got != tt.want {
				t.Errorf("NextPageToken = %q, want %q", got, tt.want)
			}
		})
	}
}

// adminStub serves h as an admin API and returns a client for it.
func adminStub(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	hc, err := NewHTTPClient(TransportOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
}

func TestListClients(t *testing.T) {
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != ClientsPath || r.URL.Query().Get("page_size") != "2" || r.URL.Query().Get("page_token") != "p1" {
			t.Errorf("unexpected request %s", r.URL)
		}
		w.Header().Set("Link", `</admin/clients?page_size=2&page_token=p2>; rel="next"`)
		w.Header().Set("X-Total-Count", "3")
		io.WriteString(w, `[{"client_id":"a","unknown":1},{"client_id":"b"}]`)
	})
	page, err := c.ListClients(context.Background(), ListClientsOptions{PageSize: 2, PageToken: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Clients) != 2 || page.NextPageToken != "p2" || page.TotalCount != 3 {
		t.Fatalf("page = %+v", page)
	}
	if string(page.Clients[0].Raw) != `{"client_id":"a","unknown":1}` {
		t.Errorf("raw JSON not kept: %s", page.Clients[0].Raw)
	}
}

func TestListClientsBadBody(t *testing.T) {
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `[{"client_name":"no id"}]`)
	})
	_, err := c.ListClients(context.Background(), ListClientsOptions{})
	if err == nil {
		t.Fatal("a client without client_id should be an error")
	}
}

func TestPatchClient(t *testing.T) {
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPatch || r.URL.Path != "/admin/clients/my%20id" && r.URL.Path != "/admin/clients/my id" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		if string(body) != `[{"op":"add","path":"/client_name","value":"n"}]` {
			t.Errorf("body = %s", body)
		}
		io.WriteString(w, `{"client_id":"my id","client_name":"n"}`)
	})
	got, err := c.PatchClient(context.Background(), "my id", []PatchOp{{Op: "add", Path: "/client_name", Value: json.RawMessage(`"n"`)}})
	if err != nil {
		t.Fatal(err)
	}
	if got.ClientName != "n" {
		t.Errorf("client = %+v", got)
	}
}

func TestCreateClientIsNotRetried(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	hc, _ := NewHTTPClient(TransportOptions{Timeout: 5 * time.Second, Retries: 2})
	c := &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
	if _, err := c.CreateClient(context.Background(), []byte(`{}`)); err == nil {
		t.Fatal("want an error")
	}
	if calls != 1 {
		t.Errorf("POST was sent %d times; a create must not be retried", calls)
	}
}
