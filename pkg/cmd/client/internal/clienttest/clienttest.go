// Package clienttest is an in-memory stand-in for Hydra's /admin/clients,
// for the run tests of the client verbs. It follows Hydra v2.3.0's shapes:
// 201 on create with a generated secret, 404 and 409 as flat JSON errors,
// offset page tokens with Link and X-Total-Count headers, and JSON Patch
// "add" on top-level fields.
package clienttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Body   string
}

// Server is the fake admin API.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	clients  map[string]map[string]any
	order    []string
	next     int
	requests []Request

	// DefaultPageSize is the page size when the request names none.
	DefaultPageSize int
}

// New starts the fake with the given clients and stops it when t ends.
func New(t *testing.T, clients ...map[string]any) *Server {
	t.Helper()
	s := &Server{clients: map[string]map[string]any{}, DefaultPageSize: 250}
	for _, c := range clients {
		s.put(c)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) put(c map[string]any) {
	id, _ := c["client_id"].(string)
	if id == "" {
		s.next++
		id = fmt.Sprintf("gen-%04d", s.next)
		c["client_id"] = id
	}
	if _, ok := s.clients[id]; !ok {
		s.order = append(s.order, id)
	}
	s.clients[id] = c
}

// Requests returns what the fake received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Client returns the stored client, or nil.
func (s *Server) Client(id string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clients[id]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "Unable to locate the resource", "error_description": ""})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: string(body)})

	id, one := strings.CutPrefix(r.URL.Path, "/admin/clients/")
	switch {
	case r.URL.Path == "/admin/clients" && r.Method == http.MethodPost:
		var c map[string]any
		if err := json.Unmarshal(body, &c); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
			return
		}
		if cid, _ := c["client_id"].(string); cid != "" && s.clients[cid] != nil {
			writeJSON(w, http.StatusConflict, map[string]string{"error": "Unable to insert or update resource because a resource with that value exists already"})
			return
		}
		for _, u := range asStrings(c["redirect_uris"]) {
			if strings.Contains(u, "#") {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_redirect_uri", "error_description": "The value of one or more redirect_uris is invalid. Redirect URIs must not contain fragments (#)."})
				return
			}
		}
		secret, _ := c["client_secret"].(string)
		delete(c, "client_secret")
		s.put(c)
		out := copyMap(c)
		if secret == "" {
			secret = "generated-secret-" + c["client_id"].(string)
		}
		out["client_secret"] = secret
		writeJSON(w, http.StatusCreated, out)
	case r.URL.Path == "/admin/clients" && r.Method == http.MethodGet:
		s.list(w, r)
	case one && r.Method == http.MethodGet:
		c := s.clients[id]
		if c == nil {
			notFound(w)
			return
		}
		writeJSON(w, http.StatusOK, c)
	case one && r.Method == http.MethodPatch:
		c := s.clients[id]
		if c == nil {
			notFound(w)
			return
		}
		var ops []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(body, &ops); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		next := copyMap(c)
		secret := ""
		for _, op := range ops {
			key := strings.TrimPrefix(op.Path, "/")
			if op.Op != "add" && op.Op != "replace" || strings.Contains(key, "/") {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported op " + op.Op + " " + op.Path})
				return
			}
			var v any
			_ = json.Unmarshal(op.Value, &v)
			if key == "client_secret" {
				secret, _ = v.(string)
				continue
			}
			next[key] = v
		}
		s.clients[id] = next
		out := copyMap(next)
		if secret != "" {
			out["client_secret"] = secret
		}
		writeJSON(w, http.StatusOK, out)
	case one && r.Method == http.MethodDelete:
		if s.clients[id] == nil {
			notFound(w)
			return
		}
		delete(s.clients, id)
		for i, o := range s.order {
			if o == id {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "404 page not found", http.StatusNotFound)
	}
}

// list serves pages with offset tokens as plain numbers, Link headers with
// rel="next" while more remain, and X-Total-Count.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	size := s.DefaultPageSize
	if n, err := strconv.Atoi(r.URL.Query().Get("page_size")); err == nil {
		size = n
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("page_token"))
	ids := s.order
	page := []map[string]any{}
	for i := offset; i < len(ids) && i < offset+size; i++ {
		page = append(page, s.clients[ids[i]])
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(len(ids)))
	links := []string{fmt.Sprintf(`</admin/clients?page_size=%d&page_token=0>; rel="first"`, size)}
	if offset+size < len(ids) {
		links = append(links, fmt.Sprintf(`</admin/clients?page_size=%d&page_token=%d>; rel="next"`, size, offset+size))
	}
	w.Header().Set("Link", strings.Join(links, ","))
	writeJSON(w, http.StatusOK, page)
}

func asStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Conn returns connection settings that point at the fake.
func (s *Server) Conn() cmdutil.Connection {
	return cmdutil.Connection{Kind: api.Admin, Endpoint: s.URL, Timeout: 5 * time.Second}
}
