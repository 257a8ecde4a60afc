package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// startV26 starts a Hydra v26.2.0, the first release line with the device
// authorization grant, for one test.
func startV26(t *testing.T) *hydratest.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	s, err := hydratest.Start(ctx, hydratest.Options{Version: hydratest.HydraV26})
	if err != nil {
		t.Fatalf("starting Hydra %s: %v", hydratest.HydraV26, err)
	}
	t.Cleanup(s.Stop)
	return s
}

// deviceClient creates a client that may use the device grant and refresh
// its tokens, authenticating with method.
func deviceClient(t *testing.T, s *hydratest.Server, method string) hydratest.Client {
	t.Helper()
	c, err := s.CreateClient(map[string]any{
		"grant_types":                []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
		"scope":                      "openid offline email",
		"token_endpoint_auth_method": method,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deviceArgs are the credentials of c on the command line, per method.
func deviceArgs(t *testing.T, c hydratest.Client, method string) []string {
	args := []string{"--client-id", c.ClientID}
	if method != "none" {
		args = append(args, "--auth-method", method, "--client-secret-file", writeSecretFile(t, "secret", c.ClientSecret))
	}
	return args
}

// introspectOn introspects tok on s's admin API with the CLI.
func introspectOn(t *testing.T, s *hydratest.Server, tok string) map[string]any {
	t.Helper()
	r := run{Env: map[string]string{"HYDRA_ADMIN_URL": s.AdminURL}}.hydra(t, "token", "introspect", "--format", "json", tok)
	r.wantCode(t, 0)
	var v map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("introspection: %v\n%s", err, r.Stdout)
	}
	if v["active"] != true {
		t.Fatalf("the access token is not active: %s", r.Stdout)
	}
	return v
}

// completeURL waits for the complete verification URL on the CLI's stderr.
func (p *proc) completeURL(t *testing.T) string {
	t.Helper()
	for line := range p.lines {
		if u, ok := hydratest.CompleteVerificationURL(line); ok {
			return u
		}
	}
	t.Fatalf("the CLI printed no complete verification URL on stderr:\n%s", p.errText())
	return ""
}

func TestTokenDevice(t *testing.T) {
	s := startV26(t)
	env := map[string]string{"HYDRA_URL": s.PublicURL}

	t.Run("a person signs in through the verification app", func(t *testing.T) {
		for _, spelling := range [][]string{{"token", "device"}, {"perform", "device-code"}} {
			t.Run(strings.Join(spelling, " "), func(t *testing.T) {
				c := deviceClient(t, s, "none")
				s.App.SetSubject(c.ClientID, "dana@example.com")
				before := s.App.Devices()
				p := start(t, env, append(spelling, "--client-id", c.ClientID, "--no-open", "--format", "json")...)
				complete := p.completeURL(t)
				final, err := hydratest.Browse(complete, "")
				if err != nil {
					t.Fatalf("the person's browser: %v", err)
				}
				if !strings.HasSuffix(final.Path, "/device/success") {
					t.Errorf("the browser ended at %s, not urls.device.success", final)
				}
				r := p.wait(t)
				r.wantCode(t, 0)
				r.assertClean(t)
				tok := parseTokens(t, r)
				if tok.IDToken == "" || tok.RefreshToken == "" {
					t.Errorf("want ID and refresh tokens with the default scopes offline,openid: %s", r.Stdout)
				}
				assertNoTokensOn(t, "stderr", r.Stderr, tok)
				if got := introspectOn(t, s, tok.AccessToken)["sub"]; got != "dana@example.com" {
					t.Errorf("the access token is for %v, want the person who signed in", got)
				}
				if s.App.Devices() != before+1 {
					t.Errorf("the verification app accepted %d device requests, want 1", s.App.Devices()-before)
				}
				for _, want := range []string{"/oauth2/device/verify", complete} {
					if !strings.Contains(r.Stderr, want) {
						t.Errorf("stderr does not show %s:\n%s", want, r.Stderr)
					}
				}
			})
		}
	})

	t.Run("headless, with every auth method", func(t *testing.T) {
		for _, method := range []string{"none", "client_secret_basic", "client_secret_post"} {
			t.Run(method, func(t *testing.T) {
				c := deviceClient(t, s, method)
				args := append([]string{"token", "device", "--headless", "--subject", "erin@example.com", "--admin-endpoint", s.AdminURL, "--format", "json"}, deviceArgs(t, c, method)...)
				r := run{Env: env}.hydra(t, args...)
				r.wantCode(t, 0)
				r.assertClean(t)
				tok := parseTokens(t, r)
				if got := introspectOn(t, s, tok.AccessToken)["sub"]; got != "erin@example.com" {
					t.Errorf("the access token is for %v, want --subject", got)
				}
				r.wantNoLeak(t, c.ClientSecret)
			})
		}
		t.Run("private_key_jwt", func(t *testing.T) {
			k := newKeyPair(t, "ec")
			c, err := s.CreateClient(map[string]any{
				"grant_types":                     []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
				"scope":                           "openid offline",
				"token_endpoint_auth_method":      "private_key_jwt",
				"token_endpoint_auth_signing_alg": k.Alg,
				"jwks":                            k.PublicJWKS,
			})
			if err != nil {
				t.Fatal(err)
			}
			r := run{Env: env}.hydra(t, "token", "device", "--headless", "--subject", "gail@example.com", "--admin-endpoint", s.AdminURL, "--format", "json",
				"--client-id", c.ClientID, "--private-key", writeSecretFile(t, "key.pem", k.PrivatePEM))
			r.wantCode(t, 0)
			tok := parseTokens(t, r)
			if got := introspectOn(t, s, tok.AccessToken)["sub"]; got != "gail@example.com" {
				t.Errorf("the access token is for %v, want --subject", got)
			}
		})
	})

	t.Run("--cache reuses the token with no new device flow", func(t *testing.T) {
		c := deviceClient(t, s, "none")
		cacheEnv := map[string]string{"HYDRA_URL": s.PublicURL, "XDG_CACHE_HOME": t.TempDir()}
		first := run{Env: cacheEnv}.hydra(t, "token", "device", "--client-id", c.ClientID, "--headless", "--subject", "finn@example.com", "--admin-endpoint", s.AdminURL, "--cache", "--format", "jsonpath=access_token")
		first.wantCode(t, 0)
		// The admin API is unreachable now: a second device flow would
		// fail, so the token can only come from the cache.
		second := run{Env: cacheEnv}.hydra(t, "token", "device", "--client-id", c.ClientID, "--headless", "--subject", "finn@example.com", "--admin-endpoint", "http://127.0.0.1:1", "--cache", "--format", "jsonpath=access_token")
		second.wantCode(t, 0)
		if a, b := strings.TrimSpace(first.Stdout), strings.TrimSpace(second.Stdout); a == "" || a != b {
			t.Errorf("the second run printed %q, want the cached %q", b, a)
		}
		// --force-refresh spends the refresh token: a new token, still no
		// device flow.
		third := run{Env: cacheEnv}.hydra(t, "token", "device", "--client-id", c.ClientID, "--headless", "--subject", "finn@example.com", "--admin-endpoint", "http://127.0.0.1:1", "--cache", "--force-refresh", "--format", "jsonpath=access_token")
		third.wantCode(t, 0)
		if b := strings.TrimSpace(third.Stdout); b == "" || b == strings.TrimSpace(first.Stdout) {
			t.Errorf("--force-refresh printed %q, want a refreshed token", b)
		} else if got := introspectOn(t, s, b)["sub"]; got != "finn@example.com" {
			t.Errorf("the refreshed token is for %v", got)
		}
	})

	t.Run("--timeout with nobody signing in", func(t *testing.T) {
		c := deviceClient(t, s, "none")
		start := time.Now()
		r := run{Env: env}.hydra(t, "token", "device", "--client-id", c.ClientID, "--no-open", "--timeout", "3s")
		r.wantCode(t, 1)
		r.assertClean(t)
		r.wantStderr(t, "timed out after 3s waiting for the sign-in", "raise --timeout")
		if r.Stdout != "" {
			t.Errorf("stdout carries %q", r.Stdout)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("took %s to time out after 3s", d)
		}
	})
}

// TestTokenDeviceRefusesAnOlderHydra: Hydra v2.3.0 has no device grant.
func TestTokenDeviceRefusesAnOlderHydra(t *testing.T) {
	for _, args := range [][]string{
		{"token", "device", "--client-id", "my-cli"},
		{"perform", "device-code", "--client-id", "my-cli"},
		// Past discovery, straight to the endpoint: Hydra v2.3.0 answers 404.
		{"token", "device", "--client-id", "my-cli", "--scope", "offline", "--device-auth-url", srv.PublicURL + "/oauth2/device/auth"},
	} {
		r := hydra(t, args...)
		r.wantCode(t, 1)
		r.assertClean(t)
		r.wantStderr(t, "device authorization grant", "v25.4.0")
	}
}
