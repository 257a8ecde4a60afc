package revoke

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdRevoke(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdRevoke, []cmdtest.ArgvCase[Options]{
		{Argv: "tok", Check: func(t *testing.T, o *Options) {
			if o.Token != "tok" || o.TokenTypeHint != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--token-type-hint refresh_token --client-id id --auth-method client_secret_post -", Check: func(t *testing.T, o *Options) {
			if o.Token != "-" || o.TokenTypeHint != "refresh_token" || o.Credentials.ClientID != "id" || o.Credentials.AuthMethod != "client_secret_post" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "one token"},
		{Argv: "a b", WantErr: "one token"},
		{Argv: "--token-type-hint id_token tok", WantErr: "unknown --token-type-hint"},
		{Argv: "--client-secret-file - -", WantErr: "cannot both be read from stdin"},
		{Argv: "--private-key - -", WantErr: "cannot both be read from stdin"},
	})
}

func TestRevokeRun(t *testing.T) {
	var form url.Values
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/revoke" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(raw))
		auth = r.Header.Get("Authorization")
		if id, _, _ := r.BasicAuth(); id != "id" && form.Get("client_id") != "id" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_client","error_description":"Client authentication failed."}`)
		}
	}))
	defer srv.Close()

	tests := []struct {
		name       string
		id         string
		argv       []string
		stdin      string
		check      func(t *testing.T)
		wantStderr string
		wantErr    string
	}{
		{"basic", "id", []string{"the-token"}, "", func(t *testing.T) {
			if form.Get("token") != "the-token" || form.Has("token_type_hint") || !strings.HasPrefix(auth, "Basic ") {
				t.Errorf("form %v auth %q", form, auth)
			}
		}, "Revoked the token (client id).\n", ""},
		{"post, hint, stdin", "id", []string{"--auth-method", "client_secret_post", "--token-type-hint", "refresh_token", "-"}, "the-token\n", func(t *testing.T) {
			if form.Get("token") != "the-token" || form.Get("token_type_hint") != "refresh_token" || form.Get("client_secret") != "sec" || auth != "" {
				t.Errorf("form %v auth %q", form, auth)
			}
		}, "Revoked the refresh token (client id).\n", ""},
		{"rejected", "other", []string{"the-token"}, "", nil, "", "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, stdin, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": tt.id, "OAUTH2_CLIENT_SECRET": "sec"})
			stdin.WriteString(tt.stdin)
			err := cmdtest.Run(NewCmdRevoke(f, nil), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), srv.URL+"/oauth2/revoke") {
					t.Fatalf("err = %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout should be empty, got %q", stdout.String())
			}
			if stderr.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantStderr)
			}
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
}
