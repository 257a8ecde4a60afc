package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// consentSessions lists subject's consent sessions through the CLI.
func consentSessions(t *testing.T, subject string, extra ...string) []map[string]any {
	t.Helper()
	r := hydra(t, append([]string{"consent", "list", "--subject", subject, "--format", "json"}, extra...)...)
	r.wantCode(t, 0)
	var sessions []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &sessions); err != nil {
		t.Fatalf("consent list --format json: %v\n%s", err, r.Stdout)
	}
	return sessions
}

// lastFlow returns the last login and consent requests the app saw.
func lastFlow(t *testing.T, clientID string) (login, consent hydratest.FlowRequest) {
	t.Helper()
	reqs := srv.App.Requests(clientID)
	if len(reqs) < 2 || reqs[len(reqs)-2].Kind != "login" || reqs[len(reqs)-1].Kind != "consent" {
		t.Fatalf("the app did not see a login then a consent request: %+v", reqs)
	}
	return reqs[len(reqs)-2], reqs[len(reqs)-1]
}

// TestConsentAndLoginSessions lists, and revokes, consent and login
// sessions against the real Hydra, and checks their effect on the next
// authorization through the login and consent app.
func TestConsentAndLoginSessions(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	subject := fmt.Sprintf("sessions-%d@example.com", time.Now().UnixNano())
	srv.App.SetSubject(c.ClientID, subject)
	srv.App.Remember(c.ClientID)

	// A headless grant shows in consent list.
	r := hydra(t, "token", "user", "--headless", "--subject", subject, "--client-id", c.ClientID, "-p", strconv.Itoa(port),
		"--scope", "openid,offline,email", "--format", "json", "-q")
	r.wantCode(t, 0)
	headless := parseTokens(t, r)
	sessions := consentSessions(t, subject)
	if len(sessions) != 1 {
		t.Fatalf("consent list: want the headless grant, got %d sessions", len(sessions))
	}
	req, _ := sessions[0]["consent_request"].(map[string]any)
	client, _ := req["client"].(map[string]any)
	if client["client_id"] != c.ClientID || fmt.Sprint(sessions[0]["grant_scope"]) != "[openid offline email]" {
		t.Errorf("consent list: %v", sessions[0])
	}
	r = hydra(t, "consent", "list", "--subject", subject)
	r.wantCode(t, 0)
	if !strings.HasPrefix(r.Stdout, "CLIENT ID") || !strings.Contains(r.Stdout, c.ClientID) || !strings.Contains(r.Stdout, "openid offline email") ||
		!strings.Contains(r.Stdout, "not remembered") {
		t.Errorf("consent list table:\n%s", r.Stdout)
	}

	// The browser, whose cookies last between runs, signs in through the
	// app, which remembers login and consent for this client.
	env := driverEnv(t, filepath.Join(t.TempDir(), "page.html"))
	env[envDriver+"_JAR"] = filepath.Join(t.TempDir(), "cookies.json")
	browse := func() tokenJSON {
		t.Helper()
		r := run{Env: env}.hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--format", "json", "-q")
		r.wantCode(t, 0)
		return parseTokens(t, r)
	}
	browse()
	if login, consent := lastFlow(t, c.ClientID); login.Skip || consent.Skip {
		t.Fatalf("the first remembered sign-in: login %+v, consent %+v; want neither skipped", login, consent)
	}
	remembered := browse()
	if login, consent := lastFlow(t, c.ClientID); !login.Skip || !consent.Skip {
		t.Fatalf("the second sign-in: login %+v, consent %+v; want both remembered", login, consent)
	}

	// Revoking the consent: the list is empty, the tokens are gone, and
	// the next sign-in asks for consent again.
	r = hydra(t, "consent", "revoke", "--subject", subject)
	r.wantCode(t, 2)
	if !strings.Contains(r.Stderr, "--all") {
		t.Errorf("revoking without --client must ask for --all: %s", r.Stderr)
	}
	r = hydra(t, "consent", "revoke", "--subject", subject, "--client-id", c.ClientID)
	r.wantCode(t, 0)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "Revoked ") || !strings.Contains(r.Stderr, "Hydra lists none now") {
		t.Errorf("consent revoke: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	if s := consentSessions(t, subject, "--client", c.ClientID); len(s) != 0 {
		t.Fatalf("consent list after revoke: %d sessions", len(s))
	}
	wantActive(t, headless.AccessToken, false)
	wantActive(t, remembered.AccessToken, false)
	browse()
	if login, consent := lastFlow(t, c.ClientID); !login.Skip || consent.Skip {
		t.Fatalf("after consent revoke: login %+v, consent %+v; want the login remembered and consent asked again", login, consent)
	}

	// Revoking it again: nothing listed before, said so, and no claim.
	r = hydra(t, "consent", "revoke", "--subject", subject+".nobody", "--all")
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "Revoked") || !strings.Contains(r.Stderr, "listed no consent session") {
		t.Errorf("revoking nothing must not claim a revocation: %s", r.Stderr)
	}

	// Ending the login sessions: the next sign-in asks to log in again.
	r = hydra(t, "login", "revoke", "--subject", subject)
	r.wantCode(t, 0)
	tok := browse()
	if login, _ := lastFlow(t, c.ClientID); login.Skip {
		t.Fatalf("after login revoke --subject the login was still remembered: %+v", login)
	}
	// One session by its ID, the sid claim of the ID token.
	r = hydra(t, "token", "decode", "--format", "jsonpath=claims.sid", tok.IDToken)
	r.wantCode(t, 0)
	sid := strings.TrimSpace(r.Stdout)
	browse()
	if login, _ := lastFlow(t, c.ClientID); !login.Skip {
		t.Fatalf("the login session should be remembered again: %+v", login)
	}
	r = hydra(t, "login", "revoke", "--sid", sid)
	r.wantCode(t, 0)
	browse()
	if login, _ := lastFlow(t, c.ClientID); login.Skip {
		t.Fatalf("after login revoke --sid the login was still remembered: %+v", login)
	}
}
