package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hydratoken/hydra/test/hydratest"
)

// The rule (issue 24, docs/v1-v2-command-map.md "Output"): under Hydra's
// spellings, stdout is Hydra's CLI's byte for byte in the default format,
// table, jsonpath, jsonpointer and with -q, and the exit status is the same
// (0, or not 0). For json, json-pretty and yaml, the document has the
// same shape and values: every member Hydra's CLI prints is there with the
// same value; members that the server returns and Hydra's CLI drops may
// stay. stderr may differ.
//
// A case is one command line, run by Hydra's CLI and by this tool with the
// same arguments against the same server, one after the other, so that both
// see the same objects. The cases run in order, not in parallel: a list
// must see the same clients in both runs.

// pcase is one command line run by both CLIs.
type pcase struct {
	// version is the Hydra whose CLI is the reference.
	version string
	// args are the arguments, where {admin} and {public} are the server's
	// APIs, {client}, {secret} and {token} the shared client, its secret
	// and an access token of it, and {new-client} and {new-token} a client
	// and a token made afresh for each run (for a delete or a revoke),
	// {clients-file} a file holding importClients, and {client-file} a file
	// holding importClient (its name replaced by <CLIENT-FILE> in the output).
	args []string
	// stdin is what the CLIs read on stdin.
	stdin string
	// signIn says that the command runs a device flow: the test plays the
	// person, who opens the complete verification URL that the CLI shows
	// on stderr and signs in through the server's verification app
	// (hydratest.DevicePerson), while the CLI polls.
	signIn bool
	// env are environment variables set for both CLIs, their values
	// filled in as args are ({admin}, {public}).
	env map[string]string
}

// name is the case's name in the test's output and in the lists below.
func (c pcase) name() string {
	n := c.version + " " + strings.Join(c.args, " ")
	if len(c.env) > 0 {
		var env []string
		for k, v := range c.env {
			env = append(env, k+"="+v)
		}
		slices.Sort(env)
		n = strings.Join(env, " ") + " " + n
	}
	return n
}

// importClients is a file of clients to import, as Hydra's import takes:
// an array, each with its secret, so that nothing is generated.
const importClients = `[{"client_name":"Imported","grant_types":["client_credentials"],"client_secret":"imported-secret-1","scope":"read"}]`

// importClient is a file of one client, as Hydra v1's import takes it: a
// JSON object, without a secret, so that the server generates one.
const importClient = `{"client_name":"Imported one","grant_types":["client_credentials"],"scope":"read"}`

func v2(args ...string) pcase { return pcase{version: hydratest.HydraVersion, args: args} }
func v1(args ...string) pcase { return pcase{version: hydratest.HydraV1, args: args} }

// formats expands args into one case per output format of Hydra v2's
// CLI: the default, table, json, json-pretty, yaml, and each of extra
// (such as jsonpath=client_name or -q).
func formats(mk func(...string) pcase, args []string, extra ...string) []pcase {
	var cs []pcase
	for _, f := range append([]string{"", "table", "json", "json-pretty", "yaml"}, extra...) {
		a := slices.Clone(args)
		switch {
		case f == "":
		case f == "-q":
			a = append(a, "-q")
		default:
			a = append(a, "--format", f)
		}
		cs = append(cs, mk(a...))
	}
	return cs
}

// caseSet is one area's cases, in a file of its own (cases_*_test.go),
// so that the areas can grow apart.
type caseSet struct {
	name  string
	cases func() []pcase
	// known are the cases of the set whose output does not match Hydra's
	// CLI yet (issue 24): see knownDifferences.
	known []string
	// knownFrom, when set, adds known cases computed when the test runs,
	// after every set has registered: for a set whose cases derive from
	// the others' (cases_v26_test.go).
	knownFrom func() []string
}

// caseSets are the areas, registered by the init of each cases_*_test.go,
// in the order of their file names.
var caseSets []caseSet

