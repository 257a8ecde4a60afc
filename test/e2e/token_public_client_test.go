package e2e

import (
	"strings"
	"testing"
)

// A public client (token_endpoint_auth_method none), as "token user" serves,
// can refresh and revoke its tokens with --auth-method none; a secret left
// in the environment for another client is not sent.
func TestPublicClientRefreshAndRevoke(t *testing.T) {
	c := authCodeClient(t, 4446, true, nil)
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	env["OAUTH2_CLIENT_SECRET"] = "a-secret-of-another-client"

	r := run{Env: serverEnv()}.hydra(t, "token", "user", "--headless", "--subject", "erin", "--client-id", c.ClientID, "--format", "json")
	r.wantCode(t, 0)
	first := parseTokens(t, r)
	if first.RefreshToken == "" {
		t.Fatalf("no refresh token: %s", r.Stdout)
	}

	// Without --auth-method none, the command says how to refresh for a
	// public client.
	noSecret := serverEnv()
	noSecret["OAUTH2_CLIENT_ID"] = c.ClientID
	r = run{Env: noSecret}.hydra(t, "token", "refresh", first.RefreshToken)
	r.wantCode(t, 1)
	r.wantStderr(t, "--auth-method none")

	r = run{Env: env}.hydra(t, "token", "refresh", "--auth-method", "none", "--format", "json", first.RefreshToken)
	r.wantCode(t, 0)
	second := parseTokens(t, r)
	wantActive(t, second.AccessToken, true)
	wantActive(t, first.RefreshToken, false)

	r = run{Env: env}.hydra(t, "token", "revoke", "--auth-method", "none", "--token-type-hint", "refresh_token", second.RefreshToken)
	r.wantCode(t, 0)
	wantActive(t, second.RefreshToken, false)

	r = run{Env: env}.hydra(t, "token", "refresh", "--auth-method", "none", second.RefreshToken)
	r.wantCode(t, 1)
	r.wantStderr(t, "invalid_grant")
	if r.Stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.Stdout)
	}
}

// --headless sends OAUTH2_ACCESS_TOKEN to the admin API, for an admin API
// behind an authorizing proxy, and to no other request.
func TestTokenUserHeadlessSendsTheAdminBearer(t *testing.T) {
	c := authCodeClient(t, 4446, true, nil)
	env := serverEnv()
	env["OAUTH2_ACCESS_TOKEN"] = "admin-bearer-0123456789"
	r := run{Env: env}.hydra(t, "token", "user", "--headless", "--subject", "frank", "--client-id", c.ClientID, "-v", "-q", "--format", "jsonpath=scope")
	r.wantCode(t, 0)
	lines := strings.Split(r.Stderr, "\n")
	admin, bearerOnAdmin, bearerElsewhere := 0, 0, 0
	for i, l := range lines {
		if !strings.HasPrefix(l, "> GET ") && !strings.HasPrefix(l, "> PUT ") && !strings.HasPrefix(l, "> POST ") {
			continue
		}
		isAdmin := strings.HasPrefix(strings.Fields(l)[2], srv.AdminURL)
		if isAdmin {
			admin++
		}
		for _, h := range lines[i+1:] {
			if !strings.HasPrefix(h, "> ") || strings.HasPrefix(h, "> GET ") || strings.HasPrefix(h, "> PUT ") || strings.HasPrefix(h, "> POST ") {
				break
			}
			if h == "> Authorization: Bearer ***" {
				if isAdmin {
					bearerOnAdmin++
				} else {
					bearerElsewhere++
				}
			}
		}
	}
	if admin == 0 || bearerOnAdmin != admin || bearerElsewhere != 0 {
		t.Errorf("%d admin requests, %d with the bearer, %d other requests with it:\n%s", admin, bearerOnAdmin, bearerElsewhere, r.Stderr)
	}
	if strings.Contains(r.Stderr, "admin-bearer-0123456789") {
		t.Error("the trace shows the bearer")
	}
}
