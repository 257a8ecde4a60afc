package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestTokenClientThenIntrospectActive(t *testing.T) {
	c := newClient(t, "read write")
	r := run{Env: clientEnv(c)}.hydra(t, "token", "client", "--scope", "read", "--scope", "write")
	r.wantCode(t, 0)
	tok := r.oneLine(t)
	if r.Stderr != "" {
		t.Errorf("stderr should be empty, got:\n%s", r.Stderr)
	}
	in := wantActive(t, tok, true)
	if in["client_id"] != c.ClientID || in["scope"] != "read write" {
		t.Errorf("unexpected introspection: %v", in)
	}
}

func TestTokenClientFormats(t *testing.T) {
	c := newClient(t, "read")
	env := clientEnv(c)

	r := run{Env: env}.hydra(t, "token", "client", "--scope", "read", "--format", "json")
	r.wantCode(t, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || strings.Count(r.Stdout, "\n") != 1 {
		t.Fatalf("--format json should be one line of JSON (%v):\n%s", err, r.Stdout)
	}
	for _, k := range []string{"access_token", "expires_in", "scope", "token_type"} {
		if _, ok := got[k]; !ok {
			t.Errorf("the token response lacks %q: %s", k, r.Stdout)
		}
	}
	if got["scope"] != "read" {
		t.Errorf("scope = %v", got["scope"])
	}
	if n, ok := got["expires_in"].(float64); !ok || n <= 0 {
		t.Errorf("expires_in = %v", got["expires_in"])
	}
	wantActive(t, got["access_token"].(string), true)

	r = run{Env: env}.hydra(t, "token", "client", "--format", "yaml")
	r.wantCode(t, 0)
	var y map[string]any
	if err := yaml.Unmarshal([]byte(r.Stdout), &y); err != nil || y["expires_in"] == nil || y["access_token"] == nil {
		t.Errorf("yaml should hold the whole response (%v):\n%s", err, r.Stdout)
	}

	r = run{Env: env}.hydra(t, "token", "client", "--format", "jsonpath=token_type")
	r.wantCode(t, 0)
	if r.Stdout != "bearer\n" {
		t.Errorf("jsonpath=token_type: got %q", r.Stdout)
	}

	r = run{Env: env}.hydra(t, "token", "client", "--format", "table")
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, "expires_in") {
		t.Errorf("table should list the response's fields:\n%s", r.Stdout)
	}
}

func TestTokenClientAudience(t *testing.T) {
	c := createClientDoc(t, map[string]any{
		"grant_types": []string{"client_credentials"},
		"audience":    []string{"https://api.example.com", "https://other.example.com"},
	})
	r := run{Env: clientEnv(c)}.hydra(t, "token", "client", "--audience", "https://api.example.com")
	r.wantCode(t, 0)
	in := wantActive(t, r.oneLine(t), true)
	aud, _ := in["aud"].([]any)
	if len(aud) != 1 || aud[0] != "https://api.example.com" {
		t.Errorf("aud = %v, want [https://api.example.com]", in["aud"])
	}
}

func TestTokenClientAuthMethods(t *testing.T) {
	rsaKey, ecKey := newKeyPair(t, "rsa"), newKeyPair(t, "ec")
	jwtClient := func(k keyPair) map[string]any {
		return map[string]any{
			"grant_types":                     []string{"client_credentials"},
			"scope":                           "read",
			"token_endpoint_auth_method":      "private_key_jwt",
			"token_endpoint_auth_signing_alg": k.Alg,
			"jwks":                            k.PublicJWKS,
		}
	}
	tests := []struct {
		name   string
		client map[string]any
		args   func(t *testing.T) []string
		stdin  string
	}{
		{"client_secret_basic by default",
			map[string]any{"grant_types": []string{"client_credentials"}, "scope": "read"},
			func(*testing.T) []string { return nil }, ""},
		{"client_secret_basic",
			map[string]any{"grant_types": []string{"client_credentials"}, "scope": "read", "token_endpoint_auth_method": "client_secret_basic"},
			func(*testing.T) []string { return []string{"--auth-method", "client_secret_basic"} }, ""},
		{"client_secret_post",
			map[string]any{"grant_types": []string{"client_credentials"}, "scope": "read", "token_endpoint_auth_method": "client_secret_post"},
			func(*testing.T) []string { return []string{"--auth-method", "client_secret_post"} }, ""},
		{"private_key_jwt with an RSA JWK", jwtClient(rsaKey),
			func(t *testing.T) []string {
				return []string{"--auth-method", "private_key_jwt", "--private-key", writeSecretFile(t, "key.jwk", rsaKey.PrivateJWK)}
			}, ""},
		{"private_key_jwt with an RSA PEM, method implied", jwtClient(rsaKey),
			func(t *testing.T) []string {
				return []string{"--private-key", writeSecretFile(t, "key.pem", rsaKey.PrivatePEM)}
			}, ""},
		{"private_key_jwt with an EC PEM from stdin", jwtClient(ecKey),
			func(t *testing.T) []string { return []string{"--auth-method", "private_key_jwt", "--private-key", "-"} }, ecKey.PrivatePEM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := createClientDoc(t, tt.client)
			env := serverEnv()
			env["OAUTH2_CLIENT_ID"] = c.ClientID
			if c.ClientSecret != "" {
				env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
			}
			args := append([]string{"token", "client", "--scope", "read"}, tt.args(t)...)
			r := run{Env: env, Stdin: tt.stdin}.hydra(t, args...)
			r.wantCode(t, 0)
			in := wantActive(t, r.oneLine(t), true)
			if in["client_id"] != c.ClientID {
				t.Errorf("client_id = %v, want %s", in["client_id"], c.ClientID)
			}
		})
	}
}

