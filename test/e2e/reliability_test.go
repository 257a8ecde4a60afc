package e2e

import (
	"os"
	"path/filepath"
	"regexp"
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
		"stdin": run{Env: env, Stdin: tok + "\n"}.hydra(t, "introspect", "token", "-v", "--format", "json-pretty", "-"),
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

// sensitiveInTrace are the parameters whose values -v must mask wherever
// they show in a URL or form: codes, verifiers, challenges and tokens.
var sensitiveInTrace = []string{"code", "code_verifier", "client_secret", "client_assertion", "refresh_token",
	"access_token", "id_token", "token", "login_challenge", "consent_challenge", "login_verifier", "consent_verifier"}

// assertTraceMasked fails unless stderr traced at least one exchange, and
// every sensitive parameter and credential header in it is masked, and
// none of the given secrets shows on stderr or stdout.
func assertTraceMasked(t *testing.T, name string, r result, secrets ...string) {
	t.Helper()
	if !strings.Contains(r.Stderr, "> POST ") && !strings.Contains(r.Stderr, "> GET ") {
		t.Errorf("%s: -v traced no request:\n%s", name, r.Stderr)
	}
	for _, p := range sensitiveInTrace {
		re := regexp.MustCompile(`(?:^|[?&\s])` + regexp.QuoteMeta(p) + `=([^&\s]*)`)
		for _, m := range re.FindAllStringSubmatch(r.Stderr, -1) {
			if m[1] != "***" {
				t.Errorf("%s: -v shows %s=%s", name, p, m[1])
			}
		}
	}
	for _, line := range strings.Split(r.Stderr, "\n") {
		if strings.HasPrefix(line, "> Authorization: ") && !strings.HasSuffix(line, " ***") {
			t.Errorf("%s: -v shows %q", name, line)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(r.Stderr, s) {
			t.Errorf("%s: a secret shows on stderr:\n%s", name, r.Stderr)
		}
	}
	if t.Failed() {
		t.Logf("%s: stderr:\n%s", name, r.Stderr)
	}
}

// -v on the commands that send client secrets, codes, verifiers and refresh
// tokens to the real Hydra: each exchange is traced, and none of them shows.
func TestVerboseGrantsLeakNothingRealHydra(t *testing.T) {
	secretFile := func(secret string) string {
		p := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("token client", func(t *testing.T) {
		c := newClient(t, "read")
		env := serverEnv()
		env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
		r := run{Env: env}.hydra(t, "token", "client", "-v", "--client-id", c.ClientID, "--scope", "read", "--format", "json")
		r.wantCode(t, 0)
		r.assertClean(t)
		tok := parseTokens(t, r)
		assertTraceMasked(t, "token client", r, c.ClientSecret, tok.AccessToken)
		if strings.Contains(r.Stdout, c.ClientSecret) {
			t.Error("stdout shows the client secret")
		}
		// A wrong secret: the 401 is traced and explained, the secret
		// still masked.
		r = run{Env: serverEnv(), Stdin: "wrong-SECRET-8e1f\n"}.hydra(t, "perform", "client-credentials", "-v",
			"--client-id", c.ClientID, "--client-secret-file", "-", "--auth-method", "client_secret_post")
		r.wantCode(t, 1)
		assertTraceMasked(t, "a wrong secret", r, "wrong-SECRET-8e1f", c.ClientSecret)
		if !strings.Contains(r.Stderr, "401 Unauthorized") {
			t.Errorf("stderr does not name the 401:\n%s", r.Stderr)
		}
	})

	t.Run("token user --headless, then token refresh", func(t *testing.T) {
		c := authCodeClient(t, 4446, false, nil)
		r := hydra(t, "token", "user", "-v", "--headless", "--subject", "dana", "--client-id", c.ClientID,
			"--client-secret-file", secretFile(c.ClientSecret), "--format", "json")
		r.wantCode(t, 0)
		r.assertClean(t)
		tok := parseTokens(t, r)
		if tok.RefreshToken == "" || tok.IDToken == "" {
			t.Fatalf("want refresh and ID tokens: %s", r.Stdout)
		}
		assertTraceMasked(t, "token user", r, c.ClientSecret, tok.AccessToken, tok.RefreshToken, tok.IDToken)
		for _, want := range []string{"/oauth2/auth?", "/admin/oauth2/auth/requests/login/accept", "/oauth2/token", "code=***"} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("the trace lacks %q: the masking check did not see that exchange", want)
			}
		}

		env := serverEnv()
		env["OAUTH2_CLIENT_ID"] = c.ClientID
		env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
		rr := run{Env: env, Stdin: tok.RefreshToken + "\n"}.hydra(t, "token", "refresh", "-v", "--format", "json", "-")
		rr.wantCode(t, 0)
		rr.assertClean(t)
		next := parseTokens(t, rr)
		assertTraceMasked(t, "token refresh", rr, c.ClientSecret, tok.RefreshToken, next.AccessToken, next.RefreshToken)
		if strings.Contains(rr.Stdout, tok.RefreshToken) || strings.Contains(rr.Stdout, c.ClientSecret) {
			t.Error("stdout shows the spent refresh token or the client secret")
		}

		// The spent refresh token again: Hydra refuses it, and the
		// message shows neither it nor the secret.
		rr = run{Env: env, Stdin: tok.RefreshToken + "\n"}.hydra(t, "token", "refresh", "-v", "-")
		rr.wantCode(t, 1)
		assertTraceMasked(t, "a spent refresh token", rr, c.ClientSecret, tok.RefreshToken)
	})

	t.Run("client create", func(t *testing.T) {
		const secret = "create-e2e-SECRET-77ab"
		const bearer = "bearer-e2e-SECRET-0f3c"
		env := serverEnv()
		env["OAUTH2_ACCESS_TOKEN"] = bearer
		r := run{Env: env}.hydra(t, "client", "create", "-v", "--grant-type", "client_credentials", "--secret-file", secretFile(secret), "--format", "json")
		r.wantCode(t, 0)
		r.assertClean(t)
		assertTraceMasked(t, "client create", r, secret, bearer)
		if strings.Contains(r.Stdout, secret) {
			t.Error("stdout shows the secret that was given, not generated")
		}
		// A generated secret is the result: on stdout, never in the trace.
		r = run{Env: env}.hydra(t, "create", "oauth2-client", "-v", "--grant-type", "client_credentials")
		r.wantCode(t, 0)
		generated := ""
		for _, line := range strings.Split(r.Stdout, "\n") {
			// Hydra v2's table, cut on tabs as a script does.
			if f := strings.FieldsFunc(line, func(r rune) bool { return r == '\t' }); len(f) == 2 && f[0] == "CLIENT SECRET" {
				generated = f[1]
			}
		}
		if generated == "" {
			t.Fatalf("no generated secret on stdout: %q", r.Stdout)
		}
		assertTraceMasked(t, "create with a generated secret", r, generated, bearer)
	})
}
