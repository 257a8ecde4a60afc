package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"
	"go.yaml.in/yaml/v3"

	"github.com/hydratoken/hydra/test/hydratest"
)

// shownClients reads every client_id/client_secret YAML document in text,
// after any warning lines.
func shownClients(t *testing.T, text string) []hydratest.Client {
	t.Helper()
	var docs []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "warning:") || strings.HasPrefix(line, "note:") || strings.HasPrefix(line, "interrupted") {
			continue
		}
		docs = append(docs, line)
	}
	dec := yaml.NewDecoder(strings.NewReader(strings.Join(docs, "\n")))
	var out []hydratest.Client
	for {
		var m map[string]string
		if err := dec.Decode(&m); err != nil {
			break
		}
		if m["client_id"] != "" {
			out = append(out, hydratest.Client{ClientID: m["client_id"], ClientSecret: m["client_secret"]})
		}
	}
	return out
}

// tableColumn returns the display column at which s starts in line.
func tableColumn(t *testing.T, line, s string) int {
	t.Helper()
	i := strings.Index(line, s)
	if i < 0 {
		t.Fatalf("%q not in %q", s, line)
	}
	return uniseg.StringWidth(line[:i])
}

var ansiCodes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// colour runs the CLI with colour forced on, as on a terminal.
func colour(t *testing.T, args ...string) result {
	t.Helper()
	env := serverEnv()
	env["NO_COLOR"] = ""
	env["CLICOLOR_FORCE"] = "1"
	r := run{Env: env}.hydra(t, args...)
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, "\x1b[1m") {
		t.Fatalf("no bold header with CLICOLOR_FORCE=1:\n%q", r.Stdout)
	}
	r.Stdout = ansiCodes.ReplaceAllString(r.Stdout, "")
	return r
}

// Whatever the output format of create and import, the secret the server
// generated is shown, and it works at the token endpoint.
func TestClientCreateEveryFormatShowsTheSecret(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		// read returns the ID and secret the run showed.
		read func(t *testing.T, r result) hydratest.Client
	}{
		{"default", nil, func(t *testing.T, r result) hydratest.Client { return shownClients(t, r.Stdout)[0] }},
		{"json", []string{"--format", "json"}, func(t *testing.T, r result) hydratest.Client {
			var c hydratest.Client
			json.Unmarshal([]byte(r.Stdout), &c)
			return c
		}},
		{"yaml", []string{"--format", "yaml"}, func(t *testing.T, r result) hydratest.Client {
			var m map[string]any
			yaml.Unmarshal([]byte(r.Stdout), &m)
			id, _ := m["client_id"].(string)
			secret, _ := m["client_secret"].(string)
			return hydratest.Client{ClientID: id, ClientSecret: secret}
		}},
		{"table", []string{"--format", "table"}, func(t *testing.T, r result) hydratest.Client {
			lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
			if len(lines) != 2 || !strings.HasSuffix(lines[0], "SECRET") {
				t.Fatalf("want a header with a SECRET column and a row:\n%s", r.Stdout)
			}
			f := strings.Fields(lines[1])
			return hydratest.Client{ClientID: f[0], ClientSecret: f[len(f)-1]}
		}},
		{"jsonpath of another field", []string{"--format", "jsonpath=client_name"}, func(t *testing.T, r result) hydratest.Client {
			if strings.TrimSpace(r.Stdout) != "formats" {
				t.Errorf("stdout = %q", r.Stdout)
			}
			return shownClients(t, r.Stderr)[0]
		}},
		{"quiet", []string{"-q"}, func(t *testing.T, r result) hydratest.Client {
			c := shownClients(t, r.Stderr)[0]
			if strings.TrimSpace(r.Stdout) != c.ClientID {
				t.Errorf("stdout = %q, stderr shows %s", r.Stdout, c.ClientID)
			}
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := hydra(t, append([]string{"client", "create", "-n", "formats", "-g", "client_credentials", "-a", "read"}, tc.args...)...)
			r.wantCode(t, 0)
			r.assertClean(t)
			c := tc.read(t, r)
			if c.ClientID == "" || c.ClientSecret == "" {
				t.Fatalf("no ID or secret shown:\nstdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
			}
			t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
			if _, err := srv.ClientCredentials(c, "read"); err != nil {
				t.Errorf("the shown secret does not work: %v", err)
			}
		})
	}
}

