package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
)

// The Guard between go-oidc and a server: a good answer passes whole, and
// a bad one comes back as an *Error that names the status, which go-oidc
// would otherwise quote whole, page and all.
func TestGuardWithGoOIDC(t *testing.T) {
	page := "<html><head><style>h1{}</style></head><body><h1>Bad Gateway</h1>" + strings.Repeat("<p>upstream</p>", 500) + "</body></html>"
	tests := []struct {
		name   string
		status int
		ct     string
		body   string
		want   []string
	}{
		{"an error page", http.StatusBadGateway, "text/html", page, []string{"502 Bad Gateway", `"Bad Gateway upstream`}},
		{"HTML with 200", http.StatusOK, "text/html", page, []string{"200 OK", "not valid JSON", "text/html"}},
		{"a redirect", http.StatusFound, "", "", []string{"302 Found", "does not follow"}},
		{"too large", http.StatusOK, "application/json", `{"keys":[` + strings.Repeat(" ", MaxBodySize) + `]}`, []string{"200 OK", "larger than 16 MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.status == http.StatusFound {
					http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
					return
				}
				w.Header().Set("Content-Type", tt.ct)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			hc, err := NewHTTPClient(TransportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			base, _ := url.Parse(srv.URL)
			c := &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: base, Kind: Public}}
			g := c.Guard()
			ctx := oidc.ClientContext(context.Background(), g.HTTP)
			_, err = oidc.NewRemoteKeySet(ctx, srv.URL+"/.well-known/jwks.json").VerifySignature(ctx, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want an *Error inside", err, err)
			}
			msg := c.LibraryError(err, http.MethodGet, base).Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message does not say %q:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, "<") || strings.Count(msg, "\n") > 3 || len(msg) > 1000 {
				t.Errorf("message quotes the page:\n%s", msg)
			}
		})
	}
}
