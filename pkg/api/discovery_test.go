package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestDiscoverAndJWKS(t *testing.T) {
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case DiscoveryPath:
			fmt.Fprint(w, body)
		case "/keys":
			if r.URL.RawQuery != "v=2" {
				http.Error(w, "query lost", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, body)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := testClient(t, srv.URL, TransportOptions{})

	body = `{"issuer":"https://issuer.example/","jwks_uri":"https://issuer.example/.well-known/jwks.json","extra":1}`
	d, err := c.Discover(context.Background())
	if err != nil || d.Issuer != "https://issuer.example/" || d.JWKSURI != "https://issuer.example/.well-known/jwks.json" {
		t.Fatalf("%+v, %v", d, err)
	}
	for _, bad := range []string{`{"issuer":"x"}`, `<html>`, `[]`} {
		body = bad
		_, err := c.Discover(context.Background())
		var ae *Error
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusOK {
			t.Errorf("%s: %v", bad, err)
		}
	}

	u, _ := url.Parse(srv.URL + "/keys?v=2")
	body = `{"keys":[]}`
	if raw, err := c.JWKS(context.Background(), u); err != nil || string(raw) != body {
		t.Errorf("%s, %v", raw, err)
	}
	for _, bad := range []string{`{}`, `{"keys":3}`, `not json`} {
		body = bad
		_, err := c.JWKS(context.Background(), u)
		var ae *Error
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusOK || !strings.Contains(err.Error(), "/keys") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	missing, _ := url.Parse(srv.URL + "/missing")
	if _, err := c.JWKS(context.Background(), missing); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
}

func TestRebaseURL(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:4444")
	for _, tc := range []struct{ raw, issuer, want string }{
		{"https://hydra.example/.well-known/jwks.json", "https://hydra.example/", "http://127.0.0.1:4444/.well-known/jwks.json"},
		{"https://hydra.example/.well-known/jwks.json", "https://hydra.example", "http://127.0.0.1:4444/.well-known/jwks.json"},
		{"https://keys.example/jwks", "https://hydra.example", "https://keys.example/jwks"},
		{"https://hydra.example.evil/jwks", "https://hydra.example", "https://hydra.example.evil/jwks"},
	} {
		if got := RebaseURL(tc.raw, tc.issuer, base); got != tc.want {
			t.Errorf("RebaseURL(%s, %s) = %s, want %s", tc.raw, tc.issuer, got, tc.want)
		}
	}
}
