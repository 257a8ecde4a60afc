package shared

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// cannedTransport answers every request with one response, so that the
// fuzz target drives x/oauth2 and the Guard without a server.
type cannedTransport struct {
	status      int
	contentType string
	body        []byte
}

func (c cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	if c.contentType != "" {
		h.Set("Content-Type", c.contentType)
	}
	return &http.Response{StatusCode: c.status, Status: strconv.Itoa(c.status) + " " + http.StatusText(c.status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body))}, nil
}

// FuzzTokenResponse feeds any answer to a token request through x/oauth2
// and the Guard: the grant succeeds only with an access token and the
// server's JSON kept whole, and fails with a short message that names the
// status and never carries the client's secret or a control character.
func FuzzTokenResponse(f *testing.F) {
	const secret = "fuzz-client-secret"
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		tokenURL := &url.URL{Scheme: "http", Host: "127.0.0.1:4444", Path: api.TokenPath}
		client := &api.Client{HTTP: &http.Client{Transport: cannedTransport{status, contentType, body}},
			Endpoint: api.Endpoint{BaseURL: &url.URL{Scheme: "http", Host: tokenURL.Host}, Kind: api.Public}}
		s := &Session{API: client, TokenURL: tokenURL, Auth: &Auth{ClientID: "id", Method: AuthBasic, Secret: secret}}
		tok, err := s.Token(context.Background(), ClientCredentials([]string{"read"}, nil))
		if err != nil {
			msg := err.Error()
			if tok != nil {
				t.Fatal("a token with an error")
			}
			if !strings.Contains(msg, strconv.Itoa(status)) {
				t.Errorf("message does not name status %d: %q", status, msg)
			}
			if strings.Contains(msg, secret) {
				t.Fatalf("message carries the client secret: %q", msg)
			}
			if n := strings.Count(msg, "\n"); n > 8 || len(msg) > 4000 {
				t.Errorf("message is %d lines, %d bytes", n+1, len(msg))
			}
			for _, r := range msg {
				if r != '\n' && unicode.IsControl(r) {
					t.Fatalf("message carries control character %U: %q", r, msg)
				}
			}
			return
		}
		if status/100 != 2 || tok.AccessToken == "" || !bytes.Equal(tok.Raw, body) {
			t.Fatalf("status %d: token %q, raw %q, body %q", status, tok.AccessToken, tok.Raw, body)
		}
		ios, _, out, _ := iostreams.Test()
		for _, format := range []string{"", printer.JSON, printer.YAML} {
			out.Reset()
			if err := PrintToken(ios, printer.Format{Name: format}, tok); err != nil {
				t.Fatalf("printing a token the grant accepted, as %q: %v", format, err)
			}
		}
	})
}