// cases are every command line the suite runs. Add a command's cases to
// its area's file; a command of Hydra's CLI with no case is listed by
// TestEveryHydraCommandHasACase.
func cases() []pcase {
	var cs []pcase
	for _, set := range caseSets {
		cs = append(cs, set.cases()...)
	}
	return cs
}

// drivenCases are the command lines of cases of another kind, which their
// own tests run (such as the flows a test drives as a browser while the CLI
// runs, cases_authcode_test.go), for TestEveryHydraCommandHasACase.
var drivenCases []func() []pcase

// knownDifferences returns the cases whose output does not match Hydra's
// CLI yet (issue 24), gathered from each set's known list. The test logs
// them; a listed case that starts matching fails the test, so that the
// lists only shrink: remove it from its set's list.
func knownDifferences() map[string]bool {
	m := map[string]bool{}
	for _, set := range caseSets {
		for _, n := range set.known {
			m[n] = true
		}
		if set.knownFrom != nil {
			for _, n := range set.knownFrom() {
				m[n] = true
			}
		}
	}
	return m
}

// intentional are the differences kept on purpose, because Hydra's output
// is a bug there: each names the sentence of docs/v1-v2-command-map.md
// that says why (TestIntentionalDifferencesAreDocumented checks that the
// document has it).
var intentional = map[string]string{
	"v1.11.10 clients get --endpoint {admin}":                                                                                    "prints its usage on stdout and exits 0",
	"v1.11.10 clients update --endpoint {admin} {new-client}":                                                                    "resets every field it is not given",
	"v1.11.10 clients get --endpoint {admin} {client} {new-client}":                                                              "prints the first client only",
	"v1.11.10 clients create --endpoint {admin} -g client_credentials --secret given-secret-1":                                   "warns on stdout",
	"v1.11.10 clients update --endpoint {admin} {new-client} --secret updated-secret-1":                                          "warns on stdout",
	"v1.11.10 clients import --endpoint {admin} {clients-file}":                                                                  "refuses a file that holds an array of clients",
	"v2.3.0 import oauth2-client -e {admin} {clients-file} --format json":                                                        "`registration_client_uri` without the client's ID",
	"v2.3.0 import oauth2-client -e {admin} {clients-file} --format json-pretty":                                                 "`registration_client_uri` without the client's ID",
	"v2.3.0 import oauth2-client -e {admin} {clients-file} --format yaml":                                                        "`registration_client_uri` without the client's ID",
	"v2.3.0 import oauth2-client -e {admin} {clients-file} {clients-file} --format json":                                         "`registration_client_uri` without the client's ID",
	"v2.3.0 import oauth2-client -e {admin} {clients-file} {clients-file} --format json-pretty":                                  "`registration_client_uri` without the client's ID",
	"v2.3.0 import oauth2-client -e {admin} {clients-file} {clients-file} --format yaml":                                         "`registration_client_uri` without the client's ID",
	"v2.3.0 create oauth2-client -e {admin} --grant-type client_credentials --scope read,write --name Made --format json":        "`registration_client_uri` without the client's ID",
	"v2.3.0 create oauth2-client -e {admin} --grant-type client_credentials --scope read,write --name Made --format json-pretty": "`registration_client_uri` without the client's ID",
	"v2.3.0 create oauth2-client -e {admin} --grant-type client_credentials --scope read,write --name Made --format yaml":        "`registration_client_uri` without the client's ID",
	"v2.3.0 update oauth2-client -e {admin} {new-client} --grant-type client_credentials --name Updated":                         "replaces the whole client",
	"v2.3.0 update oauth2-client -e {admin} {new-client} --grant-type client_credentials --name Updated --format table":          "replaces the whole client",
	"v2.3.0 update oauth2-client -e {admin} {new-client} --grant-type client_credentials --name Updated --format json":           "replaces the whole client",
	"v2.3.0 update oauth2-client -e {admin} {new-client} --grant-type client_credentials --name Updated --format json-pretty":    "replaces the whole client",
	"v2.3.0 update oauth2-client -e {admin} {new-client} --grant-type client_credentials --name Updated --format yaml":           "replaces the whole client",
	"v2.3.0 list oauth2-clients -e {admin} --page-size 500 -q":                                                                   "prints the Go pointer address of each client ID",
	"v2.3.0 get oauth2-client -e {admin} {client} {new-client} -q":                                                               "prints the Go pointer address of each client ID",
	"v1.11.10 keys get --endpoint {admin} {new-set}":                                                                             "wraps its output in `{\"Payload\":…}`",
	"v1.11.10 keys create --endpoint {admin} {new-name} --alg ES256":                                                             "prints the new private keys on stdout",

	// cases_authcode_test.go: v1's token user, whose stdout must still match.
	"v1.11.10 token user --endpoint {public} --client-id {client} --client-secret {secret} --port {port} --no-open":                v1ExitsOnSuccess,
	"v1.11.10 token user --endpoint {public} --client-id {client} --client-secret {secret} --port {port} --no-open --scope openid": v1ExitsOnSuccess,
	"HYDRA_URL={public} ORY_SDK_URL={admin} v2.3.0 get oauth2-client {client}":                                                     "a v1 variable that disagrees with `ORY_SDK_URL`",
	"HYDRA_URL={admin} ORY_SDK_URL={public} v2.3.0 perform client-credentials --client-id {client} --client-secret {secret} -q":    "a v1 variable that disagrees with `ORY_SDK_URL`",
}

