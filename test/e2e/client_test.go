package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// clientSpellings are the ways to write "hydra client <verb>": this tool's,
// Hydra v1's, and Hydra v2's two nouns (plural for list).
var clientSpellings = []struct {
	name string
	argv func(verb string) []string
}{
	{"client <verb>", func(v string) []string { return []string{"client", v} }},
	{"clients <verb> (v1)", func(v string) []string { return []string{"clients", v} }},
	{"<verb> client (v2)", func(v string) []string {
		if v == "list" {
			return []string{"list", "clients"}
		}
		return []string{v, "client"}
	}},
	{"<verb> oauth2-client (v2)", func(v string) []string {
		if v == "list" {
			return []string{"list", "oauth2-clients"}
		}
		return []string{v, "oauth2-client"}
	}},
}

// createdLines parses create's default output: "client_id: X" and
// "client_secret: Y" lines (Hydra v1's "OAuth 2.0 Client ID: X" and
// "OAuth 2.0 Client Secret: Y" under its spelling), or, under Hydra v2's spellings, its table's
// "CLIENT ID" and "CLIENT SECRET" rows, cut on tabs as a script does.
func createdLines(t *testing.T, out string) hydratest.Client {
	t.Helper()
	var c hydratest.Client
	if strings.HasPrefix(out, "CLIENT ID\t") {
		for _, line := range strings.Split(out, "\n") {
			f := strings.FieldsFunc(line, func(r rune) bool { return r == '\t' })
			switch {
			case len(f) == 2 && f[0] == "CLIENT ID":
				c.ClientID = f[1]
			case len(f) == 2 && f[0] == "CLIENT SECRET":
				c.ClientSecret = f[1]
			}
		}
		if c.ClientID == "" {
			t.Fatalf("create printed no CLIENT ID row:\n%s", out)
		}
		return c
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		switch {
		case ok && k == "client_id":
			c.ClientID = v
		case ok && k == "client_secret":
			c.ClientSecret = v
		case ok && k == "OAuth 2.0 Client ID":
			// Hydra v1's lines, under its spelling.
			c.ClientID = v
		case ok && k == "OAuth 2.0 Client Secret":
			c.ClientSecret = v
		default:
			t.Fatalf("unexpected line in create's output: %q\n%s", line, out)
		}
	}
	if c.ClientID == "" {
		t.Fatalf("create printed no client_id:\n%s", out)
	}
	return c
}

func decodeClient(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not a JSON client: %v\n%s", err, out)
	}
	return m
}

func args(prefix []string, rest ...string) []string {
	return append(slices.Clone(prefix), rest...)
}

func TestClientEverySpelling(t *testing.T) {
	for _, sp := range clientSpellings {
		t.Run(sp.name, func(t *testing.T) {
			// create: a working client credentials client.
			r := hydra(t, args(sp.argv("create"), "-n", "spelling "+sp.name, "-g", "client_credentials", "-a", "read")...)
			r.wantCode(t, 0)
			r.assertClean(t)
			c := createdLines(t, r.Stdout)
			if c.ClientSecret == "" || !strings.Contains(r.Stderr, "cannot be fetched again") {
				t.Fatalf("a generated secret should be printed with a warning:\n%s\n%s", r.Stdout, r.Stderr)
			}
			if _, err := srv.ClientCredentials(c, "read"); err != nil {
				t.Fatalf("the printed ID and secret do not work at the token endpoint: %v", err)
			}

			// get
			r = hydra(t, args(sp.argv("get"), c.ClientID, "--format", "json")...)
			r.wantCode(t, 0)
			if got := decodeClient(t, r.Stdout); got["client_name"] != "spelling "+sp.name {
				t.Errorf("get: %v", got)
			}

			// list
			r = hydra(t, args(sp.argv("list"), "-q")...)
			r.wantCode(t, 0)
			if !slices.Contains(strings.Fields(r.Stdout), c.ClientID) {
				t.Errorf("list -q lacks %s", c.ClientID)
			}

			// update
			r = hydra(t, args(sp.argv("update"), c.ClientID, "--owner", "team-"+sp.name, "-q")...)
			r.wantCode(t, 0)
			if strings.TrimSpace(r.Stdout) != c.ClientID {
				t.Errorf("update -q = %q", r.Stdout)
			}

			// import
			doc := fmt.Sprintf(`{"client_name": "imported %s", "grant_types": ["client_credentials"], "client_secret": "imported-secret"}`, sp.name)
			r = run{Env: serverEnv(), Stdin: doc}.hydra(t, args(sp.argv("import"), "-", "-q")...)
			r.wantCode(t, 0)
			imported := strings.TrimSpace(r.Stdout)
			if imported == "" || strings.Contains(imported, "\n") {
				t.Fatalf("import -q should print one ID, got %q", r.Stdout)
			}
			if _, err := srv.ClientCredentials(hydratest.Client{ClientID: imported, ClientSecret: "imported-secret"}); err != nil {
				t.Errorf("the imported client does not work: %v", err)
			}

			// delete both
			r = hydra(t, args(sp.argv("delete"), c.ClientID, imported)...)
			r.wantCode(t, 0)
			want := c.ClientID + "\n" + imported + "\n"
			got := r.Stdout
			switch {
			case strings.HasSuffix(sp.name, "(v1)"):
				// Hydra v1's one line, once all are deleted (test/parity
				// proves its bytes).
				want = "OAuth 2.0 Client(s) deleted\n"
			case strings.HasSuffix(sp.name, "(v2)"):
				// Hydra v2's table: an ID header over the IDs, tab-padded
				// (test/parity proves its bytes).
				want = "ID\n" + want
				got = regexp.MustCompile("\t+").ReplaceAllString(got, "")
			}
			if got != want {
				t.Errorf("delete stdout = %q", r.Stdout)
			}
			hydra(t, "client", "get", c.ClientID).wantCode(t, 1)
		})
	}
}

