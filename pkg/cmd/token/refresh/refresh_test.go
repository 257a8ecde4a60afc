package refresh

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdRefresh(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdRefresh, []cmdtest.ArgvCase[Options]{
		{Argv: "rt", Check: func(t *testing.T, o *Options) {
			if o.RefreshToken != "rt" || o.Format.Name != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--format yaml -", Check: func(t *testing.T, o *Options) {
			if o.RefreshToken != "-" || o.Format.Name != "yaml" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "one refresh token"},
		{Argv: "--format nope rt", WantErr: "unknown format"},
		{Argv: "--scope a rt", WantErr: "unknown flag"},
		{Argv: "--client-secret-file - -", WantErr: "cannot both be read from stdin"},
	})
}

func TestRefreshRun(t *testing.T) {
	const body = `{"access_token":"at-2","refresh_token":"rt-2","id_token":"idt","expires_in":3599,"scope":"openid offline","token_type":"bearer"}`
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(raw))
		w.Header().Set("Content-Type", "application/json")
		if form.Get("refresh_token") != "rt-1" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"The refresh token was already used."}`)
			return
		}
		io.WriteString(w, body)
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		argv    []string
		stdin   string
		wantOut string
		wantErr string
		// wantWarn says whether stderr warns that the refresh token was
		// not printed.
		wantWarn bool
	}{
		{"whole response by default", []string{"rt-1"}, "", body + "\n", "", false},
		{"from stdin", []string{"-"}, "\n rt-1 \n\n", body + "\n", "", false},
		{"access token alone warns", []string{"--format", "jsonpath=access_token", "rt-1"}, "", "at-2\n", "", true},
		{"argument trimmed", []string{" rt-1\n"}, "", body + "\n", "", false},
		{"spent", []string{"rt-0"}, "", "", "invalid_grant: The refresh token was already used.", false},
		{"empty stdin", []string{"-"}, "\n", "", "stdin holds no token", false},
		{"two lines on stdin", []string{"-"}, "rt-1\nrt-9\n", "", "more than one line", false},
		{"Bearer prefix", []string{"Bearer rt-1"}, "", "", "without the Bearer prefix", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form = nil
			f, stdin, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec"})
			stdin.WriteString(tt.stdin)
			err := cmdtest.Run(NewCmdRefresh(f, nil), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(stderr.String(), "did not print it"); got != tt.wantWarn {
				t.Errorf("warning = %v, want %v: %q", got, tt.wantWarn, stderr.String())
			}
			if tt.wantErr != "" && tt.wantErr != "invalid_grant: The refresh token was already used." && form != nil {
				t.Errorf("a refused token was sent: %v", form)
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantOut)
			}
			if tt.wantErr == "" && (form.Get("grant_type") != "refresh_token" || form.Get("refresh_token") != "rt-1") {
				t.Errorf("form = %v", form)
			}
		})
	}
}