func TestParity(t *testing.T) {
	known := knownDifferences()
	var stillKnown, now []string
	for _, c := range cases() {
		c := c
		t.Run(c.name(), func(t *testing.T) {
			s := servers[c.version]
			theirs := s.run(t, s.bin, c)
			mine := s.run(t, ours, c)
			diff := compare(c, theirs, mine)
			reason, isIntentional := intentional[c.name()]
			switch {
			case diff == "" && known[c.name()]:
				t.Errorf("matches Hydra's CLI now: remove it from knownDifferences")
			case diff == "" && isIntentional:
				t.Errorf("matches Hydra's CLI now: remove it from intentional")
			case diff == "":
			case isIntentional:
				t.Logf("intentional difference (%s):\n%s", reason, diff)
			case known[c.name()]:
				stillKnown = append(stillKnown, c.name())
				t.Logf("known difference, issue 24:\n%s", diff)
			default:
				now = append(now, c.name())
				t.Errorf("differs from Hydra %s's CLI:\n%s", c.version, diff)
			}
		})
	}
	t.Logf("%d known differences (issue 24) remain", len(stillKnown))
	if len(now) > 0 && os.Getenv("PARITY_LIST") != "" {
		// PARITY_LIST=1 prints the failing cases as Go, to paste into
		// knownDifferences while the work is under way.
		var b strings.Builder
		for _, n := range now {
			fmt.Fprintf(&b, "\t%q: true,\n", n)
		}
		t.Logf("new differences:\n%s", b.String())
	}
}

// output is what one CLI did.
type output struct {
	stdout, stderr string
	ok             bool
}

