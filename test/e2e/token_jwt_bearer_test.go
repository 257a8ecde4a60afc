package e2e

import (
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
	"github.com/hydratoken/hydra/test/oidcissuer"
)

const ciSubject = "repo:octo-org/app:ref:refs/heads/main"

// secretlessCI sets up what docs/secretless-ci.md does: an issuer whose
// keys trust sync registers for one subject, and a public client with the
// JWT bearer grant.
func secretlessCI(t *testing.T) (*oidcissuer.Issuer, hydratest.Client, map[string]string) {
	t.Helper()
	iss := startIssuer(t)
	res, _ := trustSync(t, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy")
	if res.count("create") != 1 {
		t.Fatalf("trust sync: %+v", res)
	}
	c := createClientDoc(t, map[string]any{
		"grant_types":                []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"token_endpoint_auth_method": "none",
		"scope":                      "deploy read",
	})
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	return iss, c, env
}

func tokenURL() string { return srv.PublicURL + "/oauth2/token" }

// wantSubject checks that tok introspects active, for the client, with the
// assertion's subject.
func wantSubject(t *testing.T, tok, clientID, sub string) {
	t.Helper()
	in := wantActive(t, tok, true)
	if in["sub"] != sub || in["client_id"] != clientID {
		t.Errorf("introspection: sub %v, client_id %v; want %s, %s", in["sub"], in["client_id"], sub, clientID)
	}
}

func TestJWTBearerEachAssertionSource(t *testing.T) {
	iss, c, env := secretlessCI(t)

	t.Run("github-actions", func(t *testing.T) {
		e := copyEnv(env)
		e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("job-request-token", ciSubject)
		e["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "job-request-token"
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions", "--scope", "deploy")
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), c.ClientID, ciSubject)
		if r.Stderr != "" {
			t.Errorf("stderr should be empty:\n%s", r.Stderr)
		}

		// A wrong request token: GitHub's 401, explained, and no grant.
		e["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "stale-request-token"
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions")
		r.wantCode(t, 1)
		r.wantStderr(t, "401 Unauthorized", "id-token: write")
		r.wantNoLeak(t, "stale-request-token")
	})

	t.Run("env", func(t *testing.T) {
		e := copyEnv(env)
		e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--format", "json")
		r.wantCode(t, 0)
		if !strings.Contains(r.Stdout, `"access_token"`) || !strings.Contains(r.Stdout, `"expires_in"`) {
			t.Fatalf("--format json should print the whole response:\n%s", r.Stdout)
		}
	})

	t.Run("file and stdin", func(t *testing.T) {
		path := writeSecretFile(t, "token", iss.Token(ciSubject, tokenURL())+"\n")
		r := run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-file", path)
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), c.ClientID, ciSubject)

		a := iss.Token(ciSubject, tokenURL())
		r = run{Env: env, Stdin: a + "\n"}.hydra(t, "token", "jwt-bearer", "--assertion-file", "-", "-v")
		r.wantCode(t, 0)
		r.wantNoLeak(t, a, strings.Split(a, ".")[2])
		r.wantStderr(t, "assertion=***")
	})

	t.Run("private key", func(t *testing.T) {
		key := writeSecretFile(t, "key.json", iss.PrivateJWK(iss.KIDs()[0]))
		r := run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-key", key, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy")
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), c.ClientID, ciSubject)
	})
}

