package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseTrust: any body of a trust relationship's answer gives a
// relationship with an ID whose Raw is the body, or an error usable in a
// message about the 200 that carried it. Seeds are in
// testdata/fuzz/FuzzParseTrust.
func FuzzParseTrust(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		tr, err := ParseTrust(body)
		if err != nil {
			if tr != nil {
				t.Fatal("a relationship with an error")
			}
			resp := &Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body}
			checkMessage(t, BadBodyError(resp, http.MethodGet, &url.URL{Scheme: "http", Host: "h", Path: "/admin/trust/grants/jwt-bearer/issuers/x"}, err).Error(), http.StatusOK)
			return
		}
		if tr.ID == "" {
			t.Fatalf("accepted a relationship without id: %q", body)
		}
		if !json.Valid(tr.Raw) || !bytes.Equal(tr.Raw, bytes.TrimSpace(body)) {
			t.Fatalf("Raw %q is not the body %q", tr.Raw, body)
		}
	})
}

// FuzzParseKeySet: any body of a key set's answer gives a set whose keys
// are each a JSON object, or an error usable in a message about the 200.
// Seeds are in testdata/fuzz/FuzzParseKeySet.
func FuzzParseKeySet(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		ks, err := ParseKeySet(body)
		if err != nil {
			if ks != nil {
				t.Fatal("a key set with an error")
			}
			resp := &Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body}
			checkMessage(t, BadBodyError(resp, http.MethodGet, &url.URL{Scheme: "http", Host: "h", Path: "/admin/keys/x"}, err).Error(), http.StatusOK)
			return
		}
		for i, k := range ks.Keys {
			var obj map[string]json.RawMessage
			if json.Unmarshal(k, &obj) != nil || obj == nil {
				t.Fatalf("key %d is not an object: %q", i, k)
			}
		}
	})
}

// FuzzParseHeader: a -H value gives a name without white space and a
// trimmed value, or an error that never quotes the value (it is often a
// credential). Seeds are in testdata/fuzz/FuzzParseHeader.
func FuzzParseHeader(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		name, value, err := ParseHeader(s)
		if err != nil {
			if name != "" || value != "" {
				t.Fatal("a header with an error")
			}
			// One message, whatever was given: nothing of s is quoted.
			if _, _, plain := ParseHeader(""); err.Error() != plain.Error() {
				t.Fatalf("the error depends on the input: %q", err)
			}
			return
		}
		if name == "" || strings.ContainsAny(name, " \t") || strings.Contains(name, ":") {
			t.Fatalf("name %q accepted from %q", name, s)
		}
		if value != strings.TrimSpace(value) {
			t.Fatalf("value %q not trimmed", value)
		}
	})
}

// FuzzUserinfo: any 200 of the userinfo endpoint, JSON or a signed JWT,
// gives claims that are a JSON object, or an error usable in a message that
// never carries the access token. Seeds are in testdata/fuzz/FuzzUserinfo.
func FuzzUserinfo(f *testing.F) {
	const token = "ory_at_fuzz-access-token"
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		c := stubClient(Public, stubTransport{status: http.StatusOK, header: http.Header{"Content-Type": {contentType}}, body: body})
		u, err := c.Userinfo(context.Background(), token)
		if err != nil {
			if u != nil {
				t.Fatal("claims with an error")
			}
			checkMessage(t, err.Error(), http.StatusOK)
			if strings.Contains(err.Error(), token) {
				t.Fatalf("the message carries the access token: %q", err)
			}
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(u.Claims, &obj) != nil || obj == nil {
			t.Fatalf("claims %q are not an object", u.Claims)
		}
	})
}