// run runs bin with c's arguments filled in, after making the objects
// made afresh for each run, and returns its output with those objects'
// values replaced by placeholders.
func (s *server) run(t *testing.T, bin string, c pcase) output {
	t.Helper()
	fresh := map[string]string{}
	argv := make([]string, len(c.args))
	for i, a := range c.args {
		a = strings.NewReplacer("{admin}", s.AdminURL, "{public}", s.PublicURL, "{client}", s.client.ClientID,
			"{secret}", s.client.ClientSecret, "{token}", s.token).Replace(a)
		switch a {
		case "{new-client}":
			c, err := s.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "scope": "read"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ClientCredentials(c, "read"); err != nil {
				t.Fatal(err)
			}
			a, fresh[c.ClientID] = c.ClientID, "<NEW-CLIENT>"
		case "{new-set}":
			set := fmt.Sprintf("parity-set-%d", time.Now().UnixNano())
			body := strings.NewReader(`{"alg":"ES256","use":"sig","kid":"k1"}`)
			resp, err := s.HTTP.Post(s.AdminURL+s.AdminPrefix()+"/keys/"+set, "application/json", body)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 && resp.StatusCode != 201 {
				t.Fatalf("creating key set %s: %s", set, resp.Status)
			}
			a, fresh[set] = set, "<NEW-SET>"
		case "{new-name}":
			name := fmt.Sprintf("parity-name-%d", time.Now().UnixNano())
			a, fresh[name] = name, "<NEW-NAME>"
		case "{clients-file}":
			f, err := os.CreateTemp(home, "clients-*.json")
			if err != nil {
				t.Fatal(err)
			}
			defer os.Remove(f.Name())
			if _, err := f.WriteString(importClients); err != nil {
				t.Fatal(err)
			}
			f.Close()
			a = f.Name()
		case "{client-file}":
			f, err := os.CreateTemp(home, "client-*.json")
			if err != nil {
				t.Fatal(err)
			}
			defer os.Remove(f.Name())
			if _, err := f.WriteString(importClient); err != nil {
				t.Fatal(err)
			}
			f.Close()
			a, fresh[f.Name()] = f.Name(), "<CLIENT-FILE>"
		case "{new-token}":
			tok, err := s.ClientCredentials(s.client, "read")
			if err != nil {
				t.Fatal(err)
			}
			a, fresh[tok.AccessToken] = tok.AccessToken, "<NEW-TOKEN>"
		}
		argv[i] = a
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TZ=UTC", "NO_COLOR=1"}
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+strings.NewReplacer("{admin}", s.AdminURL, "{public}", s.PublicURL).Replace(v))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var person *hydratest.DevicePerson
	if c.signIn {
		person = s.DevicePerson()
		cmd.Stderr = io.MultiWriter(&stderr, person)
		// The person's browser is the test's: this tool opens none of
		// its own ($BROWSER does nothing), as Hydra's CLI opens none.
		cmd.Env = append(cmd.Env, "BROWSER=true")
	}
	cmd.Stdin = strings.NewReader(c.stdin)
	err := cmd.Run()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("running %s: %v", bin, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within the deadline", bin)
	}
	if person != nil {
		if err := person.Wait(); err != nil {
			t.Fatalf("%s: the person did not sign in: %v\n%s", bin, err, stderr.String())
		}
	}
	out := output{stdout: stdout.String(), stderr: stderr.String(), ok: err == nil}
	for v, p := range fresh {
		out.stdout = strings.ReplaceAll(out.stdout, v, p)
	}
	return out
}

// Values that each run generates, replaced by placeholders of their kind
// in both outputs. Each has a fixed length where Hydra makes it, so that
// the padding of a table, computed from the real values, still compares.
var generated = []struct {
	re   *regexp.Regexp
	with string
}{
	// A JWT, such as an ID token: first, since its parts are long enough
	// to hold what the patterns of opaque tokens match.
	{regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+`), "<JWT>"},
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "<UUID>"},
	{regexp.MustCompile(`ory_(at|rt|ac|ht)_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`), "<TOKEN>"},
	// Hydra v1's opaque tokens have no prefix: two 43-character halves.
	{regexp.MustCompile(`[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}`), "<TOKEN>"},
	// Go's time.Time String form, and RFC 3339.
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} [A-Z]+`), "<TIME>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "<TIME>"},
	// Hydra v26's page tokens are sealed anew for each request: two
	// lists of the same page name it with different tokens, of lengths
	// that vary. The token is its row's last cell, and sets only the
	// padding after itself and after IS LAST PAGE's value.
	{regexp.MustCompile(`(NEXT PAGE TOKEN\t+)[A-Za-z0-9_=-]{40,}\t*`), "${1}<PAGE-TOKEN>"},
	{regexp.MustCompile(`(IS LAST PAGE\t+)(true|false)\t*`), "${1}${2}"},
	// A secret the server generated, in Hydra v2's table.
	{regexp.MustCompile(`(CLIENT SECRET\t+)[A-Za-z0-9._~-]{20,}`), "${1}<SECRET>"},
	{regexp.MustCompile(`(OAuth 2.0 Client Secret: )\S+`), "${1}<SECRET>"},
	// Hydra v1's import: "Imported OAuth 2.0 Client ID:SECRET from: FILE".
	{regexp.MustCompile(`(Imported OAuth 2\.0 Client [^:\s]+:)\S+`), "${1}<SECRET>"},
}