func TestClientRoundTripUpdateKeepsOtherFields(t *testing.T) {
	r := hydra(t, "client", "create", "--format", "json",
		"-n", "round trip", "-c", "http://127.0.0.1:5555/cb,http://127.0.0.1:5555/cb2", "-g", "authorization_code,refresh_token",
		"-r", "code,code id_token", "-a", "openid,offline", "--audience", "api1,api2", "--owner", "owner@example.com",
		"--contact", "ops@example.com", "--metadata", `{"team":"payments","tier":2}`, "--policy-uri", "https://example.com/policy",
		"--tos-uri", "https://example.com/tos", "--client-uri", "https://example.com", "--logo-uri", "https://example.com/logo.png",
		"--post-logout-callback", "http://127.0.0.1:5555/bye", "--skip-consent", "--access-token-strategy", "jwt",
		"--token-endpoint-auth-method", "client_secret_post", "--subject-type", "public",
		"--backchannel-logout-callback", "https://example.com/bc", "--backchannel-logout-session-required",
		"--frontchannel-logout-callback", "https://example.com/fc", "--frontchannel-logout-session-required", "--skip-logout-consent",
		"--request-object-signing-alg", "RS256", "--request-uri", "https://example.com/req")
	r.wantCode(t, 0)
	created := decodeClient(t, r.Stdout)
	id, _ := created["client_id"].(string)
	t.Cleanup(func() { hydra(t, "client", "delete", id) })

	r = hydra(t, "client", "get", id)
	r.wantCode(t, 0)
	before := decodeClient(t, r.Stdout)
	for k, want := range map[string]any{
		"client_name": "round trip", "scope": "openid offline", "owner": "owner@example.com",
		"response_types": []any{"code", "code id_token"}, "audience": []any{"api1", "api2"},
		"metadata": map[string]any{"team": "payments", "tier": 2.0}, "skip_consent": true, "access_token_strategy": "jwt",
		"token_endpoint_auth_method": "client_secret_post", "frontchannel_logout_session_required": true,
		"backchannel_logout_uri": "https://example.com/bc", "skip_logout_consent": true, "request_uris": []any{"https://example.com/req"},
	} {
		if !reflect.DeepEqual(before[k], want) {
			t.Errorf("created client: %s = %v, want %v", k, before[k], want)
		}
	}

	r = hydra(t, "client", "update", id, "-n", "renamed")
	r.wantCode(t, 0)
	r.assertClean(t)

	r = hydra(t, "client", "get", id)
	r.wantCode(t, 0)
	after := decodeClient(t, r.Stdout)
	if after["client_name"] != "renamed" {
		t.Errorf("client_name = %v after update", after["client_name"])
	}
	for k, v := range before {
		if k == "client_name" || k == "updated_at" {
			continue
		}
		if !reflect.DeepEqual(after[k], v) {
			t.Errorf("update -n changed %s: %v -> %v", k, v, after[k])
		}
	}

	hydra(t, "client", "delete", id).wantCode(t, 0)
	r = hydra(t, "client", "get", id)
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, fmt.Sprintf("no client with ID %q", id)) {
		t.Errorf("get after delete should name the missing client:\n%s", r.Stderr)
	}
}

