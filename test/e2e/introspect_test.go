package e2e

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestIntrospectActiveToken(t *testing.T) {
	c, tok := accessToken(t, "read", "write")
	r := hydra(t, "token", "introspect", tok)
	r.wantCode(t, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.Stdout)
	}
	if got["active"] != true || got["client_id"] != c.ClientID || got["scope"] != "read write" {
		t.Errorf("unexpected introspection: %v", got)
	}
	if _, ok := got["AdditionalProperties"]; ok {
		t.Errorf("output carries a spurious AdditionalProperties key: %s", r.Stdout)
	}
	// Hydra v1's spelling: Hydra v1's JSON, tab-indented, the members of
	// its introspection model in its order (test/parity proves its bytes).
	if !strings.HasPrefix(r.Stdout, "{\n\t\"active\": true,\n\t\"aud\": ") {
		t.Errorf("default output is not Hydra v1's JSON:\n%s", r.Stdout)
	}
	if r.Stderr != "" {
		t.Errorf("stderr should be empty, got:\n%s", r.Stderr)
	}
}

func TestIntrospectInactiveIsAValidAnswer(t *testing.T) {
	for _, tok := range []string{"garbage", "ory_at_notarealtoken.notarealsignature"} {
		r := hydra(t, "token", "introspect", "--format", "json", tok)
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) != `{"active":false}` {
			t.Errorf("stdout = %q, want {\"active\":false}", r.Stdout)
		}
		r = hydra(t, "token", "introspect", "--require-active", tok)
		r.wantCode(t, 3)
		if !strings.Contains(r.Stderr, "not active") {
			t.Errorf("stderr should say the token is not active:\n%s", r.Stderr)
		}
	}
}

func TestIntrospectRequireActive(t *testing.T) {
	_, tok := accessToken(t, "read")
	hydra(t, "token", "introspect", "--require-active", tok).wantCode(t, 0)
}

func TestIntrospectScopeMismatch(t *testing.T) {
	_, tok := accessToken(t, "read")
	r := hydra(t, "token", "introspect", "--scope", "write", "--format", "json", tok)
	r.wantCode(t, 0)
	if strings.TrimSpace(r.Stdout) != `{"active":false}` {
		t.Errorf("a token without the scope should be inactive, got %s", r.Stdout)
	}
	hydra(t, "token", "introspect", "--scope", "write", "--require-active", tok).wantCode(t, 3)
	hydra(t, "token", "introspect", "--scope", "read", "--require-active", tok).wantCode(t, 0)
}

func TestIntrospectFormats(t *testing.T) {
	c, tok := accessToken(t, "read", "write")
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"json", func(t *testing.T, out string) {
			if strings.Count(out, "\n") != 1 || !json.Valid([]byte(out)) {
				t.Errorf("json should be one compact line:\n%s", out)
			}
		}},
		{"json-pretty", func(t *testing.T, out string) {
			if !strings.Contains(out, "\n  \"client_id\": \""+c.ClientID+"\"") {
				t.Errorf("json-pretty should be indented:\n%s", out)
			}
		}},
		{"yaml", func(t *testing.T, out string) {
			var v map[string]any
			if err := yaml.Unmarshal([]byte(out), &v); err != nil || v["client_id"] != c.ClientID || v["active"] != true {
				t.Errorf("yaml did not round-trip (%v):\n%s", err, out)
			}
			if !strings.HasPrefix(out, "active: true\n") {
				t.Errorf("yaml should keep the server's key order:\n%s", out)
			}
		}},
		{"table", func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "ACTIVE") || !strings.Contains(lines[1], c.ClientID) {
				t.Errorf("table should be a header and one row:\n%s", out)
			}
		}},
		{"jsonpath=client_id", func(t *testing.T, out string) {
			if out != c.ClientID+"\n" {
				t.Errorf("gjson path: got %q", out)
			}
		}},
		{"jsonpath=$.client_id", func(t *testing.T, out string) {
			if out != c.ClientID+"\n" {
				t.Errorf("RFC 9535 path: got %q", out)
			}
		}},
		{"jsonpointer=/scope", func(t *testing.T, out string) {
			if out != "read write\n" {
				t.Errorf("JSON pointer: got %q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r := hydra(t, "token", "introspect", "--format", tt.format, tok)
			r.wantCode(t, 0)
			tt.check(t, r.Stdout)
		})
	}
}