// generatedMembers are the members of a JSON or YAML document whose value
// each run generates.
var generatedMembers = map[string]bool{
	"client_secret": true, "registration_access_token": true, "created_at": true, "updated_at": true,
	"expiry": true, "expires_in": true, "exp": true, "iat": true, "nbf": true,
	// Key material of a JSON Web Key made afresh for each run.
	"x": true, "y": true, "d": true, "n": true, "p": true, "q": true, "dp": true, "dq": true, "qi": true, "k": true,
}

func normalise(s string) string {
	for _, g := range generated {
		s = g.re.ReplaceAllString(s, g.with)
	}
	return s
}

// compare returns "" when mine follows the rule against theirs, or else
// what differs.
func compare(c pcase, theirs, mine output) string {
	var diffs []string
	if theirs.ok != mine.ok {
		diffs = append(diffs, fmt.Sprintf("exit status: Hydra's %s, ours %s", status(theirs.ok), status(mine.ok)))
	}
	if d := compareStdout(c, normalise(theirs.stdout), normalise(mine.stdout)); d != "" {
		diffs = append(diffs, d)
	}
	if len(diffs) == 0 {
		return ""
	}
	return strings.Join(diffs, "\n") + "\n--- Hydra's stdout:\n" + visible(theirs.stdout) + "--- our stdout:\n" + visible(mine.stdout) +
		"--- Hydra's stderr:\n" + theirs.stderr + "--- our stderr:\n" + mine.stderr
}

func status(ok bool) string {
	if ok {
		return "0"
	}
	return "non-zero"
}

// visible shows tabs as "→" and the end of each line as "$", as cat -A.
func visible(s string) string {
	s = strings.ReplaceAll(s, "\t", "→")
	s = strings.ReplaceAll(s, "\n", "$\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// docFormat returns the --format of args when it prints a document that
// compares as one (json, json-pretty, yaml), and "" otherwise.
func docFormat(args []string) string {
	if slices.Contains(args, "-q") {
		return ""
	}
	for i, a := range args {
		if a == "--format" && i+1 < len(args) {
			switch f := args[i+1]; f {
			case "json", "json-pretty", "yaml":
				return f
			}
		}
	}
	return ""
}

func compareStdout(c pcase, theirs, mine string) string {
	f := docFormat(c.args)
	if f == "" || strings.TrimSpace(theirs) == "" {
		if theirs != mine {
			return "stdout differs (byte for byte)"
		}
		return ""
	}
	want, err := parseDoc(f, theirs)
	if err != nil {
		if theirs != mine {
			return "stdout differs (Hydra's is not a document: " + err.Error() + ")"
		}
		return ""
	}
	got, err := parseDoc(f, mine)
	if err != nil {
		return "our stdout is not a " + f + " document: " + err.Error()
	}
	dropStray(want)
	if d := covers(got, want, "$"); d != "" {
		return "document differs: " + d
	}
	return ""
}

func parseDoc(format, s string) (any, error) {
	var v any
	if format == "yaml" {
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			return nil, err
		}
		// Through JSON, so that numbers and maps compare as JSON's.
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		s = string(b)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one document")
	}
	return v, nil
}

// strayMember is the member that Hydra v2's CLI adds to every object it
// prints from its SDK's types, a Go field leaking into the JSON: an
// intentional difference, in docs/v1-v2-command-map.md.
const strayMember = "AdditionalProperties"

// strayReason is how docs/v1-v2-command-map.md names strayMember.
const strayReason = "a stray `AdditionalProperties` member"

// dropStray removes strayMember from every object of v.
func dropStray(v any) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, strayMember)
		for _, m := range v {
			dropStray(m)
		}
	case []any:
		for _, m := range v {
			dropStray(m)
		}
	}
}