func TestClientUpdateSecretKeepsEverythingElse(t *testing.T) {
	c := newClient(t, "read")
	r := run{Env: serverEnv(), Stdin: "a-brand-new-secret\n"}.hydra(t, "client", "update", c.ClientID, "--secret-file", "-")
	r.wantCode(t, 0)
	if strings.Contains(r.Stdout+r.Stderr, "a-brand-new-secret") {
		t.Errorf("the new secret was echoed:\n%s%s", r.Stdout, r.Stderr)
	}
	if _, err := srv.ClientCredentials(c, "read"); err == nil {
		t.Error("the old secret still works after the update")
	}
	if _, err := srv.ClientCredentials(hydratest.Client{ClientID: c.ClientID, ClientSecret: "a-brand-new-secret"}, "read"); err != nil {
		t.Errorf("the new secret does not work, or the scope was lost: %v", err)
	}
}

func TestClientCreateFromFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "client.json")
	id := "file-client-" + strings.ReplaceAll(t.Name(), "/", "-")
	doc := fmt.Sprintf(`{"client_id": %q, "client_name": "from file", "scope": "a b", "grant_types": ["client_credentials"]}`, id)
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty --id does not overwrite the file's client_id; -n overrides
	// the file's name only.
	r := hydra(t, "client", "create", "--file", file, "--id", "", "-n", "flag name", "--format", "json")
	r.wantCode(t, 0)
	t.Cleanup(func() { hydra(t, "client", "delete", id) })
	got := decodeClient(t, r.Stdout)
	if got["client_id"] != id || got["client_name"] != "flag name" || got["scope"] != "a b" {
		t.Errorf("created %v", got)
	}
	if got["client_secret"] == nil || got["client_secret"] == "" {
		t.Errorf("--format json should include the generated secret: %v", got)
	}
}

func TestClientCreateWarnsAboutUnknownValues(t *testing.T) {
	r := hydra(t, "client", "create", "-q", "--secret", "s3cret-s3cret", "-g", "client_credentials,client_credential",
		"-r", "code,tokn", "--token-endpoint-auth-method", "client_secret_jwt")
	r.wantCode(t, 0)
	t.Cleanup(func() { hydra(t, "client", "delete", strings.TrimSpace(r.Stdout)) })
	for _, want := range []string{`unknown grant type "client_credential"`, `unknown response type "tokn"`, `unknown token endpoint auth method "client_secret_jwt"`} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
}

func listIDs(t *testing.T) []string {
	t.Helper()
	r := hydra(t, "client", "list", "-q")
	r.wantCode(t, 0)
	return strings.Fields(r.Stdout)
}

