package e2e

import (
	"strings"
	"testing"
)

// A public client (token_endpoint_auth_method none), as "token user" serves,
// refreshes and revokes its tokens without --auth-method none: with no
// secret given, the client is public; a secret left in the environment for
// another client is dropped once Hydra says the client is public.
func TestPublicClientRefreshAndRevoke(t *testing.T) {
	c := authCodeClient(t, 4446, true, nil)
	r := run{Env: serverEnv()}.hydra(t, "token", "user", "--headless", "--subject", "erin", "--client-id", c.ClientID, "--format", "json")
	r.wantCode(t, 0)
	first := parseTokens(t, r)
	if first.RefreshToken == "" {
		t.Fatalf("no refresh token: %s", r.Stdout)
	}

	// No secret anywhere: a public client.
	noSecret := serverEnv()
	noSecret["OAUTH2_CLIENT_ID"] = c.ClientID
	r = run{Env: noSecret}.hydra(t, "token", "refresh", first.RefreshToken)
	r.wantCode(t, 0)
	second := parseTokens(t, r)
	wantActive(t, second.AccessToken, true)
	wantActive(t, first.RefreshToken, false)

	// A secret left in the environment: Hydra refuses it before the grant,
	// and the request goes again without it.
	leftOver := serverEnv()
	leftOver["OAUTH2_CLIENT_ID"] = c.ClientID
	leftOver["OAUTH2_CLIENT_SECRET"] = "a-secret-of-another-client"
	r = run{Env: leftOver}.hydra(t, "token", "refresh", second.RefreshToken)
	r.wantCode(t, 0)
	r.wantStderr(t, "is public")
	r.wantNoLeak(t, "a-secret-of-another-client")
	third := parseTokens(t, r)
	wantActive(t, second.RefreshToken, false)

	r = run{Env: leftOver}.hydra(t, "token", "revoke", "--token-type-hint", "refresh_token", third.RefreshToken)
	r.wantCode(t, 0)
	r.wantStderr(t, "introspection confirms it is inactive")
	wantActive(t, third.RefreshToken, false)

	r = run{Env: noSecret}.hydra(t, "token", "refresh", third.RefreshToken)
	r.wantCode(t, 1)
	r.wantStderr(t, "invalid_grant")
	if r.Stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.Stdout)
	}

	// --auth-method none still says it outright.
	r = run{Env: leftOver}.hydra(t, "token", "user", "--headless", "--subject", "erin", "--client-id", c.ClientID, "--auth-method", "none", "--format", "json")
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "is public") {
		t.Errorf("with --auth-method none, no secret is tried:\n%s", r.Stderr)
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