// A private_key_jwt assertion is signed afresh for each request, so that
// Hydra's jti replay check never refuses a second run.
func TestTokenClientPrivateKeyJWTTwice(t *testing.T) {
	k := newKeyPair(t, "rsa")
	c := createClientDoc(t, map[string]any{
		"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "private_key_jwt", "jwks": k.PublicJWKS,
	})
	key := writeSecretFile(t, "key.jwk", k.PrivateJWK)
	for range 2 {
		r := hydra(t, "token", "client", "--client-id", c.ClientID, "--private-key", key)
		r.wantCode(t, 0)
		wantActive(t, r.oneLine(t), true)
	}
}

func TestTokenClientPrivateKeyJWTWrongKey(t *testing.T) {
	registered, other := newKeyPair(t, "rsa"), newKeyPair(t, "rsa")
	c := createClientDoc(t, map[string]any{
		"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "private_key_jwt", "jwks": registered.PublicJWKS,
	})
	r := hydra(t, "token", "client", "--client-id", c.ClientID, "--private-key", writeSecretFile(t, "key.pem", other.PrivatePEM))
	r.wantCode(t, 1)
	r.assertClean(t)
	if r.Stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.Stdout)
	}
	r.wantStderr(t, "invalid_client", "/oauth2/token", "--private-key")
}

// specialSecret has every character RFC 6749 §2.3.1's form-encoding is
// about, plus quotes and non-ASCII.
const specialSecret = `a: %+& b=c?d/e\f"g'h ü%20x:`

func TestTokenClientSpecialCharacterSecret(t *testing.T) {
	for _, method := range []string{"client_secret_basic", "client_secret_post"} {
		t.Run(method, func(t *testing.T) {
			c := createClientDoc(t, map[string]any{
				"grant_types": []string{"client_credentials"}, "scope": "read",
				"token_endpoint_auth_method": method, "client_secret": specialSecret,
			})
			if c.ClientSecret != specialSecret {
				t.Fatalf("Hydra stored the secret as %q", c.ClientSecret)
			}
			base := []string{"token", "client", "--client-id", c.ClientID, "--auth-method", method}
			sources := []struct {
				name  string
				env   map[string]string
				args  []string
				stdin string
			}{
				{"env", map[string]string{"OAUTH2_CLIENT_SECRET": specialSecret}, nil, ""},
				{"file", nil, []string{"--client-secret-file", writeSecretFile(t, "secret", specialSecret+"\n")}, ""},
				{"stdin", nil, []string{"--client-secret-file", "-"}, specialSecret + "\n"},
				{"argv", nil, []string{"-q", "--client-secret", specialSecret}, ""},
			}
			for _, s := range sources {
				t.Run(s.name, func(t *testing.T) {
					env := serverEnv()
					for k, v := range s.env {
						env[k] = v
					}
					r := run{Env: env, Stdin: s.stdin}.hydra(t, append(base, s.args...)...)
					r.wantCode(t, 0)
					r.wantNoLeak(t, specialSecret)
					wantActive(t, r.oneLine(t), true)
				})
			}
		})
	}
}

