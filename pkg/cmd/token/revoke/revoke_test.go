package revoke

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdRevoke(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdRevoke, []cmdtest.ArgvCase[Options]{
		{Argv: "tok", Check: func(t *testing.T, o *Options) {
			if len(o.Tokens) != 1 || o.Tokens[0] != "tok" || o.TokenTypeHint != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--token-type-hint refresh_token --client-id id --auth-method client_secret_post -", Check: func(t *testing.T, o *Options) {
			if len(o.Tokens) != 1 || o.Tokens[0] != "-" || o.TokenTypeHint != "refresh_token" || o.Credentials.ClientID != "id" || o.Credentials.AuthMethod != "client_secret_post" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "a b", Check: func(t *testing.T, o *Options) {
			if len(o.Tokens) != 2 {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "a token (or - to read them from stdin"},
		{Argv: "- -", WantErr: "read only once"},
		{Argv: "--token-type-hint id_token tok", WantErr: "unknown --token-type-hint"},
		{Argv: "--client-secret-file - -", WantErr: "cannot both be read from stdin"},
		{Argv: "--private-key - -", WantErr: "cannot both be read from stdin"},
	})
}

const notVerified = "Not verified: Hydra answers 200 alike for a revoked token, an unknown one, and one issued to another client, which stays active. Set HYDRA_ADMIN_URL or pass --admin-endpoint to check through introspection.\n"

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
		}, "Hydra accepted the revocation of the token (client id).\n" + notVerified, ""},
		{"post, hint, stdin", "id", []string{"--auth-method", "client_secret_post", "--token-type-hint", "refresh_token", "-"}, "the-token\n", func(t *testing.T) {
			if form.Get("token") != "the-token" || form.Get("token_type_hint") != "refresh_token" || form.Get("client_secret") != "sec" || auth != "" {
				t.Errorf("form %v auth %q", form, auth)
			}
		}, "Hydra accepted the revocation of the token (client id).\n" + notVerified, ""},
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

