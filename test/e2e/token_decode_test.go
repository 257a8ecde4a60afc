package e2e

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// idToken gets an ID token for a new client through the fixture, not the
// CLI.
func idToken(t *testing.T) (hydratest.Client, string) {
	t.Helper()
	port := freePort(t)
	c := authCodeClient(t, port, false, nil)
	tok, err := srv.AuthorizationCode(c, "http://127.0.0.1:"+itoa(port)+"/callback", "openid")
	if err != nil {
		t.Fatal(err)
	}
	return c, tok.IDToken
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestTokenDecodeVerifiesAnIDToken(t *testing.T) {
	c, id := idToken(t)
	r := hydra(t, "token", "decode", id)
	r.wantCode(t, 0)
	for _, want := range []string{"HEADER", "RS256", "CLAIMS", "sub", hydratest.DefaultSubject, c.ClientID,
		"SIGNATURE  verified with the keys at " + srv.PublicURL + "/.well-known/jwks.json"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	// Times are dates.
	if !strings.Contains(r.Stdout, "exp") || !strings.Contains(r.Stdout, "T") || !strings.Contains(r.Stdout, "Z (in ") {
		t.Errorf("exp should show as a date:\n%s", r.Stdout)
	}
	if r.Stderr != "" {
		t.Errorf("stderr should be empty:\n%s", r.Stderr)
	}

	r = hydra(t, "token", "decode", "--format", "json", id)
	r.wantCode(t, 0)
	var doc struct {
		Header    map[string]any    `json:"header"`
		Claims    map[string]any    `json:"claims"`
		Dates     map[string]string `json:"dates"`
		Signature struct {
			Verified bool `json:"verified"`
		} `json:"signature"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Signature.Verified || doc.Claims["sub"] != hydratest.DefaultSubject || doc.Header["alg"] != "RS256" || !strings.HasSuffix(doc.Dates["exp"], "Z") {
		t.Errorf("unexpected document: %s", r.Stdout)
	}

	// From stdin, and with --jwks-url.
	r = run{Env: serverEnv(), Stdin: id + "\n"}.hydra(t, "token", "decode", "--jwks-url", srv.PublicURL+"/.well-known/jwks.json", "--format", "jsonpath=claims.iss", "-")
	r.wantCode(t, 0)
	if strings.TrimSpace(r.Stdout) != srv.PublicURL {
		t.Errorf("iss = %q, want %s", r.Stdout, srv.PublicURL)
	}
}

func TestTokenDecodeRejectsATamperedToken(t *testing.T) {
	_, id := idToken(t)
	parts := strings.Split(id, ".")
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(claims), hydratest.DefaultSubject, "admin@example.com", 1)
	if forged == string(claims) {
		t.Fatal("the subject is not in the claims")
	}
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]

	r := hydra(t, "token", "decode", tampered)
	r.wantCode(t, 1)
	r.assertClean(t)
	if r.Stdout != "" {
		t.Errorf("a token that fails verification must not be shown:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "signature does not verify") {
		t.Errorf("stderr should say the signature does not verify:\n%s", r.Stderr)
	}

	// --no-verify shows it, with a warning.
	r = hydra(t, "token", "decode", "--no-verify", tampered)
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, "admin@example.com") || !strings.Contains(r.Stdout, "not verified") || !strings.Contains(r.Stderr, "warning: --no-verify") {
		t.Errorf("--no-verify should show the claims with a warning:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
}

func TestTokenDecodeExplainsOtherTokens(t *testing.T) {
	_, opaque := accessToken(t)
	for _, tc := range []struct{ token, want string }{
		{opaque, "hydra token introspect"},
		{"a.b.c.d.e", "encrypted"},
		{"not-a-jwt", "not a JWT"},
	} {
		r := hydra(t, "token", "decode", tc.token)
		r.wantCode(t, 1)
		if !strings.Contains(r.Stderr, tc.want) || r.Stdout != "" {
			t.Errorf("decode %s: want %q on stderr:\n%s", tc.token, tc.want, r.Stderr)
		}
	}
}
