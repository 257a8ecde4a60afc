package e2e

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTokenUserinfo calls Hydra's userinfo endpoint through the CLI.
func TestTokenUserinfo(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	subject := fmt.Sprintf("userinfo-%d@example.com", time.Now().UnixNano())
	headless := func(scope string) tokenJSON {
		t.Helper()
		r := hydra(t, "token", "user", "--headless", "--subject", subject, "--client-id", c.ClientID, "-p", strconv.Itoa(port),
			"--scope", scope, "--format", "json", "-q")
		r.wantCode(t, 0)
		return parseTokens(t, r)
	}

	// An openid token: the subject's claims, the token from stdin.
	openid := headless("openid,offline")
	r := run{Env: serverEnv(), Stdin: openid.AccessToken + "\n"}.hydra(t, "token", "userinfo", "-")
	r.wantCode(t, 0)
	var claims map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &claims); err != nil || claims["sub"] != subject {
		t.Fatalf("userinfo: %v\n%s\n%s", err, r.Stdout, r.Stderr)
	}
	if auds, _ := claims["aud"].([]any); len(auds) == 0 || auds[0] != c.ClientID {
		t.Errorf("aud: %v", claims["aud"])
	}
	if r.Stderr != "" || strings.Contains(r.Stdout, openid.AccessToken) {
		t.Errorf("stderr %q; the token must not be printed", r.Stderr)
	}
	r = hydra(t, "token", "userinfo", "--format", "jsonpath=sub", openid.AccessToken)
	r.wantCode(t, 0)
	if strings.TrimSpace(r.Stdout) != subject {
		t.Errorf("jsonpath=sub: %q", r.Stdout)
	}
	// Without the admin API, the scope is not checked, and a note says so.
	r = run{Env: map[string]string{"HYDRA_URL": srv.PublicURL}}.hydra(t, "token", "userinfo", openid.AccessToken)
	r.wantCode(t, 0)
	if !strings.Contains(r.Stderr, "not checked") {
		t.Errorf("want a note that the scope was not checked: %q", r.Stderr)
	}

	// A token without openid: a clear error, though Hydra would answer.
	plain := headless("offline")
	r = hydra(t, "token", "userinfo", plain.AccessToken)
	r.wantCode(t, 1)
	r.assertClean(t)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "not granted the openid scope") || strings.Contains(r.Stderr, plain.AccessToken) {
		t.Errorf("no openid: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}

	// A client credentials token: no user.
	_, cc := accessToken(t, "read")
	r = hydra(t, "token", "userinfo", cc)
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "client credentials") {
		t.Errorf("client credentials token: %q", r.Stderr)
	}
	r = run{Env: map[string]string{"HYDRA_URL": srv.PublicURL}}.hydra(t, "token", "userinfo", cc)
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "without a subject") {
		t.Errorf("client credentials token, no admin API: %q", r.Stderr)
	}

	// A revoked token.
	hydra(t, "token", "revoke", "--client-id", c.ClientID, "--auth-method", "none", openid.AccessToken).wantCode(t, 0)
	r = hydra(t, "token", "userinfo", openid.AccessToken)
	r.wantCode(t, 1)
	if !strings.Contains(r.Stderr, "not active") {
		t.Errorf("revoked token: %q", r.Stderr)
	}
}
