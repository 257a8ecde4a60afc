package create

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdCreate(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		fields   map[string]string // JSON field -> JSON value
		id, file string
		quiet    bool
		wantErr  string
	}{
		{name: "nothing", args: nil, fields: map[string]string{}},
		{
			name:   "v1 short flags",
			args:   []string{"-n", "my app", "-c", "http://a/cb", "-g", "authorization_code,refresh_token", "-r", "code", "-a", "openid,offline"},
			fields: map[string]string{"client_name": `"my app"`, "redirect_uris": `["http://a/cb"]`, "grant_types": `["authorization_code","refresh_token"]`, "response_types": `["code"]`, "scope": `"openid offline"`},
		},
		{
			name:   "v1 long names and v2 names mixed",
			args:   []string{"--callbacks", "http://a/1", "--redirect-uri", "http://a/2", "--grant-types", "client_credentials", "--response-types", "token", "--scope", "a b", "--scope", "c"},
			fields: map[string]string{"redirect_uris": `["http://a/1","http://a/2"]`, "grant_types": `["client_credentials"]`, "response_types": `["token"]`, "scope": `"a b c"`},
		},
		{
			name:   "response type combination keeps its space",
			args:   []string{"-r", "code id_token,token"},
			fields: map[string]string{"response_types": `["code id_token","token"]`},
		},
		{
			name: "every other field",
			args: []string{"--audience", "x,y", "--owner", "me", "--token-endpoint-auth-method", "private_key_jwt", "--token-endpoint-auth-signing-alg", "ES256",
				"--subject-type", "pairwise", "--jwks-uri", "https://k", "--policy-uri", "https://p", "--tos-uri", "https://t", "--client-uri", "https://c", "--logo-uri", "https://l",
				"--contact", "A B <a@b>,c@d", "--allowed-cors-origin", "https://o", "--metadata", `{"k":1}`, "--post-logout-callback", "https://pl",
				"--backchannel-logout-callback", "https://b", "--backchannel-logout-session-required", "--frontchannel-logout-callback", "https://f",
				"--frontchannel-logout-session-required", "--skip-consent", "--skip-logout-consent", "--access-token-strategy", "jwt", "--request-uri", "https://r",
				"--sector-identifier-uri", "https://s", "--request-object-signing-alg", "RS256", "--userinfo-signed-response-alg", "none"},
			fields: map[string]string{
				"audience": `["x","y"]`, "owner": `"me"`, "token_endpoint_auth_method": `"private_key_jwt"`, "token_endpoint_auth_signing_alg": `"ES256"`,
				"subject_type": `"pairwise"`, "jwks_uri": `"https://k"`, "policy_uri": `"https://p"`, "tos_uri": `"https://t"`, "client_uri": `"https://c"`, "logo_uri": `"https://l"`,
				"contacts": `["A B \u003ca@b\u003e","c@d"]`, "allowed_cors_origins": `["https://o"]`, "metadata": `{"k":1}`, "post_logout_redirect_uris": `["https://pl"]`,
				"backchannel_logout_uri": `"https://b"`, "backchannel_logout_session_required": `true`, "frontchannel_logout_uri": `"https://f"`,
				"frontchannel_logout_session_required": `true`, "skip_consent": `true`, "skip_logout_consent": `true`, "access_token_strategy": `"jwt"`,
				"request_uris": `["https://r"]`, "sector_identifier_uri": `"https://s"`, "request_object_signing_alg": `"RS256"`, "userinfo_signed_response_alg": `"none"`,
			},
		},
		{name: "jwks", args: []string{"--jwks", `{"keys":[]}`}, fields: map[string]string{"jwks": `{"keys":[]}`}},
		{name: "id, file, quiet", args: []string{"--id", "abc", "-f", "c.json", "-q"}, fields: map[string]string{}, id: "abc", file: "c.json", quiet: true},
		{name: "bad metadata", args: []string{"--metadata", "[1]"}, wantErr: "--metadata must be a JSON object"},
		{name: "quiet and format", args: []string{"-q", "--format", "json"}, wantErr: "cannot be used together"},
		{name: "bad format", args: []string{"--format", "xml"}, wantErr: `unknown format "xml"`},
		{name: "id with slash", args: []string{"--id", "a/b"}, wantErr: "contains a /"},
		{name: "arguments", args: []string{"extra"}, wantErr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdCreate, nil, tt.args...)
			if tt.wantErr != "" {
				cmdtest.WantUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gotFields := map[string]string{}
			for k, v := range got.Fields {
				gotFields[k] = string(v)
			}
			if !reflect.DeepEqual(gotFields, tt.fields) {
				t.Errorf("fields:\n got %v\nwant %v", gotFields, tt.fields)
			}
			if got.ID != tt.id || got.File != tt.file || got.Quiet != tt.quiet {
				t.Errorf("id, file, quiet = %q, %q, %v; want %q, %q, %v", got.ID, got.File, got.Quiet, tt.id, tt.file, tt.quiet)
			}
		})
	}
}

