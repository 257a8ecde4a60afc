package e2e

import (
	"strings"
	"testing"
)

// -v traces every exchange with the real Hydra, and shows neither the token
// nor the bearer credential, whichever way they were given.
func TestVerboseTraceMasksSecretsRealHydra(t *testing.T) {
	_, tok := accessToken(t, "read")
	const bearer = "bearer-e2e-SECRET-5d1c"
	env := serverEnv()
	env["OAUTH2_ACCESS_TOKEN"] = bearer
	for name, r := range map[string]result{
		"argv":  run{Env: env}.hydra(t, "token", "introspect", "-v", "-H", "X-Api-Key: "+bearer, tok),
		"stdin": run{Env: env, Stdin: tok + "\n"}.hydra(t, "introspect", "token", "-v", "-"),
	} {
		r.wantCode(t, 0)
		r.assertClean(t)
		if !strings.Contains(r.Stdout, `"active": true`) {
			t.Errorf("%s: stdout = %q", name, r.Stdout)
		}
		if !strings.Contains(r.Stderr, "> POST "+srv.AdminURL+"/admin/oauth2/introspect") || !strings.Contains(r.Stderr, "< HTTP/1.1 200 OK") {
			t.Errorf("%s: -v traced no exchange:\n%s", name, r.Stderr)
		}
		for _, secret := range []string{tok, bearer} {
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Errorf("%s: a secret leaked:\n%s", name, r.Stderr)
			}
		}
	}
}

// Pointing the admin command at Hydra's public port gives Hydra's text/plain
// 404, explained in a few lines.
func TestWrongAPIRealHydra(t *testing.T) {
	_, tok := accessToken(t, "read")
	r := run{}.hydra(t, "token", "introspect", "-e", srv.PublicURL, tok)
	r.wantCode(t, 1)
	r.assertClean(t)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "404 Not Found") || !strings.Contains(r.Stderr, "public API") ||
		strings.Count(r.Stderr, "\n") > 5 || strings.Contains(r.Stderr, tok) {
		t.Errorf("stdout %q, stderr:\n%s", r.Stdout, r.Stderr)
	}
}