func TestTokenClientSecretOnArgvWarns(t *testing.T) {
	c := newClient(t, "read")
	args := []string{"token", "client", "--client-id", c.ClientID, "--client-secret", c.ClientSecret}
	r := hydra(t, args...)
	r.wantCode(t, 0)
	r.oneLine(t)
	r.wantStderr(t, "warning:", "argv", "OAUTH2_CLIENT_SECRET", "--client-secret-file", "-q")
	if strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("the warning should be one line:\n%s", r.Stderr)
	}
	r.wantNoLeak(t, c.ClientSecret)

	r = hydra(t, append(args, "-q")...)
	r.wantCode(t, 0)
	if r.Stderr != "" {
		t.Errorf("-q should silence the warning, got:\n%s", r.Stderr)
	}
}

func TestTokenClientEnvironment(t *testing.T) {
	c := newClient(t, "read")
	dead := "http://127.0.0.1:1" // nothing listens on port 1
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET with HYDRA_URL",
			map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret, "HYDRA_URL": srv.PublicURL}, nil},
		{"ORY_SDK_URL",
			map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret, "ORY_SDK_URL": srv.PublicURL}, nil},
		{"HYDRA_URL before ORY_SDK_URL",
			map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret, "HYDRA_URL": srv.PublicURL, "ORY_SDK_URL": dead}, nil},
		{"HYDRA_ADMIN_URL is not the public API",
			map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret, "HYDRA_ADMIN_URL": dead, "HYDRA_URL": srv.PublicURL}, nil},
		{"flags before the environment",
			map[string]string{"OAUTH2_CLIENT_ID": "nobody", "OAUTH2_CLIENT_SECRET": "wrong", "HYDRA_URL": dead},
			[]string{"-e", srv.PublicURL, "--client-id", c.ClientID, "--client-secret-file", writeSecretFile(t, "s", c.ClientSecret)}},
		{"--token-url without an endpoint",
			map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret},
			[]string{"--token-url", srv.PublicURL + "/oauth2/token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run{Env: tt.env}.hydra(t, append([]string{"token", "client", "--retries", "0"}, tt.args...)...)
			r.wantCode(t, 0)
			wantActive(t, r.oneLine(t), true)
		})
	}
}

func TestTokenClientErrors(t *testing.T) {
	c := newClient(t, "read")
	codeOnly := createClientDoc(t, map[string]any{
		"grant_types": []string{"authorization_code"}, "response_types": []string{"code"},
		"redirect_uris": []string{loopbackRedirect}, "scope": "read",
	})
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"no client ID", map[string]string{"OAUTH2_CLIENT_SECRET": c.ClientSecret}, nil,
			[]string{"no client ID", "--client-id", "OAUTH2_CLIENT_ID"}},
		{"no secret", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID}, nil,
			[]string{"no client secret", "--client-secret-file", "OAUTH2_CLIENT_SECRET", "--client-secret", "--private-key"}},
		{"wrong secret", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": "not-the-secret"}, nil,
			[]string{"invalid_client", "401", srv.PublicURL + "/oauth2/token", "Client authentication failed"}},
		{"unknown client", map[string]string{"OAUTH2_CLIENT_ID": "no-such-client", "OAUTH2_CLIENT_SECRET": "x"}, nil,
			[]string{"invalid_client", "401"}},
		{"wrong auth method", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret},
			[]string{"--auth-method", "client_secret_post"},
			[]string{"invalid_client", "client_secret_post", "token_endpoint_auth_method"}},
		{"unknown scope", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret},
			[]string{"--scope", "admin"},
			[]string{"invalid_scope", "400", "'admin'"}},
		{"client without the grant", map[string]string{"OAUTH2_CLIENT_ID": codeOnly.ClientID, "OAUTH2_CLIENT_SECRET": codeOnly.ClientSecret}, nil,
			[]string{"unauthorized_client", "400", "client_credentials", "grant_types"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HYDRA_URL": srv.PublicURL}
			for k, v := range tt.env {
				env[k] = v
			}
			r := run{Env: env}.hydra(t, append([]string{"token", "client"}, tt.args...)...)
			r.wantCode(t, 1)
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.Stdout)
			}
			r.wantStderr(t, tt.want...)
			r.wantNoLeak(t, c.ClientSecret, codeOnly.ClientSecret)
		})
	}
}

func TestTokenClientUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--auth-method", "tls_client_auth"}, "client_secret_basic, client_secret_post, private_key_jwt"},
		{[]string{"--auth-method", "client_secret_post", "--private-key", "k.pem"}, "--private-key needs --auth-method private_key_jwt"},
		{[]string{"--private-key", "k.pem", "--client-secret", "x"}, "sends no client secret"},
		{[]string{"--client-secret", "x", "--client-secret-file", "f"}, "client-secret"},
		{[]string{"--format", "xml"}, "unknown format"},
		{[]string{"extra-arg"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := hydra(t, append([]string{"token", "client"}, tt.args...)...)
			r.wantCode(t, 2)
			r.wantStderr(t, tt.want)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.Stdout)
			}
		})
	}
}

func TestTokenClientVerboseAndHeaders(t *testing.T) {
	c := newClient(t, "read")
	r := run{Env: clientEnv(c)}.hydra(t, "token", "client", "-v", "-H", "X-E2e: yes")
	r.wantCode(t, 0)
	tok := r.oneLine(t)
	r.wantStderr(t, "> POST "+srv.PublicURL+"/oauth2/token", "Authorization: Basic ***", "X-E2e: ***", "grant_type=client_credentials", "200 OK")
	if strings.Contains(r.Stderr, tok) {
		t.Errorf("the trace leaks the token")
	}
	r.wantNoLeak(t, c.ClientSecret)
}

func TestTokenClientV2Spelling(t *testing.T) {
	c := newClient(t, "read")
	// Issue 24's script: awk '/^ACCESS TOKEN/{print $3}' finds the token
	// in Hydra v2's default table.
	r := run{Env: clientEnv(c)}.hydra(t, "perform", "client-credentials", "--scope", "read")
	r.wantCode(t, 0)
	var awkToken string
	for _, line := range strings.Split(r.Stdout, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "ACCESS TOKEN") && len(f) >= 3 {
			awkToken = f[2]
		}
	}
	wantActive(t, awkToken, true)
	r = run{Env: clientEnv(c)}.hydra(t, "perform", "client-credentials", "--scope", "read", "-q")
	r.wantCode(t, 0)
	in := wantActive(t, r.oneLine(t), true)
	if in["client_id"] != c.ClientID {
		t.Errorf("client_id = %v", in["client_id"])
	}
}

// pflag prints a flag's default in --help; no environment value may show up
// there, as OAUTH2_CLIENT_SECRET does in Hydra v2.3's CLI.
func TestTokenHelpShowsNoEnvironmentValue(t *testing.T) {
	env := map[string]string{
		"OAUTH2_CLIENT_ID": "env-client-id-value", "OAUTH2_CLIENT_SECRET": "env-secret-value",
		"OAUTH2_ACCESS_TOKEN": "env-access-token-value", "HYDRA_URL": "http://env-hydra-url.invalid",
		"HYDRA_ADMIN_URL": "http://env-admin-url.invalid", "ORY_SDK_URL": "http://env-sdk-url.invalid",
	}
	for _, args := range [][]string{
		{"token", "client"}, {"token", "revoke"}, {"token", "refresh"}, {"token", "delete"}, {"token", "flush"},
		{"perform", "client-credentials"}, {"revoke", "token"}, {"delete", "access-tokens"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := run{Env: env}.hydra(t, append(args, "--help")...)
			r.wantCode(t, 0)
			if !strings.Contains(r.Stdout, "Usage:") {
				t.Errorf("no usage:\n%s", r.Stdout)
			}
			for _, v := range env {
				if strings.Contains(r.Stdout+r.Stderr, strings.TrimPrefix(v, "http://")) {
					t.Errorf("--help shows the environment value %q", v)
				}
			}
		})
	}
}

// A private_key_jwt key may come from OAUTH2_CLIENT_PRIVATE_KEY, as a CI
// secret often does, with --auth-method private_key_jwt.
func TestTokenClientPrivateKeyFromEnvironment(t *testing.T) {
	key := newKeyPair(t, "rsa")
	c := createClientDoc(t, map[string]any{
		"grant_types":                     []string{"client_credentials"},
		"scope":                           "read",
		"token_endpoint_auth_method":      "private_key_jwt",
		"token_endpoint_auth_signing_alg": key.Alg,
		"jwks":                            key.PublicJWKS,
	})
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	env["OAUTH2_CLIENT_PRIVATE_KEY"] = key.PrivatePEM
	r := run{Env: env}.hydra(t, "token", "client", "--auth-method", "private_key_jwt", "--scope", "read")
	r.wantCode(t, 0)
	wantActive(t, r.oneLine(t), true)
	r.wantNoLeak(t, key.PrivatePEM)
}