func TestClientImportTableShowsTheSecrets(t *testing.T) {
	doc := `[{"client_name":"imp 1","grant_types":["client_credentials"]},{"client_name":"imp 2","grant_types":["client_credentials"]}]`
	r := run{Env: serverEnv(), Stdin: doc}.hydra(t, "client", "import", "-", "--format", "table")
	r.wantCode(t, 0)
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "SECRET") {
		t.Fatalf("table:\n%s", r.Stdout)
	}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		c := hydratest.Client{ClientID: f[0], ClientSecret: f[len(f)-1]}
		t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
		if _, err := srv.ClientCredentials(c); err != nil {
			t.Errorf("row %q: the secret does not work: %v", l, err)
		}
	}
}

// A selector that selects nothing after the client was created is a
// warning: exit 0, and the ID and secret on stderr, so that a script does
// not retry and create a duplicate.
func TestClientCreateSelectorMissIsAWarning(t *testing.T) {
	for _, f := range []string{"jsonpath=$.no_such_field", "jsonpointer=/no_such_field"} {
		r := hydra(t, "client", "create", "-g", "client_credentials", "--format", f)
		r.wantCode(t, 0)
		shown := shownClients(t, r.Stderr)
		if r.Stdout != "" || len(shown) != 1 || !strings.Contains(r.Stderr, "selects nothing") {
			t.Fatalf("%s: stdout %q, stderr:\n%s", f, r.Stdout, r.Stderr)
		}
		t.Cleanup(func() { hydra(t, "client", "delete", shown[0].ClientID) })
		if _, err := srv.ClientCredentials(shown[0]); err != nil {
			t.Errorf("%s: the secret on stderr does not work: %v", f, err)
		}
	}
}

// The default output is YAML that reads back as the IDs Hydra stored.
func TestClientCreateOutputIsValidYAML(t *testing.T) {
	ids := []string{"a: b", "yes", "123", "x #c", "off"}
	var docs []map[string]any
	for i, id := range ids {
		docs = append(docs, map[string]any{"client_id": fmt.Sprintf("%s %d", id, i), "grant_types": []string{"client_credentials"}})
		ids[i] = fmt.Sprintf("%s %d", id, i)
	}
	// And the bare IDs, which YAML misreads most, one at a time.
	bare := []string{"yes", "123"}
	b, _ := json.Marshal(docs)
	r := run{Env: serverEnv(), Stdin: string(b)}.hydra(t, "client", "create", "--file", "-")
	r.wantCode(t, 0)
	t.Cleanup(func() { hydra(t, args([]string{"client", "delete"}, ids...)...) })
	for _, id := range bare {
		rb := hydra(t, "client", "create", "--id", id, "-g", "client_credentials")
		rb.wantCode(t, 0)
		t.Cleanup(func() { hydra(t, "client", "delete", id) })
		r.Stdout += "---\n" + rb.Stdout
		ids = append(ids, id)
	}
	dec := yaml.NewDecoder(strings.NewReader(r.Stdout))
	for _, id := range ids {
		var got map[string]any
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, r.Stdout)
		}
		if got["client_id"] != id {
			t.Errorf("read back client_id %#v, want %q\n%s", got["client_id"], id, r.Stdout)
		}
		if s, _ := got["client_secret"].(string); s == "" {
			t.Errorf("%q: no secret", id)
		} else if _, err := srv.ClientCredentials(hydratest.Client{ClientID: id, ClientSecret: s}); err != nil {
			t.Errorf("%q: the secret does not work: %v", id, err)
		}
	}
}

