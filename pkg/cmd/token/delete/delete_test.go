package delete

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdDelete(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdDelete, []cmdtest.ArgvCase[Options]{
		{Argv: "--client-id c1", Check: func(t *testing.T, o *Options) {
			if o.ClientID != "c1" || o.Quiet {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--client-id c1 -q -e http://h:4445", Check: func(t *testing.T, o *Options) {
			if o.ClientID != "c1" || !o.Quiet || o.Conn.Endpoint != "http://h:4445" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "needs --client-id"},
		{Argv: "c1", WantErr: "takes no arguments"},
	})
}

func TestDeleteRun(t *testing.T) {
	var method, path, query, bearer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			// The check that the client exists, after the deletion.
			w.Header().Set("Content-Type", "application/json")
			id := strings.TrimPrefix(r.URL.Path, "/admin/clients/")
			if id == "proxied" {
				// A proxy's sign-in page: not Hydra's client.
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<html><body>Sign in</body></html>")
				return
			}
			if id == "typo" {
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"error":"Unable to locate the resource","error_description":""}`)
				return
			}
			fmt.Fprintf(w, `{"client_id":%q}`, id)
			return
		}
		method, path, query, bearer = r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization")
		if r.URL.Query().Get("client_id") == "bad" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			io.WriteString(w, `{"error":"server_error","error_description":"boom"}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	tests := []struct {
		name       string
		argv       []string
		wantOut    string
		wantStderr string
		wantErr    string
	}{
		{"deletes", []string{"--client-id", "a b&c"}, "a b&c\n", "Deleted every access and refresh token of client a b&c.\n", ""},
		{"quiet", []string{"-q", "--client-id", "c1"}, "c1\n", "", ""},
		{"server error", []string{"--client-id", "bad"}, "", "", "500 Internal Server Error: server_error: boom"},
		// Hydra answers 204 for any ID: a mistyped one is no success.
		{"unknown client", []string{"--client-id", "typo"}, "", "", `Hydra has no client with ID "typo", so no tokens were deleted`},
		// The 204 proves nothing, so a check that fails confirms no
		// deletion, and the message claims none (issue 22 point 7).
		{"the check gets a page that is not Hydra's", []string{"--client-id", "proxied"}, "", "", `the deletion of the tokens of client proxied is not confirmed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL, "OAUTH2_ACCESS_TOKEN": "bearer-1"})
			err := cmdtest.Run(NewCmdDelete(f, nil), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "were deleted") && !strings.Contains(err.Error(), "no tokens were deleted") {
					t.Errorf("the error claims a deletion: %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if stdout.String() != tt.wantOut || stderr.String() != tt.wantStderr {
				t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
			}
			if method != http.MethodDelete || path != "/admin/oauth2/tokens" || bearer != "Bearer bearer-1" {
				t.Errorf("%s %s?%s (%s)", method, path, query, bearer)
			}
			if tt.name == "deletes" && query != "client_id=a+b%26c" {
				t.Errorf("query = %q", query)
			}
		})
	}
}

// As Hydra v1's CLI, the client ID may come from OAUTH2_CLIENT_ID; the flag
// wins.
func TestDeleteClientIDFromEnv(t *testing.T) {
	env := map[string]string{"OAUTH2_CLIENT_ID": " env-client \n"}
	o, err := cmdtest.Options(NewCmdDelete, env)
	if err != nil || o.ClientID != "env-client" {
		t.Errorf("from env: %v, %+v", err, o)
	}
	o, err = cmdtest.Options(NewCmdDelete, env, "--client-id", "flag-client")
	if err != nil || o.ClientID != "flag-client" {
		t.Errorf("flag over env: %v, %+v", err, o)
	}
}
