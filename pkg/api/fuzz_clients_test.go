package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// stubTransport answers every request with one canned response, so that
// fuzz targets drive the real request path without a server.
type stubTransport struct {
	status int
	header http.Header
	body   []byte
}

func (s stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: s.status, Status: strconv.Itoa(s.status) + " " + http.StatusText(s.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: s.header.Clone(), Body: io.NopCloser(bytes.NewReader(s.body)), Request: req,
		ContentLength: int64(len(s.body)),
	}, nil
}

func stubClient(kind Kind, t stubTransport) *Client {
	return &Client{HTTP: &http.Client{Transport: t}, Endpoint: Endpoint{BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1:4445"}, Kind: kind}}
}

func FuzzParseClient(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := ParseClient(body)
		if err != nil {
			if c != nil {
				t.Fatal("a client with an error")
			}
			resp := &Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body}
			checkMessage(t, BadBodyError(resp, http.MethodGet, &url.URL{Scheme: "http", Host: "h", Path: ClientsPath + "/x"}, err).Error(), http.StatusOK)
			return
		}
		if c.ClientID == "" {
			t.Fatalf("accepted a client without client_id: %q", body)
		}
		if !json.Valid(c.Raw) || !bytes.Equal(c.Raw, bytes.TrimSpace(body)) {
			t.Fatalf("Raw %q is not the body %q", c.Raw, body)
		}
	})
}

// ListClients over any body, Link and X-Total-Count: a page of clients with
// IDs, or an *Error that names the 200 and stays short.
func FuzzListClients(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, link, total string) {
		h := http.Header{"Content-Type": {"application/json"}}
		if link != "" {
			h["Link"] = []string{link}
		}
		if total != "" {
			h["X-Total-Count"] = []string{total}
		}
		c := stubClient(Admin, stubTransport{status: http.StatusOK, header: h, body: body})
		page, err := c.ListClients(context.Background(), ListClientsOptions{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			checkMessage(t, err.Error(), http.StatusOK)
			return
		}
		for _, cl := range page.Clients {
			if cl.ClientID == "" {
				t.Fatal("a listed client without client_id")
			}
		}
		if page.TotalCount < -1 {
			t.Fatalf("TotalCount %d", page.TotalCount)
		}
		if page.NextPageToken != NextPageToken(h) {
			t.Fatal("NextPageToken differs from the header's")
		}
	})
}

func FuzzParseLinks(f *testing.F) {
	f.Fuzz(func(t *testing.T, value string) {
		links := ParseLinks([]string{value})
		for _, l := range links {
			if strings.Contains(l.URL, ">") {
				t.Fatalf("link URL %q holds the closing '>'", l.URL)
			}
			for k := range l.Params {
				if k != strings.ToLower(k) || k == "" {
					t.Fatalf("parameter name %q is not lower-case", k)
				}
			}
		}
		tok := NextPageToken(http.Header{"Link": {value}})
		if tok == "" {
			return
		}
		found := false
		for _, l := range links {
			if l.HasRel("next") {
				found = true
			}
		}
		if !found {
			t.Fatalf("token %q without a rel=next link in %q", tok, value)
		}
	})
}

// The Guard, between x/oauth2 or go-oidc and the network: any answer is
// either handed on whole as JSON with a 2xx, or an *Error naming its status.
func FuzzGuard(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		c := stubClient(Public, stubTransport{status: status, header: h, body: body})
		g := c.Guard()
		resp, err := g.HTTP.Get("http://127.0.0.1:4444/.well-known/jwks.json")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want an *Error", err, err)
			}
			if status/100 == 2 && json.Valid(body) {
				t.Fatalf("refused a %d with valid JSON: %v", status, err)
			}
			checkMessage(t, e.Error(), status)
			if g.Last() != nil {
				t.Fatal("Last is set after a failure")
			}
			return
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if status/100 != 2 || !json.Valid(body) {
			t.Fatalf("handed on a %d with body %q", status, body)
		}
		if !bytes.Equal(got, body) || !bytes.Equal(g.Last().Body, body) {
			t.Fatal("the body handed on is not the server's")
		}
	})
}
