package reliability

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// What gateways and proxies in front of Hydra answer, and what the tool
// must make of it.
func TestProxyAnswers(t *testing.T) {
	oathkeeper404 := `{"error":{"code":404,"status":"Not Found","message":"Requested url does not match any rules"}}`
	oathkeeper401 := `{"error":{"code":401,"status":"Unauthorized","message":"Access credentials are invalid"}}`
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		// path is appended to the stub's URL to make the endpoint.
		path string
		argv []string
		want []string
		// not are phrases stderr must not hold.
		not []string
	}{
		{
			name: "gateway JSON 404 for a client", status: 404, ctype: "application/json", body: oathkeeper404, path: "/hydra-admin",
			argv: []string{"client", "get", "some-client"},
			want: []string{"404 Not Found", "Requested url does not match any rules", "not Hydra's own answer", "prefix /hydra-admin"},
			not:  []string{"no client with ID", "drop the path"},
		},
		{
			name: "gateway JSON 404, v2 spelling", status: 404, ctype: "application/json", body: oathkeeper404, path: "/hydra-admin/",
			argv: []string{"delete", "oauth2-client", "some-client"},
			want: []string{"404 Not Found", "not Hydra's own answer", "prefix /hydra-admin"},
			not:  []string{"no client with ID", "drop the path"},
		},
		{
			name: "gateway HTML 404 for introspection", status: 404, ctype: "text/html", body: "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>", path: "/auth",
			argv: []string{"token", "introspect", "some-token"},
			want: []string{"404 Not Found", "not Hydra's own answer", "prefix /auth"},
			not:  []string{"drop the path"},
		},
		{
			name: "Hydra's own route 404 under a path", status: 404, ctype: "application/json; charset=utf-8", path: "/admin",
			body: `{"error":{"code":404,"message":"Not Found","reason":"The requested route does not exist. Make sure you are using the right path, domain, and port."}}`,
			argv: []string{"token", "introspect", "some-token"},
			want: []string{"404 Not Found", "drop the path"},
			not:  []string{"not Hydra's own answer"},
		},
		{
			name: "Hydra's missing client under a gateway path", status: 404, ctype: "application/json", path: "/hydra-admin",
			body: `{"error":"Unable to locate the resource","error_description":""}`,
			argv: []string{"client", "get", "some-client"},
			want: []string{`no client with ID "some-client"`},
			not:  []string{"not Hydra's own answer", "drop the path"},
		},
		{
			name: "Oathkeeper's JSON 401", status: 401, ctype: "application/json", body: oathkeeper401,
			argv: []string{"token", "introspect", "some-token"},
			want: []string{"401 Unauthorized", "Access credentials are invalid", "--access-token"},
		},
		{
			name: "Oathkeeper's JSON 401 for a client list", status: 401, ctype: "application/json", body: oathkeeper401,
			argv: []string{"list", "oauth2-clients"},
			want: []string{"401 Unauthorized", "--access-token"},
		},
		{
			name: "Oathkeeper's JSON 401 with a token", status: 401, ctype: "application/json", body: oathkeeper401,
			argv: []string{"client", "list", "--access-token-file", "-"},
			want: []string{"401 Unauthorized", "refused the access token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			argv := append(append([]string{}, tt.argv...), "--endpoint", srv.URL+tt.path)
			r := invokeArgs(context.Background(), t, nil, "proxy-bearer-token\n", argv)
			assertFailedCleanly(t, r, cmdutil.ExitFailure, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(r.stderr, n) {
					t.Errorf("stderr says %q:\n%s", n, r.stderr)
				}
			}
		})
	}
}

// An http:// URL to a port that speaks TLS gets Go's 400 "Client sent an
// HTTP request to an HTTPS server", which must say to use https.
func TestHTTPToHTTPSPort(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the TLS server's handler got %s %s", r.Method, r.URL)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	plain := "http://" + strings.TrimPrefix(srv.URL, "https://")
	for _, argv := range [][]string{
		{"token", "introspect", "some-token", "--endpoint", plain},
		{"client", "get", "some-client", "--endpoint", plain},
		{"token", "client", "--client-id", "c", "--client-secret", "s", "--endpoint", plain},
	} {
		t.Run(argv[0]+" "+argv[1], func(t *testing.T) {
			r := invokeArgs(context.Background(), t, nil, "", argv)
			assertFailedCleanly(t, r, cmdutil.ExitFailure, "400 Bad Request", "https://")
		})
	}
}