// revokeServer is a public and an admin API in one: it records revoked
// tokens, and introspection answers active for the tokens in stillActive.
func revokeServer(t *testing.T, stillActive map[string]string) (*httptest.Server, *[]string) {
	var revoked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/oauth2/revoke":
			revoked = append(revoked, form.Get("token"))
		case "/admin/oauth2/introspect":
			if owner, ok := stillActive[form.Get("token")]; ok {
				io.WriteString(w, `{"active":true,"client_id":"`+owner+`"}`)
				return
			}
			io.WriteString(w, `{"active":false}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &revoked
}

func TestRevokeRunLinesAndVerification(t *testing.T) {
	tests := []struct {
		name        string
		admin       bool
		argv        []string
		stdin       string
		stillActive map[string]string
		wantRevoked []string
		wantStderr  []string
		wantErr     string
		wantExit    int
	}{
		{
			name: "one a line, verified", admin: true, argv: []string{"-"}, stdin: "a\n\n b \r\nc\n",
			wantRevoked: []string{"a", "b", "c"},
			wantStderr:  []string{"Revoked token 1 (client id): introspection confirms it is inactive.", "Revoked token 3 (client id)"},
		},
		{
			name: "another client's token stays active", admin: true, argv: []string{"-"}, stdin: "a\nb\n",
			stillActive: map[string]string{"b": "other"},
			wantRevoked: []string{"a", "b"},
			wantStderr:  []string{"Revoked token 1", "error: token 2: the revocation was accepted (200), but the token is still active: it was issued to client other, not to id", "1 of 2 tokens could not be revoked"},
			wantExit:    1,
		},
		{
			name: "one token still active", admin: true, argv: []string{"b"},
			stillActive: map[string]string{"b": "other"},
			wantRevoked: []string{"b"},
			wantErr:     "still active", wantExit: 1,
		},
		{
			name: "a line with white space inside is not sent", argv: []string{"-"}, stdin: "a\nBearer b\nc d\ne\n",
			wantRevoked: []string{"a", "e"},
			wantStderr:  []string{"error: token 2: the token starts with \"Bearer \"", "error: token 3: the token holds white space inside it", "2 of 4 tokens could not be revoked", "Not verified"},
			wantExit:    1,
		},
		{
			name: "an argument with a Bearer prefix is a usage error", argv: []string{"Bearer a"},
			wantErr: "without the Bearer prefix", wantExit: 2,
		},
		{
			name: "no admin API: accepted, not verified", argv: []string{" a "},
			wantRevoked: []string{"a"},
			wantStderr:  []string{"Hydra accepted the revocation of the token (client id).", "Not verified"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, revoked := revokeServer(t, tt.stillActive)
			env := map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec"}
			if tt.admin {
				env["HYDRA_ADMIN_URL"] = srv.URL
			}
			f, stdin, stdout, stderr := cmdtest.Factory(env)
			stdin.WriteString(tt.stdin)
			err := cmdtest.Run(NewCmdRevoke(f, nil), tt.argv...)
			if got := cmdutil.ExitCodeOf(err); got != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d\nstderr: %s", got, err, tt.wantExit, stderr.String())
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if strings.Join(*revoked, ",") != strings.Join(tt.wantRevoked, ",") {
				t.Errorf("revoked %q, want %q", *revoked, tt.wantRevoked)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if tt.admin && strings.Contains(stderr.String(), "Not verified") {
				t.Errorf("verified, yet stderr says not:\n%s", stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q", stdout.String())
			}
		})
	}
}

// Tokens typed on a terminal for "revoke -" are read one a prompt, without
// echo, until an empty line (issue 11, point 7): they appear in no output.
func TestRevokeRunTerminalReadsTokensWithoutEcho(t *testing.T) {
	srv, revoked := revokeServer(t, nil)
	f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec"})
	f.IOStreams.SetStdinTTY(true)
	typed := []string{"tok-a", " tok-b ", ""}
	f.IOStreams.SetReadPassword(func() ([]byte, error) {
		if len(typed) == 0 {
			return nil, io.EOF
		}
		v := typed[0]
		typed = typed[1:]
		return []byte(v), nil
	})
	if err := cmdtest.Run(NewCmdRevoke(f, nil), "-"); err != nil {
		t.Fatalf("err = %v\nstderr: %s", err, stderr)
	}
	if strings.Join(*revoked, ",") != "tok-a,tok-b" {
		t.Errorf("revoked %q", *revoked)
	}
	if !strings.Contains(stderr.String(), "Token 2 (input is hidden") || strings.Contains(stderr.String(), "tok-") || stdout.Len() != 0 {
		t.Errorf("want hidden prompts on stderr, no token anywhere:\nstdout: %q\nstderr: %s", stdout, stderr)
	}
}

// TestRevokeVerificationHeaderWins checks that the introspection that
// verifies a revocation follows the rule of every admin command: an
// explicit -H 'Authorization: ...' is sent as it is, and
// OAUTH2_ACCESS_TOKEN is then not.
func TestRevokeVerificationHeaderWins(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		want string
	}{
		{name: "-H wins over OAUTH2_ACCESS_TOKEN", argv: []string{"-H", "Authorization: Bearer x", "a"}, want: "Bearer x"},
		{name: "OAUTH2_ACCESS_TOKEN without -H", argv: []string{"a"}, want: "Bearer from-env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/oauth2/revoke":
				case "/admin/oauth2/introspect":
					got = append(got, r.Header.Get("Authorization"))
					io.WriteString(w, `{"active":false}`)
				default:
					http.NotFound(w, r)
				}
			}))
			t.Cleanup(srv.Close)
			f, _, _, stderr := cmdtest.Factory(map[string]string{
				"HYDRA_URL": srv.URL, "HYDRA_ADMIN_URL": srv.URL,
				"OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec",
				"OAUTH2_ACCESS_TOKEN": "from-env",
			})
			if err := cmdtest.Run(NewCmdRevoke(f, nil), tt.argv...); err != nil {
				t.Fatalf("err = %v\nstderr: %s", err, stderr.String())
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("introspection sent Authorization %q, want [%q]", got, tt.want)
			}
		})
	}
}

// Under Hydra v2's spelling, each token revoked (and, with the admin API,
// found inactive) is echoed on stdout, as Hydra v2's CLI prints it; a token
// that failed is not, and no token reaches stderr.
func TestRevokeRunEcho(t *testing.T) {
	srv, revoked := revokeServer(t, map[string]string{"tok-other": "other"})
	env := map[string]string{"HYDRA_URL": srv.URL, "HYDRA_ADMIN_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec"}
	f, stdin, stdout, stderr := cmdtest.Factory(env)
	stdin.WriteString("tok-one\ntok-other\nBearer tok-bearer\ntok-two\n")
	err := cmdtest.Run(NewCmdRevokeStyled(f, nil, printer.Style{IDs: printer.V2IDs}), "-")
	if cmdutil.ExitCodeOf(err) != 1 {
		t.Fatalf("err = %v, want exit 1 (two tokens failed)\nstderr: %s", err, stderr)
	}
	if strings.Join(*revoked, ",") != "tok-one,tok-other,tok-two" {
		t.Errorf("revoked %q", *revoked)
	}
	if stdout.String() != "ID\t\ntok-one\t\ntok-two\t\n" {
		t.Errorf("stdout = %q, want the two revoked tokens", stdout)
	}
	for _, tok := range []string{"tok-one", "tok-other", "tok-bearer", "tok-two"} {
		if strings.Contains(stderr.String(), tok) {
			t.Errorf("stderr shows %s:\n%s", tok, stderr)
		}
	}
}

// A list of tokens stops at the server's failure, as every batch does
// (cmdutil.ForEach): 60 tokens against a dead port, or a server that
// answers 500, give one error line and one that counts what was not
// revoked, not an error for each token (issue 23).
func TestRevokeRunStopsWhenTheServerFails(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	var requests atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	var tokens strings.Builder
	args := []string{}
	for i := range 60 {
		fmt.Fprintf(&tokens, "tok-%d\n", i)
		args = append(args, fmt.Sprintf("tok-%d", i))
	}
	for _, tt := range []struct {
		name, url string
		argv      []string
		stdin     string
	}{
		{"a dead port, tokens on stdin", dead.URL, []string{"-"}, tokens.String()},
		{"a dead port, tokens as arguments", dead.URL, args, ""},
		{"a server that answers 500", failing.URL, []string{"-"}, tokens.String()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			requests.Store(0)
			f, stdin, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": tt.url, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec"})
			stdin.WriteString(tt.stdin)
			err := cmdtest.Run(NewCmdRevoke(f, nil), append([]string{"--retries", "0"}, tt.argv...)...)
			if cmdutil.ExitCodeOf(err) != 1 {
				t.Fatalf("err = %v, want exit 1\nstderr: %s", err, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			if !strings.HasPrefix(lines[0], "error: token 1: ") || lines[len(lines)-1] != "stopped: 60 of 60 tokens were not revoked, 59 of them not attempted" {
				t.Errorf("stderr:\n%s", stderr)
			}
			if len(lines) > 6 || strings.Contains(stderr.String(), "token 2") || strings.Contains(stderr.String(), "tok-") {
				t.Errorf("want one error line and the stop, no token:\n%s", stderr)
			}
			if n := requests.Load(); n > 1 {
				t.Errorf("%d requests, want the first token's only", n)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q", stdout)
			}
		})
	}
}

// A token issued to another client stays active, but the next tokens may
// be the user's own: that failure never stops the list.
func TestRevokeRunGoesOnAfterTokensOfAnotherClient(t *testing.T) {
	srv, revoked := revokeServer(t, map[string]string{"o1": "other", "o2": "other", "o3": "other", "o4": "other"})
	f, stdin, _, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "HYDRA_ADMIN_URL": srv.URL, "OAUTH2_CLIENT_ID": "id", "OAUTH2_CLIENT_SECRET": "sec"})
	stdin.WriteString("o1\no2\no3\no4\nmine\n")
	err := cmdtest.Run(NewCmdRevoke(f, nil), "-")
	if cmdutil.ExitCodeOf(err) != 1 || len(*revoked) != 5 || !strings.Contains(stderr.String(), "Revoked token 5") || !strings.Contains(stderr.String(), "4 of 5 tokens could not be revoked") {
		t.Errorf("err %v, revoked %q, stderr:\n%s", err, *revoked, stderr)
	}
}