func TestIntrospectUnknownFormat(t *testing.T) {
	r := hydra(t, "token", "introspect", "--format", "xml", "whatever")
	r.wantCode(t, 2)
	if r.Stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.Stdout)
	}
	for _, want := range []string{`"xml"`, "json, json-pretty, yaml, table, jsonpath=EXPR, jsonpointer=PTR"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr should contain %q:\n%s", want, r.Stderr)
		}
	}
}

func TestIntrospectV2Spelling(t *testing.T) {
	c, tok := accessToken(t, "read")
	r := hydra(t, "introspect", "token", "--format", "jsonpath=client_id", tok)
	r.wantCode(t, 0)
	// JSON-encoded, as Hydra v2's CLI prints a jsonpath value.
	if r.Stdout != `"`+c.ClientID+`"`+"\n" {
		t.Errorf("got %q", r.Stdout)
	}
}

func TestIntrospectTokenFromStdin(t *testing.T) {
	c, tok := accessToken(t, "read")
	r := run{Env: serverEnv(), Stdin: tok + "\n"}.hydra(t, "token", "introspect", "--format", "jsonpath=client_id", "-")
	r.wantCode(t, 0)
	if r.Stdout != c.ClientID+"\n" {
		t.Errorf("got %q", r.Stdout)
	}
}

func TestIntrospectEndpointEnvironment(t *testing.T) {
	c, tok := accessToken(t, "read")
	dead := "http://127.0.0.1:1" // nothing listens on port 1
	tests := []struct {
		name string
		env  map[string]string
		args []string
		ok   bool
	}{
		{"HYDRA_ADMIN_URL", map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL}, nil, true},
		{"HYDRA_URL as v1's fallback", map[string]string{"HYDRA_URL": srv.AdminURL}, nil, true},
		{"ORY_SDK_URL", map[string]string{"ORY_SDK_URL": srv.AdminURL}, nil, true},
		{"HYDRA_ADMIN_URL before HYDRA_URL", map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL, "HYDRA_URL": dead}, nil, true},
		{"HYDRA_URL before ORY_SDK_URL", map[string]string{"HYDRA_URL": srv.AdminURL, "ORY_SDK_URL": dead}, nil, true},
		{"--endpoint before all", map[string]string{"HYDRA_ADMIN_URL": dead, "HYDRA_URL": dead, "ORY_SDK_URL": dead}, []string{"--endpoint", srv.AdminURL}, true},
		{"-e shorthand", nil, []string{"-e", srv.AdminURL}, true},
		{"HYDRA_ADMIN_URL wins over a good HYDRA_URL", map[string]string{"HYDRA_ADMIN_URL": dead, "HYDRA_URL": srv.AdminURL}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"token", "introspect", "--retries", "0", "--format", "jsonpath=client_id"}, tt.args...)
			r := run{Env: tt.env}.hydra(t, append(args, tok)...)
			if !tt.ok {
				r.wantCode(t, 1)
				return
			}
			r.wantCode(t, 0)
			if r.Stdout != c.ClientID+"\n" {
				t.Errorf("got %q", r.Stdout)
			}
		})
	}
}

func TestIntrospectNoEndpoint(t *testing.T) {
	r := run{}.hydra(t, "token", "introspect", "x")
	r.wantCode(t, 2)
	for _, want := range []string{"--endpoint", "HYDRA_ADMIN_URL", "4445"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr should mention %s:\n%s", want, r.Stderr)
		}
	}
}

