package e2e

import (
	"strings"
	"testing"
)

// revoke - takes one token a line: each is revoked and reported, a line
// that is not one token is refused and never sent, and the exit code says
// whether all went through. Before, all of stdin went out as one token,
// Hydra answered 200, and nothing was revoked.
func TestTokenRevokeManyFromStdin(t *testing.T) {
	c := newClient(t, "read")
	toks := clientTokens(t, c, 3)
	r := run{Env: clientEnv(c), Stdin: toks[0] + "\n\n" + toks[1] + "\r\n  " + toks[2] + "  \n"}.hydra(t, "token", "revoke", "-")
	r.wantCode(t, 0)
	r.wantStderr(t, "Revoked token 1", "Revoked token 2", "Revoked token 3", "introspection confirms it is inactive")
	// Hydra v1's line for each, in order; the tokens never on stderr.
	want := ""
	for _, tok := range toks {
		want += "Revoked OAuth 2.0 Access Token: " + tok + "\n"
		if strings.Contains(r.Stderr, tok) {
			t.Errorf("stderr shows a token:\n%s", r.Stderr)
		}
	}
	if r.Stdout != want {
		t.Errorf("stdout = %q, want %q", r.Stdout, want)
	}
	for _, tok := range toks {
		wantActive(t, tok, false)
	}

	// A line with white space inside is refused, the others revoked.
	more := clientTokens(t, c, 2)
	kept, good := more[0], more[1]
	r = run{Env: clientEnv(c), Stdin: "Bearer " + kept + "\n" + good + "\n"}.hydra(t, "token", "revoke", "-")
	r.wantCode(t, 1)
	r.wantStderr(t, "error: token 1: ", "Bearer prefix", "Revoked token 2", "1 of 2 tokens could not be revoked")
	r.wantNoLeak(t, kept)
	if r.Stdout != "Revoked OAuth 2.0 Access Token: "+good+"\n" || strings.Contains(r.Stderr, good) {
		t.Errorf("only the revoked token has a line on stdout: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	wantActive(t, good, false)
	wantActive(t, kept, true)
}

// Hydra answers 200 to a revocation of another client's token and leaves
// it active. With the admin API known, the command checks and fails; without
// it, it says plainly that nothing was verified.
func TestTokenRevokeAnotherClientsToken(t *testing.T) {
	owner, tok := accessToken(t, "read")
	other := newClient(t, "read")

	r := run{Env: clientEnv(other)}.hydra(t, "token", "revoke", tok)
	r.wantCode(t, 1)
	r.assertClean(t)
	r.wantStderr(t, "still active", "issued to client "+owner.ClientID, "not to "+other.ClientID)
	r.wantNoLeak(t, tok, other.ClientSecret)
	wantActive(t, tok, true)

	publicOnly := map[string]string{"HYDRA_URL": srv.PublicURL, "OAUTH2_CLIENT_ID": other.ClientID, "OAUTH2_CLIENT_SECRET": other.ClientSecret}
	r = run{Env: publicOnly}.hydra(t, "token", "revoke", tok)
	r.wantCode(t, 0)
	r.wantStderr(t, "accepted the revocation", "Not verified", "HYDRA_ADMIN_URL")
	if strings.Contains(r.Stderr, "Revoked") {
		t.Errorf("without verification, the command must not say the token was revoked:\n%s", r.Stderr)
	}
	wantActive(t, tok, true)

	// --admin-endpoint names the admin API too.
	r = run{Env: publicOnly}.hydra(t, "token", "revoke", "--admin-endpoint", srv.AdminURL, tok)
	r.wantCode(t, 1)
	r.wantStderr(t, "still active")

	// The owner's revocation is verified.
	r = run{Env: clientEnv(owner)}.hydra(t, "token", "revoke", tok)
	r.wantCode(t, 0)
	r.wantStderr(t, "introspection confirms it is inactive")
	wantActive(t, tok, false)
}

// refresh - takes one refresh token: two lines are refused before anything
// is sent, so no refresh token is spent.
func TestTokenRefreshRefusesSeveralLines(t *testing.T) {
	c := codeClient(t)
	a := userTokens(t, c)
	b := userTokens(t, c)
	r := run{Env: clientEnv(c), Stdin: a.RefreshToken + "\n" + b.RefreshToken + "\n"}.hydra(t, "token", "refresh", "-")
	r.wantCode(t, 2)
	r.wantStderr(t, "more than one line", "nothing was sent")
	r.wantNoLeak(t, a.RefreshToken, b.RefreshToken)
	wantActive(t, a.RefreshToken, true)
	wantActive(t, b.RefreshToken, true)

	r = run{Env: clientEnv(c)}.hydra(t, "token", "refresh", "Bearer "+a.RefreshToken)
	r.wantCode(t, 2)
	r.wantStderr(t, "Bearer prefix")
	wantActive(t, a.RefreshToken, true)

	// Surrounding white space is trimmed, as on stdin.
	r = run{Env: clientEnv(c)}.hydra(t, "token", "refresh", a.RefreshToken+" \n")
	r.wantCode(t, 0)
	wantActive(t, a.RefreshToken, false)
}

// A format that leaves the rotated refresh token out prints a warning: the
// old one is spent, and the new one was shown only in the response.
func TestTokenRefreshWarnsWhenTheNewRefreshTokenIsNotPrinted(t *testing.T) {
	c := codeClient(t)
	old := userTokens(t, c)
	r := run{Env: clientEnv(c)}.hydra(t, "token", "refresh", "--format", "jsonpath=access_token", old.RefreshToken)
	r.wantCode(t, 0)
	wantActive(t, r.oneLine(t), true)
	r.wantStderr(t, "warning: the server returned a refresh token", "--format json")

	// The pattern of docs/examples.md (token refresh) keeps the new token: write the response to a
	// new file, then read the next refresh token from it.
	c2 := codeClient(t)
	first := userTokens(t, c2)
	r = run{Env: clientEnv(c2), Stdin: first.RefreshToken + "\n"}.hydra(t, "token", "refresh", "-")
	r.wantCode(t, 0)
	next := parseTokens(t, r)
	r = run{Env: clientEnv(c2), Stdin: next.RefreshToken + "\n"}.hydra(t, "token", "refresh", "-")
	r.wantCode(t, 0)
	if parseTokens(t, r).RefreshToken == "" {
		t.Error("the chain broke")
	}
}