// run executes the command line against srv and returns stdout, stderr and
// the error.
func run(t *testing.T, srv *clienttest.Server, stdin string, args ...string) (string, string, error) {
	t.Helper()
	f, in, out, errOut := cmdtest.Factory(nil)
	in.WriteString(stdin)
	cmd := NewCmdCreate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return createRun(ctx, o)
	})
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmdtest.Run(cmd, args...)
	return out.String(), errOut.String(), err
}

func posted(t *testing.T, srv *clienttest.Server) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range srv.Requests() {
		if r.Method != "POST" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestCreateRunFlagsOnly(t *testing.T) {
	srv := clienttest.New(t)
	out, errOut, err := run(t, srv, "", "-n", "app", "-g", "client_credentials", "-a", "read,write")
	if err != nil {
		t.Fatal(err)
	}
	// The ID is chosen here, a UUID as Hydra would choose, so that a
	// request cut short by Ctrl-C can be named.
	m := regexp.MustCompile(`^client_id: ([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\nclient_secret: generated-secret-([0-9a-f-]+)\n$`).FindStringSubmatch(out)
	if m == nil || m[1] != m[2] {
		t.Fatalf("stdout = %q, want the generated ID and secret", out)
	}
	if !strings.Contains(errOut, "cannot be fetched again") {
		t.Errorf("stderr should warn that the secret cannot be fetched again:\n%s", errOut)
	}
	got := posted(t, srv)
	want := []map[string]any{{"client_id": m[1], "client_name": "app", "grant_types": []any{"client_credentials"}, "scope": "read write"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("posted %v, want only the given fields and the ID %v", got, want)
	}
}

func TestCreateRunGivenSecretIsNotPrinted(t *testing.T) {
	srv := clienttest.New(t)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "s")
	if err := os.WriteFile(secretFile, []byte("s3cret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := run(t, srv, "", "--id", "mine", "--secret-file", secretFile)
	if err != nil {
		t.Fatal(err)
	}
	if out != "client_id: mine\n" || errOut != "" {
		t.Errorf("stdout %q, stderr %q; want the ID only and no warning", out, errOut)
	}
	if got := posted(t, srv)[0]["client_secret"]; got != "s3cret-value" {
		t.Errorf("posted secret %v, want the file's without its newline", got)
	}
}

func TestCreateRunFileAndFlags(t *testing.T) {
	srv := clienttest.New(t)
	file := filepath.Join(t.TempDir(), "c.json")
	doc := `{"client_id": "from-file", "client_name": "file name", "scope": "a", "x_unknown": {"kept": true}}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty --id does not overwrite the file's client_id; -n overrides
	// the file's name; the scope and the unknown field come from the file.
	out, _, err := run(t, srv, "", "--file", file, "--id", "", "-n", "flag name", "-q")
	if err != nil {
		t.Fatal(err)
	}
	if out != "from-file\n" {
		t.Errorf("stdout = %q, want the file's client ID", out)
	}
	want := map[string]any{"client_id": "from-file", "client_name": "flag name", "scope": "a", "x_unknown": map[string]any{"kept": true}}
	if got := posted(t, srv)[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("posted %v, want %v", got, want)
	}
}

func TestCreateRunFileArrayFromStdin(t *testing.T) {
	srv := clienttest.New(t)
	out, _, err := run(t, srv, `[{"client_name":"a"},{"client_name":"b"}]`, "--file", "-", "--format", "json", "--owner", "me")
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 2 {
		t.Fatalf("stdout should be a JSON array of 2 clients: %v\n%s", err, out)
	}
	for _, c := range posted(t, srv) {
		if c["owner"] != "me" {
			t.Errorf("--owner should apply to every client of the file: %v", c)
		}
	}
}

func TestCreateRunBadInput(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		wantErr     string
		wantCode    int
	}{
		{"malformed JSON", "{\n  \"client_name\": \"x\",\n  \"scope\": nope\n}", []string{"--file", "-"}, "stdin:3:13: invalid JSON", 1},
		{"truncated JSON", "{\n  \"client_name\": \"x\",\n", []string{"--file", "-"}, "stdin:3:1: invalid JSON: unexpected end of JSON input", 1},
		{"wrong type", `{"client_name": 5}`, []string{"--file", "-", "-n", "x"}, "", 0},
		{"not an object", `"x"`, []string{"--file", "-"}, "want a JSON client object", 1},
		{"two values", `{} {}`, []string{"--file", "-"}, "stdin:1:4: unexpected", 1},
		{"array with id", `[{"client_name":"a"},{"client_name":"b"}]`, []string{"--file", "-", "--id", "x"}, "same value", 2},
		// Documents that are not clients: Hydra would create a default
		// client from each.
		{"a JWK set", `{"keys":[{"kty":"oct","k":"AAAA"}]}`, []string{"--file", "-"}, "JSON Web Key Set", 1},
		{"a lone JWK", `{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`, []string{"--file", "-"}, "It looks like a JSON Web Key:", 1},
		{"an empty object", `{}`, []string{"--file", "-"}, "is not an OAuth 2.0 client", 1},
		{"no client field", `{"foo":1}`, []string{"--file", "-"}, "is not an OAuth 2.0 client", 1},
		{"an item that is not a client", `[{"client_name":"a"},{"foo":1}]`, []string{"--file", "-"}, "stdin: item 1 is not an OAuth 2.0 client", 1},
		{"short secret", ``, []string{"--secret", "abc"}, "at least 6", 2},
		{"fragment in redirect", ``, []string{"-c", "http://a/cb#x"}, "Redirect URIs must not contain fragments", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clienttest.New(t)
			_, _, err := run(t, srv, tt.stdin, tt.args...)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if code := cmdutil.ExitCodeOf(err); code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if tt.name != "fragment in redirect" && len(srv.Requests()) != 0 {
				t.Errorf("bad input must send nothing, sent %v", srv.Requests())
			}
		})
	}
}

func TestCreateRunConflict(t *testing.T) {
	srv := clienttest.New(t, map[string]any{"client_id": "taken"})
	_, _, err := run(t, srv, "", "--id", "taken")
	if err == nil || !strings.Contains(err.Error(), `a client with ID "taken" already exists`) {
		t.Fatalf("error = %v, want it to say the client exists", err)
	}
}

func TestCreateRunWarnsAboutUnknownValues(t *testing.T) {
	srv := clienttest.New(t)
	_, errOut, err := run(t, srv, "", "-g", "client_credentials,client_credential", "-r", "code,cod", "--token-endpoint-auth-method", "client_secret_jwt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`unknown grant type "client_credential"`, `unknown response type "cod"`, `unknown token endpoint auth method "client_secret_jwt"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, `"client_credentials"`) || strings.Contains(errOut, `"code"`) {
		t.Errorf("known values must not be warned about:\n%s", errOut)
	}
}

func TestCreateRunSecretFromEnv(t *testing.T) {
	srv := clienttest.New(t)
	f, _, out, errOut := cmdtest.Factory(map[string]string{EnvSecret: "env-secret-1"})
	cmd := NewCmdCreate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return createRun(ctx, o)
	})
	if err := cmdtest.Run(cmd, "-n", "x"); err != nil {
		t.Fatal(err)
	}
	if got := posted(t, srv)[0]["client_secret"]; got != "env-secret-1" {
		t.Errorf("posted secret %v, want the one from %s", got, EnvSecret)
	}
	if strings.Contains(out.String()+errOut.String(), "env-secret-1") {
		t.Errorf("a given secret must not be printed:\n%s%s", out, errOut)
	}
	if !strings.Contains(errOut.String(), "note: the client secret comes from "+EnvSecret) {
		t.Errorf("stderr should say that the environment supplied the secret:\n%s", errOut)
	}
}

func TestParseDocsLineColumn(t *testing.T) {
	_, err := shared.ParseDocs("f.json", []byte("[\n {\"a\": 1},\n {\"b\": ]\n]"))
	if err == nil || !strings.HasPrefix(err.Error(), "f.json:3:8: invalid JSON") {
		t.Fatalf("error = %v, want f.json:3:8", err)
	}
	var fe *cmdutil.FlagError
	if errors.As(err, &fe) {
		t.Error("a malformed file is bad input (exit 1), not a usage error")
	}
}

func TestCreateRunFileArrayContinuesPastFailures(t *testing.T) {
	srv := clienttest.New(t, map[string]any{"client_id": "taken"})
	out, errOut, err := run(t, srv, `[{"client_id":"taken"},{"client_id":"new","client_secret":"123456"}]`, "--file", "-", "-q")
	if cmdutil.ExitCodeOf(err) != 1 {
		t.Fatalf("error %v, want exit 1", err)
	}
	if out != "new\n" {
		t.Errorf("stdout = %q, want the created client", out)
	}
	if !strings.Contains(errOut, `stdin[0]: a client with ID "taken" already exists`) || !strings.Contains(errOut, "1 of 2 clients could not be created") {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestCreateRunArrayOfOnePrintsAnArray(t *testing.T) {
	srv := clienttest.New(t)
	out, _, err := run(t, srv, `[{"client_name":"only"}]`, "--file", "-", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "[{") {
		t.Errorf("an array in gives an array out, got %s", out)
	}
}

// TestCreateRunHydraV1: under Hydra v1's spelling, create sends Hydra v1's
// flag defaults for the fields not given, and prints Hydra v1's lines.
func TestCreateRunHydraV1(t *testing.T) {
	srv := clienttest.New(t)
	f, _, out, _ := cmdtest.Factory(nil)
	cmd := NewCmdCreateStyled(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return createRun(ctx, o)
	}, printer.Style{HydraV1: true})
	if err := cmdtest.Run(cmd, "-n", "app", "-r", "token"); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^OAuth 2\.0 Client ID: (\S+)\nOAuth 2\.0 Client Secret: generated-secret-(\S+)\n$`).FindStringSubmatch(out.String())
	if m == nil || m[1] != m[2] {
		t.Fatalf("stdout = %q, want Hydra v1's two lines", out)
	}
	got := posted(t, srv)
	want := []map[string]any{{"client_id": m[1], "client_name": "app", "grant_types": []any{"authorization_code"}, "response_types": []any{"token"},
		"subject_type": "public", "token_endpoint_auth_method": "client_secret_basic"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("posted %v, want Hydra v1's defaults under the given fields %v", got, want)
	}
}
