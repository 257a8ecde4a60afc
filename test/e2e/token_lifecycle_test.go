package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// codeClient creates a client for the authorization code flow with refresh
// tokens. It authenticates with client_secret_basic, as the fixture that
// exchanges the code does; useMethod switches it afterwards.
func codeClient(t *testing.T) hydratest.Client {
	t.Helper()
	return createClientDoc(t, map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid offline",
		"redirect_uris":              []string{loopbackRedirect},
		"token_endpoint_auth_method": "client_secret_basic",
	})
}

// useMethod switches c to another token endpoint auth method, and returns
// the CLI flags that authenticate as it.
func useMethod(t *testing.T, c hydratest.Client, method string) []string {
	t.Helper()
	switch method {
	case "client_secret_basic":
		return []string{"--auth-method", method}
	case "client_secret_post":
		patchClient(t, c.ClientID, patchReplace("/token_endpoint_auth_method", method))
		return []string{"--auth-method", method}
	case "private_key_jwt":
		k := newKeyPair(t, "ec")
		patchClient(t, c.ClientID,
			patchReplace("/token_endpoint_auth_method", method),
			patchReplace("/token_endpoint_auth_signing_alg", k.Alg),
			patchReplace("/jwks", k.PublicJWKS))
		return []string{"--private-key", writeSecretFile(t, "key.jwk", k.PrivateJWK)}
	}
	t.Fatalf("unknown method %s", method)
	return nil
}

// userTokens runs the authorization code flow for c, as a browser would,
// and returns its tokens.
func userTokens(t *testing.T, c hydratest.Client) hydratest.TokenResponse {
	t.Helper()
	tok, err := srv.AuthorizationCode(c, loopbackRedirect, "openid", "offline")
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Fatalf("the flow gave no refresh token: %+v", tok)
	}
	return tok
}

func TestTokenRevokeThenInactive(t *testing.T) {
	c, tok := accessToken(t, "read")
	wantActive(t, tok, true)
	r := run{Env: clientEnv(c)}.hydra(t, "token", "revoke", tok)
	r.wantCode(t, 0)
	// Hydra v1's line, the token in it, as v1.11.10's CLI printed it.
	if r.Stdout != "Revoked OAuth 2.0 Access Token: "+tok+"\n" {
		t.Errorf("stdout should be Hydra v1's line, got %q", r.Stdout)
	}
	if strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "Revoked") || strings.Contains(r.Stderr, tok) {
		t.Errorf("stderr should be a one-line confirmation, without the token:\n%s", r.Stderr)
	}
	r.wantNoLeak(t, c.ClientSecret)
	wantActive(t, tok, false)

	// -q, this tool's flag: nothing on stdout.
	c, tok = accessToken(t, "read")
	r = run{Env: clientEnv(c)}.hydra(t, "token", "revoke", "-q", tok)
	r.wantCode(t, 0)
	wantActive(t, tok, false)
	if r.Stdout != "" {
		t.Errorf("stdout with -q should be empty, got %q", r.Stdout)
	}
}

func TestTokenRevokeFromStdinWithHint(t *testing.T) {
	c, tok := accessToken(t, "read")
	r := run{Env: clientEnv(c), Stdin: tok + "\n"}.hydra(t, "token", "revoke", "--token-type-hint", "access_token", "-")
	r.wantCode(t, 0)
	r.wantStderr(t, "Revoked the token", "introspection confirms it is inactive")
	wantActive(t, tok, false)
}

