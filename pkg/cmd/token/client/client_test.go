package client

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdClient(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdClient, []cmdtest.ArgvCase[Options]{
		{Argv: "", Check: func(t *testing.T, o *Options) {
			if o.Credentials.AuthMethod != "" || o.Format.Name != "" || o.Scopes != nil || o.Conn.Retries != 2 {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{Argv: "--scope a,b --scope c --scope a --audience x --audience y,z", Check: func(t *testing.T, o *Options) {
			if strings.Join(o.Scopes, " ") != "a b c" || strings.Join(o.Audiences, " ") != "x y z" {
				t.Errorf("scopes %v audiences %v", o.Scopes, o.Audiences)
			}
		}},
		{Argv: "--client-id id --client-secret-file - --auth-method client_secret_post -q", Check: func(t *testing.T, o *Options) {
			c := o.Credentials
			if c.ClientID != "id" || c.Secret.File != "-" || c.AuthMethod != shared.AuthPost || !c.Quiet {
				t.Errorf("credentials: %+v", c)
			}
		}},
		{Argv: "--private-key k.pem --token-url https://idp.example/token -e http://h:4444 --format json", Check: func(t *testing.T, o *Options) {
			c := o.Credentials
			if c.AuthMethod != shared.AuthPrivateKeyJWT || c.PrivateKey != "k.pem" || c.TokenURL != "https://idp.example/token" || o.Conn.Endpoint != "http://h:4444" || o.Format.Name != "json" {
				t.Errorf("options: %+v", o)
			}
		}},
		{Argv: "--auth-method basic", WantErr: "unknown --auth-method"},
		{Argv: "--format xml", WantErr: "unknown format"},
		{Argv: "--client-secret a --client-secret-file b", WantErr: "client-secret"},
		{Argv: "extra", WantErr: "takes no arguments"},
	})
}

func TestClientRun(t *testing.T) {
	const body = `{"access_token":"at-1","expires_in":3599,"scope":"read","token_type":"bearer"}`
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/token" {
			http.NotFound(w, r)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(raw))
		w.Header().Set("Content-Type", "application/json")
		if id, secret, _ := r.BasicAuth(); id != "id" || secret != url.QueryEscape("s e:c") {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":"invalid_client","error_description":"Client authentication failed."}`)
			return
		}
		io.WriteString(w, body)
	}))
	defer srv.Close()

	tests := []struct {
		name       string
		env        map[string]string
		argv       string
		wantOut    string
		wantErr    string
		wantStderr string
	}{
		{"token alone", map[string]string{"OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "s e:c"}, "--scope read", "at-1\n", "", ""},
		{"whole response", map[string]string{"OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "s e:c"}, "--format json", body + "\n", "", ""},
		{"wrong secret", map[string]string{"OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "nope"}, "", "", "invalid_client", ""},
		{"no credentials", nil, "", "", "no client ID", ""},
		{"argv secret warns", map[string]string{"OAUTH2_CLIENT_ID": "id"}, "--client-secret wrong", "", "invalid_client", "warning: --client-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HYDRA_URL": srv.URL}
			for k, v := range tt.env {
				env[k] = v
			}
			f, _, stdout, stderr := cmdtest.Factory(env)
			err := cmdtest.Run(NewCmdClient(f, nil), strings.Fields(tt.argv)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure {
					t.Errorf("exit %d, want 1", cmdutil.ExitCodeOf(err))
				}
				if stdout.Len() != 0 {
					t.Errorf("stdout should be empty, got %q", stdout.String())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantOut)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) || (tt.wantStderr == "" && stderr.Len() != 0) {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantStderr)
			}
			if tt.wantOut == "at-1\n" && form.Get("scope") != "read" {
				t.Errorf("form = %v", form)
			}
		})
	}
}