// covers reports where got lacks a member of want or has another value
// (after normalising generated values), or "" when it has them all. got may
// have members that want lacks.
func covers(got, want any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %s", path, short(got))
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv := w[k]
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s: missing (Hydra's: %s)", path, k, short(wv))
			}
			if generatedMembers[k] {
				if (wv == nil) != (gv == nil) {
					return fmt.Sprintf("%s.%s: %s, Hydra's %s", path, k, short(gv), short(wv))
				}
				continue
			}
			if d := covers(gv, wv, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: want %s, got %s", path, short(want), short(got))
		}
		for i := range w {
			if d := covers(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case string:
		if g, ok := got.(string); ok && normalise(g) == normalise(w) {
			return ""
		}
	default:
		if reflect.DeepEqual(got, want) {
			return ""
		}
	}
	return fmt.Sprintf("%s: %s, Hydra's %s", path, short(got), short(want))
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// TestIntentionalDifferencesAreDocumented checks that each intentional
// difference is in docs/v1-v2-command-map.md, with its reason.
func TestIntentionalDifferencesAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/v1-v2-command-map.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), strayReason) {
		t.Errorf("docs/v1-v2-command-map.md does not say %q", strayReason)
	}
	for name, reason := range intentional {
		if !strings.Contains(string(doc), reason) {
			t.Errorf("%s: docs/v1-v2-command-map.md does not say %q", name, reason)
		}
	}
}

// serverCommands are Hydra's commands that run or maintain the server, not
// a client of its APIs: this tool does not take their place.
var serverCommands = []string{"serve", "migrate", "janitor", "version", "completion", "help"}

// uncovered are the commands of Hydra's CLIs that no case runs yet (issue
// 24). TestEveryHydraCommandHasACase fails on a command neither covered
// nor listed here (one that a newer Hydra adds), and on a listed one that
// gained a case, so that this list only shrinks.
var uncovered = map[string]bool{}

// TestEveryHydraCommandHasACase walks the help of each Hydra's CLI and
// checks that every command it lists has a case, so that a command that a
// newer Hydra adds fails the suite until it is covered.
func TestEveryHydraCommandHasACase(t *testing.T) {
	covered := map[string]bool{}
	all := cases()
	for _, driven := range drivenCases {
		all = append(all, driven()...)
	}
	for _, c := range all {
		for n := 1; n <= len(c.args) && n <= 2; n++ {
			covered[c.version+" "+strings.Join(c.args[:n], " ")] = true
		}
	}
	for _, v := range versions {
		seen := map[string]bool{}
		for _, path := range leafCommands(t, servers[v].bin, nil) {
			name := v + " " + strings.Join(path, " ")
			if seen[name] {
				continue
			}
			seen[name] = true
			switch {
			case covered[name] && uncovered[name]:
				t.Errorf("%s has a case now: remove it from uncovered", name)
			case !covered[name] && !uncovered[name]:
				t.Errorf("%s has no case in the parity suite", name)
			case uncovered[name]:
				t.Logf("no case yet (issue 24): %s", name)
			}
		}
	}
}

// leafCommands returns the paths of the commands under path that have no
// subcommands, read from "<bin> <path> --help".
func leafCommands(t *testing.T, bin string, path []string) [][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(slices.Clone(path), "--help")...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s --help: %v", bin, strings.Join(path, " "), err)
	}
	_, list, found := strings.Cut(string(out), "Available Commands:\n")
	// Hydra v1's help of a leaf can repeat its parent's list: three
	// words are the deepest command of either CLI.
	if !found || len(path) == 3 {
		return [][]string{path}
	}
	list, _, _ = strings.Cut(list, "\n\n")
	var leaves [][]string
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || (len(path) == 0 && slices.Contains(serverCommands, f[0])) || f[0] == "help" || f[0] == "completion" {
			continue
		}
		leaves = append(leaves, leafCommands(t, bin, append(slices.Clone(path), f[0]))...)
	}
	return leaves
}