func TestTokenRevokeRefreshToken(t *testing.T) {
	c := codeClient(t)
	tok := userTokens(t, c)
	wantActive(t, tok.RefreshToken, true)
	flags := useMethod(t, c, "client_secret_post")
	r := run{Env: clientEnv(c)}.hydra(t, append(append([]string{"token", "revoke"}, flags...), "--token-type-hint", "refresh_token", tok.RefreshToken)...)
	r.wantCode(t, 0)
	// Hydra v1 said "Access Token" for a refresh token too.
	if r.Stdout != "Revoked OAuth 2.0 Access Token: "+tok.RefreshToken+"\n" || strings.Contains(r.Stderr, tok.RefreshToken) {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	wantActive(t, tok.RefreshToken, false)
	// Revoking a refresh token revokes the access tokens issued with it.
	wantActive(t, tok.AccessToken, false)
}

func TestTokenRevokePrivateKeyJWT(t *testing.T) {
	k := newKeyPair(t, "rsa")
	c := createClientDoc(t, map[string]any{
		"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "private_key_jwt", "jwks": k.PublicJWKS,
	})
	key := writeSecretFile(t, "key.jwk", k.PrivateJWK)
	r := hydra(t, "token", "client", "--client-id", c.ClientID, "--private-key", key)
	r.wantCode(t, 0)
	tok := r.oneLine(t)
	wantActive(t, tok, true)
	hydra(t, "token", "revoke", "--client-id", c.ClientID, "--private-key", key, tok).wantCode(t, 0)
	wantActive(t, tok, false)
}

func TestTokenRevokeUnknownTokenSucceeds(t *testing.T) {
	c := newClient(t, "read")
	r := run{Env: clientEnv(c)}.hydra(t, "token", "revoke", "ory_at_notarealtoken.notarealsignature")
	r.wantCode(t, 0)
	r.wantStderr(t, "Revoked")
}

func TestTokenRevokeErrors(t *testing.T) {
	c, tok := accessToken(t, "read")
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		stdin string
		code  int
		want  []string
	}{
		{"wrong secret", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": "wrong"}, []string{tok}, "", 1,
			[]string{"invalid_client", "401", srv.PublicURL + "/oauth2/revoke"}},
		{"no client ID", map[string]string{"OAUTH2_CLIENT_SECRET": c.ClientSecret}, []string{tok}, "", 1,
			[]string{"no client ID", "--client-id", "OAUTH2_CLIENT_ID"}},
		{"no secret: sent as a public client, refused", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID}, []string{tok}, "", 1,
			[]string{"invalid_client", "sent as a public one", "OAUTH2_CLIENT_SECRET"}},
		{"no token", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID}, nil, "", 2,
			[]string{"a token (or - to read them from stdin"}},
		{"Bearer prefix", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID, "OAUTH2_CLIENT_SECRET": c.ClientSecret}, []string{"Bearer " + tok}, "", 2,
			[]string{"without the Bearer prefix"}},
		{"token and secret both from stdin", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID}, []string{"--client-secret-file", "-", "-"}, tok, 2,
			[]string{"cannot both be read from stdin"}},
		{"bad hint", map[string]string{"OAUTH2_CLIENT_ID": c.ClientID}, []string{"--token-type-hint", "id_token", tok}, "", 2,
			[]string{"access_token, refresh_token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HYDRA_URL": srv.PublicURL}
			for k, v := range tt.env {
				env[k] = v
			}
			r := run{Env: env, Stdin: tt.stdin}.hydra(t, append([]string{"token", "revoke"}, tt.args...)...)
			r.wantCode(t, tt.code)
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.Stdout)
			}
			r.wantStderr(t, tt.want...)
			r.wantNoLeak(t, tok, c.ClientSecret)
		})
	}
	// The token survived every failed attempt.
	wantActive(t, tok, true)
}

func TestTokenRevokeV2Spelling(t *testing.T) {
	c, tok := accessToken(t, "read")
	r := run{Env: clientEnv(c)}.hydra(t, "revoke", "token", tok)
	r.wantCode(t, 0)
	wantActive(t, tok, false)
}

