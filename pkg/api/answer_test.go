package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The response rule: a 2xx counts only when its status, content type and
// body are what the endpoint documents (issue 22 point 7).
func TestResponseRule(t *testing.T) {
	const page = "<html><body><h1>Sign in to the corporate proxy</h1></body></html>"
	tests := []struct {
		name       string
		status     int
		ct, body   string
		call       func(c *Client) error
		wantErr    bool
		wantInText []string
	}{
		{"delete: 204 with no body", 204, "", "", deleteClient, false, nil},
		{"delete: 200 with an HTML page", 200, "text/html", page, deleteClient, true, []string{"200 OK", "text/html", "Sign in to the corporate proxy", "/admin/clients/c1"}},
		{"delete: 200 with JSON", 200, "application/json", `{"ok":true}`, deleteClient, true, []string{"has a body"}},
		{"revoke: 200 with no body", 200, "", "", revoke, false, nil},
		{"revoke: 200 with an HTML page", 200, "text/html; charset=utf-8", page, revoke, true, []string{"200 OK", "text/html", "/oauth2/revoke"}},
		{"get: JSON", 200, "application/json", `{"client_id":"c1"}`, getClient, false, nil},
		{"get: JSON labelled text/plain", 200, "text/plain; charset=utf-8", `{"client_id":"c1"}`, getClient, false, nil},
		{"get: JSON labelled text/html", 200, "text/html", `{"client_id":"c1"}`, getClient, true, []string{"Content-Type is not JSON", "text/html"}},
		{"get: an HTML page", 200, "text/html", page, getClient, true, []string{"not valid JSON", "text/html"}},
		{"get: 204", 204, "", "", getClient, true, []string{"204 No Content", "body is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.ct != "" {
					w.Header().Set("Content-Type", tt.ct)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			err := tt.call(c)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Cause != CauseUnexpectedBody {
				t.Errorf("err = %#v, want an *Error with CauseUnexpectedBody", err)
			}
			for _, w := range tt.wantInText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message does not say %q:\n%s", w, err)
				}
			}
			if strings.Contains(err.Error(), "<h1>") {
				t.Errorf("the message quotes markup:\n%s", err)
			}
		})
	}
}

func deleteClient(c *Client) error { return c.DeleteClient(context.Background(), "c1") }
func getClient(c *Client) error {
	_, err := c.GetClient(context.Background(), "c1")
	return err
}
func revoke(c *Client) error {
	c.Kind = Public
	return c.Revoke(context.Background(), "tok", "", authFunc(func(f, h map[string][]string) {}))
}

type authFunc func(form, header map[string][]string)

func (a authFunc) Authenticate(form url.Values, header http.Header) error {
	a(form, header)
	return nil
}

// Hydra v2 answers a Hydra v1 path with a Location that names no host,
// "http:///admin/clients": shown as the path, with a note, never as a URL.
func TestRedirectWithoutHost(t *testing.T) {
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http:///admin"+r.URL.Path+"?page_size=1")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	c.Generation = V1
	_, err := c.GetClient(context.Background(), "a")
	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseGenerationRedirect {
		t.Fatalf("err = %v, want CauseGenerationRedirect", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "redirected to http:///") || !strings.Contains(msg, "redirected to /admin/clients/a (") || !strings.Contains(msg, "no host") {
		t.Errorf("message:\n%s", msg)
	}
}
