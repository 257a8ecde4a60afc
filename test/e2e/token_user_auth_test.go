package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// token user authenticates with every method the other token commands
// take, through the same grant layer.
func TestTokenUserAuthMethods(t *testing.T) {
	for _, method := range []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"} {
		t.Run(method, func(t *testing.T) {
			c := authCodeClient(t, 4446, method == "none", nil)
			env := serverEnv()
			env["OAUTH2_CLIENT_ID"] = c.ClientID
			var args []string
			switch method {
			case "client_secret_basic":
				// The default with a secret: no --auth-method.
				env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
			case "client_secret_post":
				env["OAUTH2_CLIENT_SECRET"] = c.ClientSecret
				args = useMethod(t, c, method)
			case "private_key_jwt":
				args = useMethod(t, c, method)
			}
			r := run{Env: env}.hydra(t, append([]string{"token", "user", "--headless", "--subject", "pat", "--format", "json"}, args...)...)
			r.wantCode(t, 0)
			r.assertClean(t)
			tok := parseTokens(t, r)
			in := wantActive(t, tok.AccessToken, true)
			if in["client_id"] != c.ClientID || in["sub"] != "pat" {
				t.Errorf("introspection: %v", in)
			}
			r.wantNoLeak(t, c.ClientSecret)
		})
	}
}

// The browser flow of a public client succeeds with a secret left in
// OAUTH2_CLIENT_SECRET; before, the exchange failed with 401.
func TestTokenUserPublicClientWithSecretInEnvironment(t *testing.T) {
	port := freePort(t)
	c := authCodeClient(t, port, true, nil)
	env := driverEnv(t, filepath.Join(t.TempDir(), "page.html"))
	env["OAUTH2_CLIENT_SECRET"] = "left-over-secret-of-another-client"
	r := run{Env: env}.hydra(t, "token", "user", "--client-id", c.ClientID, "-p", strconv.Itoa(port), "--format", "json")
	r.wantCode(t, 0)
	tok := parseTokens(t, r)
	wantActive(t, tok.AccessToken, true)
	r.wantStderr(t, "is public")
	r.wantNoLeak(t, "left-over-secret-of-another-client")
}

// Behind a port-forward or a proxy, Hydra's issuer is a URL the CLI does
// not reach. Without --issuer the command refuses to start and names the
// way through; with it, the ID token is verified against that issuer.
func TestTokenUserIssuerDiffersFromEndpoint(t *testing.T) {
	const issuer = "https://auth.example.test"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	proxied, err := hydratest.Start(ctx, hydratest.Options{Issuer: issuer})
	if err != nil {
		t.Fatal(err)
	}
	defer proxied.Stop()
	c, err := proxied.CreateClient(map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid offline",
		"redirect_uris":              []string{"http://127.0.0.1:4446/callback"},
		"token_endpoint_auth_method": "none",
	})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HYDRA_URL": proxied.PublicURL, "HYDRA_ADMIN_URL": proxied.AdminURL, "OAUTH2_CLIENT_ID": c.ClientID}
	args := []string{"token", "user", "--headless", "--subject", "quinn", "--format", "json"}

	r := run{Env: env}.hydra(t, args...)
	r.wantCode(t, 1)
	r.wantStderr(t, "the issuer is "+issuer, "--issuer "+issuer)
	if r.Stdout != "" {
		t.Errorf("stdout should be empty: %q", r.Stdout)
	}

	r = run{Env: env}.hydra(t, append(args, "--issuer", "https://wrong.example.test")...)
	r.wantCode(t, 1)
	r.wantStderr(t, "not --issuer https://wrong.example.test")

	r = run{Env: env}.hydra(t, append(args, "--issuer", issuer)...)
	r.wantCode(t, 0)
	tok := parseTokens(t, r)
	if tok.IDToken == "" {
		t.Fatalf("no ID token: %s", r.Stdout)
	}
	// The ID token names the configured issuer, and verifies against it
	// with the keys read from the endpoint.
	d := run{Env: map[string]string{"HYDRA_URL": proxied.PublicURL}}.hydra(t, "token", "decode", "--jwks-url", proxied.PublicURL+"/.well-known/jwks.json", "--format", "jsonpath=claims.iss", tok.IDToken)
	d.wantCode(t, 0)
	if got := strings.TrimSpace(d.Stdout); strings.TrimSuffix(got, "/") != issuer {
		t.Errorf("iss = %q, want %q", got, issuer)
	}
}

// Behind a port-forward, Hydra's issuer is usually its public URL too
// (urls.self.public unset): its redirects within the flow go to the
// issuer's host, while the command and its cookies are on -e's. Here the
// issuer is http://127.0.0.1:PORT and -e http://localhost:PORT, the same
// server under two host names, as through `kubectl port-forward`. Before,
// both flows failed with Hydra's "No CSRF value available in the session
// cookie".
func TestTokenUserIssuerIsPublicURL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fwd, err := hydratest.Start(ctx, hydratest.Options{IssuerOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Stop()
	issuer := fwd.PublicURL
	endpoint := strings.Replace(fwd.PublicURL, "127.0.0.1", "localhost", 1)
	port := freePort(t)
	c, err := fwd.CreateClient(map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid offline",
		"redirect_uris":              []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)},
		"token_endpoint_auth_method": "none",
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, r result) {
		t.Helper()
		r.wantCode(t, 0)
		tok := parseTokens(t, r)
		if tok.IDToken == "" || tok.AccessToken == "" {
			t.Fatalf("no tokens: %s", r.Stdout)
		}
		in := run{Env: map[string]string{"HYDRA_ADMIN_URL": fwd.AdminURL}, Stdin: tok.AccessToken}.hydra(t, "token", "introspect", "--format", "json", "-")
		in.wantCode(t, 0)
		if !strings.Contains(in.Stdout, `"active":true`) || !strings.Contains(in.Stdout, c.ClientID) {
			t.Errorf("introspection: %s", in.Stdout)
		}
	}

	t.Run("headless", func(t *testing.T) {
		env := map[string]string{"HYDRA_ADMIN_URL": fwd.AdminURL, "OAUTH2_CLIENT_ID": c.ClientID}
		r := run{Env: env}.hydra(t, "token", "user", "-e", endpoint, "--issuer", issuer,
			"--headless", "--subject", "fwd-user", "-p", strconv.Itoa(port), "--timeout", "30s", "--format", "json")
		check(t, r)
		r.assertClean(t)
	})

	t.Run("browser", func(t *testing.T) {
		env := driverEnv(t, filepath.Join(t.TempDir(), "page.html"))
		delete(env, "HYDRA_URL")
		env["OAUTH2_CLIENT_ID"] = c.ClientID
		r := run{Env: env}.hydra(t, "token", "user", "-e", endpoint, "--issuer", issuer,
			"-p", strconv.Itoa(port), "--timeout", "30s", "--format", "json")
		check(t, r)
		// The browser is sent to the issuer's host, and told so.
		r.wantStderr(t, "its public URL "+issuer)
	})
}