func TestTokenRefresh(t *testing.T) {
	for _, method := range []string{"client_secret_basic", "client_secret_post", "private_key_jwt"} {
		t.Run(method, func(t *testing.T) {
			c := codeClient(t)
			old := userTokens(t, c)
			flags := useMethod(t, c, method)
			env := clientEnv(c)
			if method == "private_key_jwt" {
				delete(env, "OAUTH2_CLIENT_SECRET")
			}
			refresh := func(args ...string) result {
				return run{Env: env}.hydra(t, append(append([]string{"token", "refresh"}, flags...), args...)...)
			}
			r := refresh("--format", "json", old.RefreshToken)
			r.wantCode(t, 0)
			var got map[string]any
			if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.Stdout)
			}
			for _, k := range []string{"access_token", "refresh_token", "id_token", "expires_in", "scope"} {
				if got[k] == nil || got[k] == "" {
					t.Errorf("the response lacks %s: %s", k, r.Stdout)
				}
			}
			newAccess, _ := got["access_token"].(string)
			newRefresh, _ := got["refresh_token"].(string)
			if newAccess == old.AccessToken || newRefresh == old.RefreshToken {
				t.Fatalf("refresh gave back the old tokens")
			}
			in := wantActive(t, newAccess, true)
			if in["sub"] != hydratest.DefaultSubject || in["client_id"] != c.ClientID {
				t.Errorf("unexpected introspection of the new token: %v", in)
			}
			wantActive(t, newRefresh, true)

			// The old refresh token is spent.
			r = refresh(old.RefreshToken)
			r.wantCode(t, 1)
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.Stdout)
			}
			r.wantStderr(t, "invalid_grant", srv.PublicURL+"/oauth2/token")
			r.wantNoLeak(t, old.RefreshToken, c.ClientSecret)
		})
	}
}

// By default refresh prints the whole response: the rotated refresh token
// is shown once, and the old one is spent.
func TestTokenRefreshFromStdinKeepsTheRotatedRefreshToken(t *testing.T) {
	c := codeClient(t)
	old := userTokens(t, c)
	r := run{Env: clientEnv(c), Stdin: old.RefreshToken + "\n"}.hydra(t, "token", "refresh", "-")
	r.wantCode(t, 0)
	next := parseTokens(t, r)
	if next.RefreshToken == "" || next.RefreshToken == old.RefreshToken {
		t.Fatalf("the default output lacks the new refresh token: %s", r.Stdout)
	}
	wantActive(t, next.AccessToken, true)
	wantActive(t, next.RefreshToken, true)
	if strings.Contains(r.Stderr, "warning") {
		t.Errorf("no warning expected:\n%s", r.Stderr)
	}
}

func TestTokenRefreshRevokedToken(t *testing.T) {
	c := codeClient(t)
	old := userTokens(t, c)
	run{Env: clientEnv(c)}.hydra(t, "token", "revoke", old.RefreshToken).wantCode(t, 0)
	r := run{Env: clientEnv(c)}.hydra(t, "token", "refresh", old.RefreshToken)
	r.wantCode(t, 1)
	if r.Stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.Stdout)
	}
	r.wantStderr(t, "invalid_grant")
}

func TestTokenRefreshWrongClient(t *testing.T) {
	c := codeClient(t)
	other := codeClient(t)
	old := userTokens(t, c)
	r := run{Env: clientEnv(other)}.hydra(t, "token", "refresh", old.RefreshToken)
	r.wantCode(t, 1)
	r.wantStderr(t, "invalid_grant")
	r.wantNoLeak(t, old.RefreshToken)
}