func TestClientBadInput(t *testing.T) {
	before := listIDs(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("[\n  {\"client_name\": \"ok\"},\n  {\"client_name\": \"broken\",}\n]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	existing := newClient(t, "")

	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string
	}{
		{"malformed JSON in --file", "", []string{"client", "create", "--file", bad}, []string{bad + ":3:28: invalid JSON"}},
		{"malformed JSON on stdin", "{\"a\": }", []string{"client", "create", "--file", "-"}, []string{"stdin:1:7: invalid JSON"}},
		{"malformed JSON in import", "", []string{"client", "import", bad}, []string{bad + ":3:28: invalid JSON"}},
		{"fragment in redirect URI", "", []string{"client", "create", "-c", "http://127.0.0.1/cb#frag"}, []string{"400 Bad Request", "invalid_redirect_uri", "must not contain fragments"}},
		{"unparsable redirect URI", "", []string{"client", "create", "-c", ":not-a-url"}, []string{"invalid_redirect_uri", "Unable to parse redirect URL"}},
		{"duplicate --id", "", []string{"client", "create", "--id", existing.ClientID}, []string{fmt.Sprintf("a client with ID %q already exists", existing.ClientID), "409 Conflict"}},
		{"missing client on get", "", []string{"client", "get", "no-such-client"}, []string{`no client with ID "no-such-client"`, "404"}},
		{"missing client on update", "", []string{"client", "update", "no-such-client", "-n", "x"}, []string{`no client with ID "no-such-client"`}},
		{"missing client on delete", "", []string{"client", "delete", "no-such-client"}, []string{`no client with ID "no-such-client"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run{Env: serverEnv(), Stdin: tt.stdin}.hydra(t, tt.args...)
			r.wantCode(t, 1)
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty on failure, got %q", r.Stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
				}
			}
		})
	}
	// Nothing half-done: no request created a client.
	after := listIDs(t)
	if len(after) != len(before)+1 {
		t.Errorf("bad input created clients: %d before (+1 fixture), %d after", len(before), len(after))
	}
}

func TestClientDeleteContinuesPastFailures(t *testing.T) {
	a, b := newClient(t, ""), newClient(t, "")
	r := hydra(t, "client", "delete", a.ClientID, "missing-one", b.ClientID)
	r.wantCode(t, 1)
	if r.Stdout != a.ClientID+"\n"+b.ClientID+"\n" {
		t.Errorf("stdout = %q, want both deleted IDs", r.Stdout)
	}
	if !strings.Contains(r.Stderr, `no client with ID "missing-one"`) || !strings.Contains(r.Stderr, "1 of 3") {
		t.Errorf("stderr = %q", r.Stderr)
	}
	hydra(t, "client", "get", a.ClientID).wantCode(t, 1)
	hydra(t, "client", "get", b.ClientID).wantCode(t, 1)
}

func TestClientGetMany(t *testing.T) {
	a, b := newClient(t, "x"), newClient(t, "y")
	r := hydra(t, "client", "get", a.ClientID, b.ClientID)
	r.wantCode(t, 0)
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || len(got) != 2 {
		t.Fatalf("get with two IDs should print a JSON array of two: %v\n%s", err, r.Stdout)
	}
	if got[0]["client_id"] != a.ClientID || got[1]["scope"] != "y" {
		t.Errorf("got %v", got)
	}
	r = hydra(t, "client", "get", a.ClientID, b.ClientID, "--format", "table")
	r.wantCode(t, 0)
	if !strings.HasPrefix(r.Stdout, "CLIENT ID") || strings.Count(r.Stdout, "\n") != 3 {
		t.Errorf("table:\n%s", r.Stdout)
	}
}

// TestClientListPages creates more clients than Hydra's default page of 250,
// through one import of a generated array (auth method "none", so that
// Hydra hashes no secrets and the import is quick), then lists them.
func TestClientListPages(t *testing.T) {
	const n = 260
	owner := "pages-test"
	var docs []map[string]any
	for i := range n {
		docs = append(docs, map[string]any{
			"client_id": fmt.Sprintf("page-client-%03d", i), "client_name": fmt.Sprintf("page %d", i),
			"owner": owner, "token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code"},
		})
	}
	b, _ := json.Marshal(docs)
	r := run{Env: serverEnv(), Stdin: string(b)}.hydra(t, "client", "import", "-", "-q")
	r.wantCode(t, 0)
	ids := strings.Fields(r.Stdout)
	if len(ids) != n {
		t.Fatalf("import -q printed %d IDs, want %d", len(ids), n)
	}
	t.Cleanup(func() { hydra(t, args([]string{"client", "delete"}, ids...)...).wantCode(t, 0) })

	// All pages, by default: every client, each once.
	r = hydra(t, "client", "list", "--format", "json")
	r.wantCode(t, 0)
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil {
		t.Fatalf("list --format json is not one array: %v", err)
	}
	// Other tests' clients may be listed too, so this is a lower bound.
	if len(all) < n {
		t.Fatalf("list returned %d clients, want at least %d", len(all), n)
	}
	seen := map[string]int{}
	for _, c := range all {
		seen[c["client_id"].(string)]++
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("client %s listed %d times, want once", id, seen[id])
		}
	}

	// Hydra v2's spelling fetches one page of 100, as its CLI does: the
	// table has a header, a row per client of the page, and Hydra v2's
	// three page rows (an empty one, NEXT PAGE TOKEN and IS LAST PAGE).
	r = hydra(t, "list", "oauth2-clients")
	r.wantCode(t, 0)
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	last := strings.Fields(lines[len(lines)-1])
	if !strings.HasPrefix(lines[0], "CLIENT ID") || len(lines) != 100+4 || strings.Join(last, " ") != "IS LAST PAGE false" {
		t.Errorf("table has %d lines for a page of 100 of %d clients; header %q, last %q", len(lines), len(all), lines[0], lines[len(lines)-1])
	}

	// One page of 100, with the next token on stderr.
	r = hydra(t, "client", "list", "--page-size", "100", "-q")
	r.wantCode(t, 0)
	first := strings.Fields(r.Stdout)
	if len(first) != 100 {
		t.Fatalf("--page-size 100 printed %d IDs", len(first))
	}
	token, ok := strings.CutPrefix(strings.TrimSpace(r.Stderr), "next page: --page-token ")
	if !ok || token == "" {
		t.Fatalf("stderr should carry the next page token, got %q", r.Stderr)
	}
	r = hydra(t, "client", "list", "--page-size", "100", "--page-token", token, "-q")
	r.wantCode(t, 0)
	second := strings.Fields(r.Stdout)
	if len(second) != 100 || slices.Contains(first, second[0]) {
		t.Errorf("the second page should hold 100 other clients, got %d starting with %q", len(second), second[0])
	}
}

func TestClientIDCompletion(t *testing.T) {
	c, err := srv.CreateClient(map[string]any{"client_id": "complete-me-1", "client_name": "Completion", "token_endpoint_auth_method": "none"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
	for _, argv := range [][]string{
		{"__complete", "client", "get", "complete-me"},
		{"__complete", "clients", "delete", "other-id", "complete-me"},
		{"__complete", "client", "update", "complete-me"},
		{"__complete", "get", "oauth2-client", "complete-me"},
	} {
		r := hydra(t, argv...)
		r.wantCode(t, 0)
		if !strings.HasPrefix(r.Stdout, "complete-me-1\tCompletion\n:4\n") {
			t.Errorf("%v: completions = %q", argv[1:], r.Stdout)
		}
	}
	// update takes one ID: nothing to complete after it.
	r := hydra(t, "__complete", "client", "update", c.ClientID, "")
	if strings.Contains(r.Stdout, "complete-me-1") {
		t.Errorf("update completed a second ID: %q", r.Stdout)
	}
	// An unreachable endpoint offers nothing, silently and quickly.
	r = run{Env: map[string]string{"HYDRA_ADMIN_URL": "http://127.0.0.1:1"}}.hydra(t, "__complete", "client", "get", "")
	r.wantCode(t, 0)
	if r.Stdout != ":4\n" {
		t.Errorf("completions with no server = %q", r.Stdout)
	}
}

// TestClientCreateV1Flags creates a client with Hydra v1's long flag names,
// as a v1 script would, and checks every field landed.
func TestClientCreateV1Flags(t *testing.T) {
	r := hydra(t, "clients", "create", "--format", "json", "--name", "v1 app",
		"--callbacks", "http://127.0.0.1:5555/cb", "--grant-types", "authorization_code,refresh_token",
		"--response-types", "code,id_token", "--allowed-cors-origins", "https://app.example",
		"--post-logout-callbacks", "http://127.0.0.1:5555/bye", "-a", "openid offline")
	r.wantCode(t, 0)
	got := decodeClient(t, r.Stdout)
	t.Cleanup(func() { hydra(t, "client", "delete", got["client_id"].(string)) })
	for k, want := range map[string]any{
		"client_name": "v1 app", "redirect_uris": []any{"http://127.0.0.1:5555/cb"},
		"grant_types": []any{"authorization_code", "refresh_token"}, "response_types": []any{"code", "id_token"},
		"allowed_cors_origins": []any{"https://app.example"}, "post_logout_redirect_uris": []any{"http://127.0.0.1:5555/bye"},
		"scope": "openid offline",
	} {
		if !reflect.DeepEqual(got[k], want) {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
}

func TestClientUsageErrors(t *testing.T) {
	for _, argv := range [][]string{
		{"client", "frobnicate"},
		{"client", "get"},
		{"client", "update", "some-id"},
		{"client", "create", "--metadata", "not json"},
		{"client", "list", "--page-size", "0"},
		{"client", "import"},
		{"client", "create", "--format", "xml"},
	} {
		r := hydra(t, argv...)
		r.wantCode(t, 2)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "--help") {
			t.Errorf("%v: stdout %q, stderr %q", argv, r.Stdout, r.Stderr)
		}
	}
}
