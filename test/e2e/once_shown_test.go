package e2e

// A value that the server shows once (a rotated refresh token, a token bought
// with a single-use assertion) is never lost, whatever --format selects:
// when stdout does not carry it, stderr does (issue 22, point 6).

import (
	"encoding/json"
	"strings"
	"testing"
)

// shownOnStderr returns the token response that a once-shown warning put on
// stderr, after its "Here it is:" or "Here they are:" line.
func shownOnStderr(t *testing.T, r result) tokenJSON {
	t.Helper()
	i := strings.Index(r.Stderr, "shown only once")
	if i < 0 {
		t.Fatalf("no once-shown warning on stderr:\n%s", r.Stderr)
	}
	rest := r.Stderr[i:]
	j := strings.Index(rest, "{")
	if j < 0 {
		t.Fatalf("the warning shows no token response:\n%s", r.Stderr)
	}
	var tok tokenJSON
	if err := json.NewDecoder(strings.NewReader(rest[j:])).Decode(&tok); err != nil {
		t.Fatalf("stderr does not hold the token response: %v\n%s", err, r.Stderr)
	}
	return tok
}

// token refresh with a mistyped selector: the old refresh token is spent,
// and the new one is on stderr, where the chain goes on.
func TestTokenRefreshSelectorMissKeepsTheNewRefreshToken(t *testing.T) {
	c := codeClient(t)
	old := userTokens(t, c)
	r := run{Env: clientEnv(c)}.hydra(t, "token", "refresh", "--format", "jsonpath=acces_token", old.RefreshToken)
	r.wantCode(t, 1)
	if r.Stdout != "" {
		t.Errorf("stdout = %q, want nothing: the selector selects nothing", r.Stdout)
	}
	r.wantStderr(t, `jsonpath "acces_token" selects nothing`)
	tok := shownOnStderr(t, r)
	if tok.RefreshToken == "" || tok.RefreshToken == old.RefreshToken {
		t.Fatalf("stderr should hold the new refresh token:\n%s", r.Stderr)
	}
	wantActive(t, tok.AccessToken, true)
	// The chain goes on from the token shown on stderr.
	r = run{Env: clientEnv(c)}.hydra(t, "token", "refresh", "--format", "jsonpath=refresh_token", tok.RefreshToken)
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "shown only once") {
		t.Errorf("the selection holds the refresh token, yet stderr repeats it:\n%s", r.Stderr)
	}
}

// token jwt-bearer spends the assertion: a selector that misses still
// leaves the token it bought, on stderr.
func TestJWTBearerSelectorMissKeepsTheToken(t *testing.T) {
	iss, c, env := secretlessCI(t)
	e := copyEnv(env)
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--scope", "deploy", "--format", "jsonpath=acces_token")
	r.wantCode(t, 1)
	if r.Stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.Stdout)
	}
	tok := shownOnStderr(t, r)
	wantSubject(t, tok.AccessToken, c.ClientID, ciSubject)

	// A selection that leaves the token out shows it too; one that holds
	// it adds nothing on stderr.
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--scope", "deploy", "--format", "jsonpath=expires_in")
	r.wantCode(t, 0)
	wantSubject(t, shownOnStderr(t, r).AccessToken, c.ClientID, ciSubject)
	e["CI_ID_TOKEN"] = iss.Token(ciSubject, tokenURL())
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--scope", "deploy", "--format", "jsonpath=access_token")
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "shown only once") {
		t.Errorf("stdout holds the token, yet stderr repeats it:\n%s", r.Stderr)
	}
}

// token user: a selection without the refresh token (or one that selects
// nothing) shows the token response on stderr, and its refresh token works.
func TestTokenUserSelectionKeepsTheRefreshToken(t *testing.T) {
	c := authCodeClient(t, 4446, false, nil)
	env := serverEnv()
	env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
	for _, tc := range []struct {
		format string
		code   int
	}{
		{"jsonpath=sub", 1},
		{"jsonpath=access_token", 0},
	} {
		t.Run(tc.format, func(t *testing.T) {
			r := run{Env: env}.hydra(t, "token", "user", "--headless", "--subject", "dana", "--client-id", c.ClientID, "--scope", "openid,offline", "--format", tc.format)
			r.wantCode(t, tc.code)
			tok := shownOnStderr(t, r)
			if tok.RefreshToken == "" {
				t.Fatalf("stderr holds no refresh token:\n%s", r.Stderr)
			}
			wantActive(t, tok.RefreshToken, true)
		})
	}
}
