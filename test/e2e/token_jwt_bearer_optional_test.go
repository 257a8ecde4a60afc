package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// TestJWTBearerOptionalJTIAndIAT: against a Hydra that sets
// oauth2.grant.jwt.jti_optional and iat_optional, an assertion without a
// jti and an iat is refused locally without --jti-optional and
// --iat-optional, and buys a token with them; with no jti it is not
// recorded as spent, and sending it again is no false replay.
func TestJWTBearerOptionalJTIAndIAT(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := hydratest.Start(ctx, hydratest.Options{Config: "oauth2:\n  grant:\n    jwt:\n      jti_optional: true\n      iat_optional: true\n"})
	if err != nil {
		t.Fatalf("starting Hydra with jti_optional and iat_optional: %v", err)
	}
	t.Cleanup(s.Stop)
	iss := startIssuer(t)
	admin := map[string]string{"HYDRA_ADMIN_URL": s.AdminURL, "HYDRA_URL": s.PublicURL}
	r := run{Env: admin}.hydra(t, "trust", "sync", "--issuer", iss.URL, "--subject", gitLabSubject, "--scope", "deploy")
	r.wantCode(t, 0)
	c, err := s.CreateClient(map[string]any{
		"grant_types":                []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"token_endpoint_auth_method": "none",
		"scope":                      "deploy",
	})
	if err != nil {
		t.Fatal(err)
	}
	env := copyEnv(admin)
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	env["XDG_CACHE_HOME"] = t.TempDir()
	claims := gitLabClaims(s.PublicURL + "/oauth2/token")
	claims["jti"], claims["iat"] = nil, nil
	env["HYDRA_ID_TOKEN"] = iss.SignWith(iss.KIDs()[0], claims)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "pass --jti-optional"},
		{[]string{"--jti-optional"}, "pass --iat-optional"},
		{[]string{"--iat-optional"}, "pass --jti-optional"},
	} {
		r := run{Env: env}.hydra(t, append([]string{"token", "jwt-bearer", "--assertion-from", "gitlab", "--scope", "deploy"}, tc.args...)...)
		r.wantCode(t, 1)
		r.wantStderr(t, tc.want)
		r.wantNoLeak(t, env["HYDRA_ID_TOKEN"])
	}

	// Hydra records no jti either: the same assertion buys a token twice,
	// and this machine, which cannot track it, does not call it a replay.
	for i := 0; i < 2; i++ {
		r := run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab", "--scope", "deploy", "--jti-optional", "--iat-optional")
		r.wantCode(t, 0)
		r.assertClean(t)
		in := introspectOn(t, s, strings.TrimSpace(r.Stdout))
		if in["sub"] != gitLabSubject || in["client_id"] != c.ClientID {
			t.Errorf("introspection: sub %v, client_id %v; want %s, %s", in["sub"], in["client_id"], gitLabSubject, c.ClientID)
		}
	}
	if _, err := os.Stat(filepath.Join(env["XDG_CACHE_HOME"], "hydra", "spent-assertions.json")); err == nil {
		t.Error("an assertion without a jti was recorded as spent")
	}
}