func TestTokenDeleteThenInactive(t *testing.T) {
	c := newClient(t, "read")
	toks := clientTokens(t, c, 2)
	_, bystander := accessToken(t, "read")

	r := run{Env: map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL}}.hydra(t, "token", "delete", "--client-id", c.ClientID)
	r.wantCode(t, 0)
	if r.Stdout != "Successfully deleted access tokens for client "+c.ClientID+"\n" {
		t.Errorf("stdout should be Hydra v1's line, got %q", r.Stdout)
	}
	r.wantStderr(t, "Deleted", c.ClientID)
	for _, tok := range toks {
		wantActive(t, tok, false)
	}
	wantActive(t, bystander, true)

	// -q, this tool's flag, prints the client ID alone, as before.
	toks = clientTokens(t, c, 1)
	r = run{Env: map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL}}.hydra(t, "token", "delete", "-q", "--client-id", c.ClientID)
	r.wantCode(t, 0)
	if r.Stdout != c.ClientID+"\n" || r.Stderr != "" {
		t.Errorf("-q: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	wantActive(t, toks[0], false)
}

func TestTokenDeleteV2Spelling(t *testing.T) {
	c, tok := accessToken(t, "read")
	r := run{Env: map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL}}.hydra(t, "delete", "access-tokens", "-q", c.ClientID)
	r.wantCode(t, 0)
	if r.Stdout != c.ClientID+"\n" || r.Stderr != "" {
		t.Errorf("got stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	wantActive(t, tok, false)
}

func TestTokenDeleteErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"no client ID", serverEnv(), []string{"token", "delete"}, 2, []string{"--client-id"}},
		{"v2 spelling without the ID", serverEnv(), []string{"delete", "access-tokens"}, 2, []string{"one client id"}},
		{"v2 spelling with the ID twice", serverEnv(), []string{"delete", "access-tokens", "--client-id", "a", "a"}, 2, []string{"once"}},
		{"no admin URL", map[string]string{"HYDRA_URL": ""}, []string{"token", "delete", "--client-id", "a"}, 2, []string{"HYDRA_ADMIN_URL"}},
		{"public API instead of admin", nil, []string{"token", "delete", "-e", srv.PublicURL, "--client-id", "a"}, 1,
			[]string{"404", "admin API", "4445"}},
		// Hydra answers 204 to the deletion for any ID; the command checks
		// that the client exists rather than claim a deletion (issue 11).
		{"a mistyped client ID", map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL}, []string{"token", "delete", "--client-id", "no-such-client-x1"}, 1,
			[]string{`no client with ID "no-such-client-x1"`, "no tokens were deleted", "hydra client list"}},
		{"a mistyped client ID, v2 spelling", map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL}, []string{"delete", "access-tokens", "no-such-client-x1"}, 1,
			[]string{`no client with ID "no-such-client-x1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run{Env: tt.env}.hydra(t, tt.args...)
			r.wantCode(t, tt.code)
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.Stdout)
			}
			r.wantStderr(t, tt.want...)
		})
	}
}

// Hydra v2 has no flush endpoint: the command names the server's version
// and points at the janitor. (compat_test.go flushes through Hydra v1.)
func TestTokenFlushPointsToJanitor(t *testing.T) {
	for _, args := range [][]string{
		{"token", "flush"},
		{"token", "flush", "--endpoint", srv.AdminURL, "--min-age", "1h"},
		{"token", "flush", "--api-version", "v2"},
	} {
		r := hydra(t, args...)
		r.wantCode(t, 1)
		if r.Stdout != "" {
			t.Errorf("stdout should be empty, got %q", r.Stdout)
		}
		r.wantStderr(t, "needs Hydra v1", "is Hydra v2", "Hydra v2 removed", "hydra janitor --tokens")
		r.assertClean(t)
	}
}

func TestTokenRevokeSpecialCharacterSecret(t *testing.T) {
	for _, method := range []string{"client_secret_basic", "client_secret_post"} {
		t.Run(method, func(t *testing.T) {
			c := createClientDoc(t, map[string]any{
				"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": method, "client_secret": specialSecret,
			})
			env := clientEnv(c)
			r := run{Env: env}.hydra(t, "token", "client", "--auth-method", method)
			r.wantCode(t, 0)
			tok := r.oneLine(t)
			r = run{Env: env, Stdin: tok}.hydra(t, "token", "revoke", "--auth-method", method, "-")
			r.wantCode(t, 0)
			wantActive(t, tok, false)
		})
	}
}

func TestTokenDeleteEndpointEnvironment(t *testing.T) {
	dead := "http://127.0.0.1:1" // nothing listens on port 1
	for name, env := range map[string]map[string]string{
		"ORY_SDK_URL":                   {"ORY_SDK_URL": srv.AdminURL},
		"HYDRA_URL as v1's fallback":    {"HYDRA_URL": srv.AdminURL},
		"HYDRA_ADMIN_URL before others": {"HYDRA_ADMIN_URL": srv.AdminURL, "HYDRA_URL": dead, "ORY_SDK_URL": dead},
	} {
		t.Run(name, func(t *testing.T) {
			c, tok := accessToken(t, "read")
			r := run{Env: env}.hydra(t, "token", "delete", "--retries", "0", "--client-id", c.ClientID)
			r.wantCode(t, 0)
			wantActive(t, tok, false)
		})
	}
}