// Colour on, as on a terminal, and wide characters in names: the columns
// stay aligned.
func TestTablesAlignWithColourAndWideNames(t *testing.T) {
	owner := "align-" + strings.ReplaceAll(t.Name(), "/", "-")
	var ids []string
	for _, name := range []string{"日本語のクライアント", "emoji 🚀🚀 app", "plain"} {
		c, err := srv.CreateClient(map[string]any{"client_name": name, "owner": owner, "grant_types": []string{"client_credentials"}, "scope": "e2e-align-scope"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ClientID)
		t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
	}
	check := func(what string, r result, header string, rowHas func(string) bool, cell string) {
		t.Helper()
		lines := strings.Split(r.Stdout, "\n")
		want := tableColumn(t, lines[0], header)
		n := 0
		for _, l := range lines[1:] {
			if rowHas(l) {
				n++
				if got := tableColumn(t, l, cell); got != want {
					t.Errorf("%s: %q starts at column %d, its header %q at %d:\n%s", what, cell, got, header, want, r.Stdout)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no row to check:\n%s", what, r.Stdout)
		}
	}
	ours := func(l string) bool { return strings.Contains(l, owner) }
	check("client list", colour(t, "client", "list"), "GRANT TYPES", ours, "client_credentials")
	check("client list", colour(t, "client", "list"), "OWNER", ours, owner)
	check("client get", colour(t, args([]string{"client", "get", "--format", "table"}, ids...)...), "OWNER", ours, owner)

	c, err := srv.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "scope": "e2e-align-scope"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
	env := serverEnv()
	env["NO_COLOR"], env["CLICOLOR_FORCE"] = "", "1"
	env["OAUTH2_CLIENT_ID"], env["OAUTH2_CLIENT_SECRET"] = c.ClientID, c.ClientSecret
	r := run{Env: env}.hydra(t, "token", "client", "--scope", "e2e-align-scope", "--format", "table")
	r.wantCode(t, 0)
	r.Stdout = ansiCodes.ReplaceAllString(r.Stdout, "")
	check("token client", r, "VALUE", func(l string) bool { return strings.HasPrefix(l, "scope") }, "e2e-align-scope")

	tok, err := srv.ClientCredentials(c, "e2e-align-scope")
	if err != nil {
		t.Fatal(err)
	}
	check("token introspect", colour(t, "token", "introspect", "--format", "table", tok.AccessToken), "SCOPE", func(l string) bool { return strings.HasPrefix(l, "true") }, "e2e-align-scope")
}

// jsonpath=$.* prints the members in the server's order, the same on
// every run.
func TestClientJSONPathKeepsTheServersOrder(t *testing.T) {
	c := newClient(t, "read")
	t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
	r := hydra(t, "client", "get", c.ClientID, "--format", "json")
	r.wantCode(t, 0)
	// The server's order of the top-level members, and their values.
	dec := json.NewDecoder(strings.NewReader(r.Stdout))
	dec.Token()
	var want []string
	for dec.More() {
		dec.Token()
		var v json.RawMessage
		dec.Decode(&v)
		var s string
		if v[0] == '"' && json.Unmarshal(v, &s) == nil {
			want = append(want, s)
		} else {
			want = append(want, string(v))
		}
	}
	for range 5 {
		r := hydra(t, "client", "get", c.ClientID, "--format", "jsonpath=$.*")
		r.wantCode(t, 0)
		got := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
		if len(got) != len(want) {
			t.Fatalf("%d values, want %d:\n%s", len(got), len(want), r.Stdout)
		}
		for i := range want {
			var a, b any
			if json.Unmarshal([]byte(got[i]), &a) != nil || json.Unmarshal([]byte(want[i]), &b) != nil {
				a, b = got[i], want[i]
			}
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("value %d is %s, the server's is %s", i, got[i], want[i])
			}
		}
	}
}

// An empty list is an empty result. It needs a Hydra without clients.
func TestClientListEmptyWithSelector(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	empty, err := hydratest.Start(ctx, hydratest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Stop()
	env := map[string]string{"HYDRA_ADMIN_URL": empty.AdminURL}
	for _, f := range []string{"jsonpath=$[*].client_id", "jsonpointer=/0/client_id"} {
		r := run{Env: env}.hydra(t, "client", "list", "--format", f)
		r.wantCode(t, 0)
		if r.Stdout != "" || r.Stderr != "" {
			t.Errorf("%s: stdout %q, stderr %q", f, r.Stdout, r.Stderr)
		}
	}
}

func TestClientCreateRoughEdges(t *testing.T) {
	dir := t.TempDir()

	// A byte order mark, as Windows editors write, is accepted.
	bom := filepath.Join(dir, "bom.json")
	os.WriteFile(bom, []byte("\ufeff{\"client_name\":\"bom\",\"grant_types\":[\"client_credentials\"]}"), 0o600)
	r := hydra(t, "client", "import", bom, "-q")
	r.wantCode(t, 0)
	id := strings.TrimSpace(r.Stdout)
	t.Cleanup(func() { hydra(t, "client", "delete", id) })

	// A taken ID from a file: the advice names the file, not --id.
	taken := filepath.Join(dir, "taken.json")
	os.WriteFile(taken, []byte(fmt.Sprintf(`{"client_id":%q}`, id)), 0o600)
	r = hydra(t, "client", "create", "--file", taken)
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "Change the client_id in "+taken) || strings.Contains(r.Stderr, "--id") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}

	// HYDRA_CLIENT_SECRET gives the secret: a note says so.
	env := serverEnv()
	env["HYDRA_CLIENT_SECRET"] = "from-the-environment"
	r = run{Env: env}.hydra(t, "client", "create", "-g", "client_credentials", "-q")
	r.wantCode(t, 0)
	envID := strings.TrimSpace(r.Stdout)
	t.Cleanup(func() { hydra(t, "client", "delete", envID) })
	if !strings.Contains(r.Stderr, "note: the client secret comes from HYDRA_CLIENT_SECRET") || strings.Contains(r.Stderr, "from-the-environment") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}

	// import -q: one warning for all the generated secrets, not one per
	// client; the secrets themselves follow on stderr.
	doc := `[{"grant_types":["client_credentials"]},{"grant_types":["client_credentials"]},{"grant_types":["client_credentials"]}]`
	r = run{Env: serverEnv(), Stdin: doc}.hydra(t, "client", "import", "-", "-q")
	r.wantCode(t, 0)
	got := strings.Fields(r.Stdout)
	t.Cleanup(func() { hydra(t, args([]string{"client", "delete"}, got...)...) })
	shown := shownClients(t, r.Stderr)
	if len(got) != 3 || len(shown) != 3 || strings.Count(r.Stderr, "warning:") != 2 {
		t.Errorf("stdout %q, stderr:\n%s", r.Stdout, r.Stderr)
	}
	for _, c := range shown {
		if !slices.Contains(got, c.ClientID) {
			t.Errorf("stderr shows %s, which stdout lacks", c.ClientID)
		}
	}
}

// A selector miss after an update is a warning too: the update was applied.
func TestClientUpdateSelectorMissIsAWarning(t *testing.T) {
	c := newClient(t, "read")
	t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
	r := hydra(t, "client", "update", c.ClientID, "-n", "renamed by update", "--format", "jsonpath=$.no_such_field")
	r.wantCode(t, 0)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "was updated, but --format") {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	r = hydra(t, "client", "get", c.ClientID, "--format", "jsonpath=client_name")
	if strings.TrimSpace(r.Stdout) != "renamed by update" {
		t.Errorf("the update was not applied: %q", r.Stdout)
	}
}