func TestJWTBearerRefusals(t *testing.T) {
	iss, _, env := secretlessCI(t)

	// A replayed assertion: jti is single-use.
	e := copyEnv(env)
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN").wantCode(t, 0)
	r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, "the assertion was already used", "jti_known", "single-use")
	r.wantNoLeak(t, e["CI_ID_TOKEN"])
	if r.Stdout != "" {
		t.Errorf("stdout: %q", r.Stdout)
	}

	// Another repository's token: its subject is not trusted.
	e["CI_ID_TOKEN"] = iss.Token("repo:someone/else:ref:refs/heads/main", tokenURL())
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, `the assertion's subject "repo:someone/else:ref:refs/heads/main" is not one that Hydra trusts for issuer "`+iss.URL+`"`,
		`only for the subject(s) "`+ciSubject+`"`, "No public JWK was registered")
	r.assertClean(t)

	// Without the admin API to ask, the same refusal is explained by
	// Hydra's answer alone.
	noAdmin := copyEnv(e)
	delete(noAdmin, "HYDRA_ADMIN_URL")
	r = run{Env: noAdmin}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, `Hydra trusts no key of issuer "`+iss.URL+`" for subject "repo:someone/else:ref:refs/heads/main"`, "hydra trust list --issuer")

	// An issuer Hydra does not trust at all.
	stranger := startIssuer(t)
	e["CI_ID_TOKEN"] = stranger.Token(ciSubject, tokenURL())
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, `Hydra does not trust issuer "`+stranger.URL+`" at all`, "hydra trust sync --issuer "+stranger.URL)

	// Another audience.
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, "https://api.example.com")
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, "the assertion is for another audience", `"https://api.example.com"`, tokenURL())

	// Expired.
	e["CI_ID_TOKEN"] = iss.SignWith(iss.KIDs()[0], map[string]any{"sub": ciSubject, "aud": tokenURL(), "exp": 1000000000, "iat": 999999000})
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, "the assertion has expired", "2001-09-09T01:46:40Z")

	// A scope the trust does not allow.
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--scope", "read")
	r.wantCode(t, 1)
	r.wantStderr(t, "does not allow this scope")

	// A client without the grant type.
	other := newClient(t, "deploy")
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	e["OAUTH2_CLIENT_ID"], e["OAUTH2_CLIENT_SECRET"] = other.ClientID, other.ClientSecret
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, "may not use the JWT bearer grant", "hydra client update "+other.ClientID)
}

func TestJWTBearerKeyRotation(t *testing.T) {
	iss, c, env := secretlessCI(t)
	oldKID := iss.KIDs()[0]
	oldKey := writeSecretFile(t, "old.json", iss.PrivateJWK(oldKID))

	newKID, err := iss.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	// Before the sync, the new key is not trusted.
	e := copyEnv(env)
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN")
	r.wantCode(t, 1)
	r.wantStderr(t, `Hydra does not trust the key "`+newKID+`"`, `it trusts only the key(s) "`+oldKID+`"`, "--prune")

	res, sr := trustSync(t, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy", "--prune")
	if res.count("create") != 1 || res.count("delete") != 1 {
		t.Fatalf("sync after the rotation: %+v", res)
	}
	for _, a := range res.Actions {
		if !a.Done || (a.Action == "create" && a.KID != newKID) || (a.Action == "delete" && a.KID != oldKID) {
			t.Errorf("action %+v", a)
		}
	}
	sr.wantStderr(t, "created 1, replaced 0, deleted 1")
	got := trustList(t, iss.URL)
	if len(got) != 1 || got[0]["public_key"].(map[string]any)["kid"] != newKID {
		t.Fatalf("after --prune: %v", got)
	}

	// The new key works, through GitHub's stand-in.
	e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("req", ciSubject)
	e["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "req"
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "github-actions", "--scope", "deploy")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), c.ClientID, ciSubject)

	// The old key is refused, however fresh its assertion.
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--private-key", oldKey, "--issuer", iss.URL, "--subject", ciSubject)
	r.wantCode(t, 1)
	r.wantStderr(t, `Hydra does not trust the key "`+oldKID+`"`, `it trusts only the key(s) "`+newKID+`"`)

	// Idempotent: nothing more to do.
	res, _ = trustSync(t, "--issuer", iss.URL, "--subject", ciSubject, "--scope", "deploy", "--prune")
	if len(res.Actions) != 1 || res.count("keep") != 1 {
		t.Errorf("second sync: %+v", res)
	}
}

func copyEnv(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
