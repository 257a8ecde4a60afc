// Package keystest is an in-memory stand-in for Hydra's /admin/keys, for
// the run tests of the keys verbs. It follows Hydra v2.3.0's shapes: a set
// of private keys on GET, 201 on create, 404 as a JSON error, and 204 on
// DELETE whether or not the set or key exists.
package keystest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// Request is one request the fake received.
type Request struct {
	Method, Path, Body string
}

// Server is the fake admin API.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	sets     map[string][]json.RawMessage
	requests []Request
}

// New starts the fake and stops it when t ends.
func New(t *testing.T) *Server {
	t.Helper()
	s := &Server{sets: map[string][]json.RawMessage{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Conn is a connection to the fake.
func (s *Server) Conn() cmdutil.Connection {
	return cmdutil.Connection{Kind: api.Admin, Endpoint: s.URL, Timeout: 5e9}
}

// Put stores a key, as JSON, in set.
func (s *Server) Put(set string, key any) {
	b, _ := json.Marshal(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sets[set] = append(s.sets[set], b)
}

// Set returns the stored keys of set.
func (s *Server) Set(set string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.sets[set]...)
}

// Requests returns what the fake received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// NewECKey returns a private P-256 JWK with kid.
func NewECKey(kid string) jose.JSONWebKey {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: "ES256", Use: "sig"}
}

func kidOf(raw json.RawMessage) string {
	var k struct {
		Kid string `json:"kid"`
	}
	_ = json.Unmarshal(raw, &k)
	return k.Kid
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `{"error":"Not Found","error_description":"Unable to locate the requested resource"}`)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Body: string(body)})
	rest, ok := strings.CutPrefix(r.URL.Path, api.KeysPath+"/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	set, kid, _ := strings.Cut(rest, "/")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && kid == "":
		if len(s.sets[set]) == 0 {
			notFound(w)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": s.sets[set]})
	case r.Method == http.MethodGet:
		for _, k := range s.sets[set] {
			if kidOf(k) == kid {
				_ = json.NewEncoder(w).Encode(map[string]any{"keys": []json.RawMessage{k}})
				return
			}
		}
		notFound(w)
	case r.Method == http.MethodPost && kid == "":
		var req api.CreateKeySetRequest
		_ = json.Unmarshal(body, &req)
		k := NewECKey(req.KeyID)
		k.Algorithm, k.Use = req.Algorithm, req.Use
		b, _ := k.MarshalJSON()
		s.sets[set] = append(s.sets[set], b)
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []json.RawMessage{b}})
	case r.Method == http.MethodPut && kid != "":
		var keep []json.RawMessage
		for _, k := range s.sets[set] {
			if kidOf(k) != kid {
				keep = append(keep, k)
			}
		}
		s.sets[set] = append(keep, json.RawMessage(body))
		_, _ = w.Write(body)
	case r.Method == http.MethodDelete && kid == "":
		delete(s.sets, set)
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodDelete:
		var keep []json.RawMessage
		for _, k := range s.sets[set] {
			if kidOf(k) != kid {
				keep = append(keep, k)
			}
		}
		s.sets[set] = keep
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "unexpected", http.StatusMethodNotAllowed)
	}
}