func TestIntrospectErrors(t *testing.T) {
	// A port that nothing listens on: bind one and close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"connection refused names the URL", []string{"-e", closed, "--retries", "0"},
			[]string{"connection refused", closed + "/admin/oauth2/introspect", "--endpoint"}},
		{"public port instead of admin", []string{"-e", srv.PublicURL},
			[]string{"404 Not Found", "public API", "4445", "4444"}},
		{"plain HTTP port spoken to over TLS", []string{"-e", strings.Replace(srv.AdminURL, "http://", "https://", 1)},
			[]string{"TLS", "http://"}},
		{"non-JSON body shows status and an excerpt", []string{"-e", srv.PublicURL},
			[]string{"404 Not Found", `"404 page not found"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run{}.hydra(t, append(append([]string{"token", "introspect"}, tt.args...), "some-secret-token-value")...)
			r.wantCode(t, 1)
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.Stdout)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("stderr should contain %q:\n%s", want, r.Stderr)
				}
			}
			if strings.Contains(r.Stderr, "some-secret-token-value") {
				t.Errorf("stderr leaks the token:\n%s", r.Stderr)
			}
		})
	}
}

func TestIntrospectVerboseMasksSecrets(t *testing.T) {
	_, tok := accessToken(t, "read")
	bearer := "admin-bearer-value-123"
	r := run{Env: map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL, "OAUTH2_ACCESS_TOKEN": bearer}}.hydra(t,
		"token", "introspect", "-v", "-H", "X-Trace: a:b:c", tok)
	r.wantCode(t, 0)
	for _, want := range []string{"POST " + srv.AdminURL + "/admin/oauth2/introspect", "200 OK", "Authorization: Bearer ***", "token=***", "X-Trace: ***"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("trace should contain %q:\n%s", want, r.Stderr)
		}
	}
	// The values of -H headers are masked too: a header's name does not say
	// whether it carries a credential.
	for _, secret := range []string{tok, bearer, "a:b:c"} {
		if strings.Contains(r.Stderr, secret) || strings.Contains(r.Stdout, secret) {
			t.Errorf("output leaks a secret")
		}
	}
}

// A mistyped verb under a group is a usage error, never help with exit 0,
// so that TOKEN=$(hydra token clinet ...) fails in a script.
func TestMistypedSubcommandIsAUsageError(t *testing.T) {
	for _, argv := range [][]string{
		{"token", "introspec", "x"},
		{"token", "clinet"},
		{"clients", "lst"},
		{"create", "oauth2-clint"},
		{"perform", "client-credential"},
	} {
		r := hydra(t, argv...)
		r.wantCode(t, 2)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "unknown command") {
			t.Errorf("%v: stdout %q, stderr %q", argv, r.Stdout, r.Stderr)
		}
	}
	r := hydra(t, "token", "introspec", "x")
	if !strings.Contains(r.Stderr, "did you mean introspect?") {
		t.Errorf("no suggestion: %s", r.Stderr)
	}
}

// An endpoint with a path (a copy-paste of a full URL) gets advice to drop
// it, on either API.
func TestEndpointWithAPathIsExplained(t *testing.T) {
	r := run{}.hydra(t, "token", "introspect", "-e", srv.AdminURL+"/admin", "x")
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "has a path, /admin") || !strings.Contains(r.Stderr, "drop the path") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	r = run{Env: map[string]string{"OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": "a-secret-value"}}.hydra(t,
		"token", "client", "-e", srv.PublicURL+"/oauth2/token")
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "has a path, /oauth2/token") || r.Stdout != "" {
		t.Errorf("stdout %q, stderr: %s", r.Stdout, r.Stderr)
	}
}

// A jsonpath that selects nothing in an inactive token's answer is no
// failure: the answer is {"active":false}. --require-active still exits 3
// (issue 11, point 8).
func TestIntrospectSelectorMissOnInactiveToken(t *testing.T) {
	r := hydra(t, "token", "introspect", "--require-active", "--format", "jsonpath=sub", "garbage")
	r.wantCode(t, 3)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "not active") {
		t.Errorf("stdout %q, stderr:\n%s", r.Stdout, r.Stderr)
	}
	r = hydra(t, "token", "introspect", "--format", "jsonpointer=/sub", "garbage")
	r.wantCode(t, 0)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "not active") {
		t.Errorf("stdout %q, stderr:\n%s", r.Stdout, r.Stderr)
	}
	// An active token whose answer lacks the field is still a miss.
	_, tok := accessToken(t, "read")
	hydra(t, "token", "introspect", "--format", "jsonpath=nosuchfield", tok).wantCode(t, 1)
}

// White space around a token argument is trimmed, as for lines of stdin;
// a "Bearer " prefix is refused with a hint, never sent to come back
// inactive (issue 11).
func TestIntrospectTokenArgumentWhiteSpace(t *testing.T) {
	_, tok := accessToken(t, "read")
	r := hydra(t, "token", "introspect", "--format", "jsonpath=active", " "+tok+" \t")
	r.wantCode(t, 0)
	if r.Stdout != "true\n" {
		t.Errorf("stdout = %q, want true", r.Stdout)
	}
	r = hydra(t, "token", "introspect", "Bearer "+tok)
	r.wantCode(t, 2)
	if r.Stdout != "" || !strings.Contains(r.Stderr, `starts with "Bearer "`) || strings.Contains(r.Stderr, tok) {
		t.Errorf("stdout %q, stderr:\n%s", r.Stdout, r.Stderr)
	}
	// In a batch, the same token is answered with an error line.
	r = hydra(t, "token", "introspect", "Bearer "+tok, tok)
	r.wantCode(t, 1)
	if !strings.Contains(r.Stdout, `starts with \"Bearer \"`) || !strings.Contains(r.Stdout, `"active":true`) {
		t.Errorf("stdout:\n%s", r.Stdout)
	}
}
