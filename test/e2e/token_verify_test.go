package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/test/hydratest"
)

// accessTokenSet is the key set Hydra signs JWT access tokens with.
const accessTokenSet = "hydra.jwt.access-token"

// TestTokenVerify runs token verify against a Hydra v2.3.0 of its own,
// whose keys it rotates and which it stops: JWT access tokens of a client
// with access_token_strategy jwt, an ID token from token user --headless,
// the failures, a rotated key picked up by the one reload, and a stream.
func TestTokenVerify(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	own, err := hydratest.Start(ctx, hydratest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			own.Stop()
		}
	}()
	env := map[string]string{"HYDRA_URL": own.PublicURL, "HYDRA_ADMIN_URL": own.AdminURL}
	cliRun := func(stdin string, args ...string) result {
		t.Helper()
		return run{Env: env, Stdin: stdin}.hydra(t, args...)
	}

	// A client whose access tokens are JWTs (a per-client setting of
	// Hydra v2.3), with audience api.
	jwtClient, err := own.CreateClient(map[string]any{
		"grant_types":                []string{"client_credentials"},
		"scope":                      "read write",
		"audience":                   []string{"api"},
		"token_endpoint_auth_method": "client_secret_basic",
		"access_token_strategy":      "jwt",
	})
	if err != nil {
		t.Fatal(err)
	}
	mint := func(c hydratest.Client, scopes ...string) string {
		t.Helper()
		tok, err := own.ClientCredentialsFor(c, []string{"api"}, scopes...)
		if err != nil {
			t.Fatal(err)
		}
		return tok.AccessToken
	}
	at1 := mint(jwtClient, "read")
	if strings.Count(at1, ".") != 2 || strings.HasPrefix(at1, "ory_at_") {
		t.Fatalf("access_token_strategy jwt gave a token that is not a JWT: %.20s...", at1)
	}
	kid1 := headerOf(t, at1)["kid"]

	// A client whose access tokens expire after a second.
	shortClient, err := own.CreateClient(map[string]any{
		"grant_types": []string{"client_credentials"}, "scope": "read", "audience": []string{"api"},
		"token_endpoint_auth_method": "client_secret_basic", "access_token_strategy": "jwt",
	})
	if err != nil {
		t.Fatal(err)
	}
	adminPut(t, own, "/admin/clients/"+shortClient.ClientID+"/lifespans", `{"client_credentials_grant_access_token_lifespan":"1s"}`)
	short := mint(shortClient, "read")

	// An opaque token, Hydra's default.
	opaqueClient, err := own.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "scope": "read", "audience": []string{"api"}, "token_endpoint_auth_method": "client_secret_basic"})
	if err != nil {
		t.Fatal(err)
	}
	opaque := mint(opaqueClient, "read")

	// An ID token, through the CLI's headless sign-in.
	userClient, err := own.CreateClient(map[string]any{
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code", "id_token"},
		"scope": "openid offline", "redirect_uris": []string{"http://127.0.0.1:4446/callback"}, "token_endpoint_auth_method": "client_secret_basic",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := cliRun("", "token", "user", "--headless", "--subject", "verify-user", "--client-id", userClient.ClientID,
		"--client-secret-file", writeSecretFile(t, "secret", userClient.ClientSecret), "--scope", "openid", "--format", "json")
	r.wantCode(t, 0)
	var userTokens struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &userTokens); err != nil || userTokens.IDToken == "" {
		t.Fatalf("no ID token: %v\n%s", err, r.Stdout)
	}
	idToken := userTokens.IDToken

	t.Run("discovery", func(t *testing.T) {
		r := cliRun("", "token", "verify", "--type", "at+jwt", "--scope", "read", "--audience", "api", at1)
		r.wantCode(t, 0)
		var claims map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &claims); err != nil || claims["client_id"] != jwtClient.ClientID || claims["iss"] != own.PublicURL {
			t.Errorf("claims: %v\n%s", err, r.Stdout)
		}
		r = cliRun("", "token", "verify", "-e", own.PublicURL, "--type", "id-token", "--audience", userClient.ClientID, "--format", "jsonpath=sub", idToken)
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) != "verify-user" {
			t.Errorf("sub = %q", r.Stdout)
		}
		r = cliRun("", "token", "verify", opaque)
		r.wantCode(t, 2)
		r.wantStderr(t, "opaque token", "hydra token introspect")
	})

	// Rotation: a stream whose keys were loaded before Hydra made a new
	// key meets a token signed with it, and reloads the keys once.
	var at2 string
	t.Run("rotated key, one reload", func(t *testing.T) {
		cmd := exec.CommandContext(ctx, cli, "token", "verify", "-v", "-")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1", "HYDRA_URL=" + own.PublicURL}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		lines.Buffer(nil, 1<<20)
		next := func() string {
			t.Helper()
			if !lines.Scan() {
				t.Fatalf("no line: %v\n%s", lines.Err(), stderr.String())
			}
			return lines.Text()
		}
		fmt.Fprintln(stdin, at1)
		if l := next(); !strings.Contains(l, `"valid":true`) {
			t.Fatalf("line 0: %s", l)
		}
		// The keys are loaded: now Hydra rotates.
		r := cliRun("", "keys", "create", accessTokenSet, "--alg", "RS256", "--format", "jsonpath=keys.0.kid")
		r.wantCode(t, 0)
		newKid := strings.TrimSpace(r.Stdout)
		at2 = mint(jwtClient, "read")
		if got := headerOf(t, at2)["kid"]; got != newKid || got == kid1 {
			t.Fatalf("Hydra signed with kid %q after keys create made %q (before: %q)", got, newKid, kid1)
		}
		forged := forgeKid(t, at1, "never-published")
		fmt.Fprintln(stdin, at2)
		fmt.Fprintln(stdin, forged)
		fmt.Fprintln(stdin, forged)
		fmt.Fprintln(stdin, at2)
		stdin.Close()
		want := []string{`"index":1,"valid":true`, `"index":2,"valid":false,"error":"signed by kid \"never-published\", which the issuer does not publish`,
			`"index":3,"valid":false`, `"index":4,"valid":true`}
		for _, w := range want {
			if l := next(); !strings.Contains(l, w) {
				t.Errorf("got %s\nwant %s", l, w)
			}
		}
		err = cmd.Wait()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
			t.Errorf("exit: %v\n%s", err, stderr.String())
		}
		if n := strings.Count(stderr.String(), "GET "+own.PublicURL+"/.well-known/jwks.json"); n != 2 {
			t.Errorf("the keys were fetched %d times, want 2 (the load, one reload):\n%s", n, stderr.String())
		}
	})

	// A key of our own in Hydra's access token set, to sign what Hydra
	// will not: a token valid only in ten minutes.
	ownKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(ownKey)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cliRun("", "keys", "import", accessTokenSet, keyFile, "--alg", "RS256", "--use", "sig", "--kid", "e2e-imported").wantCode(t, 0)
	now := time.Now()
	claims := map[string]any{"iss": own.PublicURL, "sub": "s", "client_id": "c", "scp": []string{"read"}, "aud": []string{"api"},
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	selfSigned := signRS256(t, ownKey, "e2e-imported", claims)
	claims["nbf"] = now.Add(10 * time.Minute).Unix()
	notYet := signRS256(t, ownKey, "e2e-imported", claims)

	// Save the keys, and stop Hydra: the rest is offline.
	resp, err := http.Get(own.PublicURL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	jwksFile := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwksFile, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	own.Stop()
	stopped = true
	time.Sleep(1100 * time.Millisecond) // the short token's second passes
	offline := []string{"token", "verify", "--jwks-file", jwksFile, "--issuer", own.PublicURL}

	t.Run("offline, valid", func(t *testing.T) {
		for name, tok := range map[string]string{"access token": at1, "rotated": at2, "ID token": idToken, "own key": selfSigned} {
			r := cliRun("", append(offline, "--format", "jsonpath=iss", tok)...)
			if r.Code != 0 || strings.TrimSpace(r.Stdout) != own.PublicURL {
				t.Errorf("%s: exit %d, stdout %q\n%s", name, r.Code, r.Stdout, r.Stderr)
			}
		}
	})

	parts := strings.Split(at1, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"read"`), []byte(`"admin"`), 1)) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"`+kid1+`","typ":"JWT"}`)) + "." + parts[1] + "."
	hsWithPublicKey := hmacWithPublicKey(t, jwks, kid1, parts[1])
	strangerKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	unknownKid := signRS256(t, strangerKey, "stranger", map[string]any{"iss": own.PublicURL, "exp": now.Add(time.Hour).Unix()})

	t.Run("offline, invalid", func(t *testing.T) {
		for _, tc := range []struct {
			name, token string
			flags       []string
			want        string
		}{
			{"tampered payload", tampered, nil, "the signature does not verify"},
			{"alg none", none, nil, `alg is "none"`},
			{"HS256 with the public key as secret", hsWithPublicKey, nil, `alg is "HS256", an HMAC`},
			{"unknown kid", unknownKid, nil, `signed by kid "stranger", which the issuer does not publish`},
			{"expired", short, []string{"--leeway", "0s"}, "expired "},
			{"not yet valid", notYet, nil, "not valid yet: valid in 10m"},
			{"wrong issuer", at1, []string{"--issuer", "https://other.example"}, "iss is " + own.PublicURL + ", not https://other.example"},
			{"wrong audience", at1, []string{"--audience", "billing"}, "aud is [api], not billing"},
			{"missing scope", at1, []string{"--scope", "read,write"}, "lacks scope write (granted: [read])"},
			{"an ID token for an access token", idToken, []string{"--type", "at+jwt"}, "this is an ID token (id-token), not an access token"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				args := append(append(append([]string{}, offline...), tc.flags...), tc.token)
				if tc.name == "wrong issuer" {
					args = []string{"token", "verify", "--jwks-file", jwksFile, "--issuer", "https://other.example", tc.token}
				}
				r := cliRun("", args...)
				r.wantCode(t, 3)
				r.wantStderr(t, "the token is not valid: "+tc.want)
				r.assertClean(t)
				if r.Stdout != "" {
					t.Errorf("stdout: %s", r.Stdout)
				}
				r.wantNoLeak(t, tc.token)
			})
		}
	})

	t.Run("offline stream, good and bad mixed", func(t *testing.T) {
		in := strings.Join([]string{at1, tampered, idToken, "", opaque, none, at2, "Bearer " + at1, notYet, selfSigned}, "\n") + "\n"
		r := cliRun(in, append(offline, "-")...)
		r.wantCode(t, 3)
		want := []string{`"valid":true`, "the signature does not verify", `"valid":true`, "hydra token introspect", `alg is \"none\"`,
			`"valid":true`, "Bearer prefix", "not valid yet", `"valid":true`}
		lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
		if len(lines) != len(want) {
			t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), r.Stdout)
		}
		for i, w := range want {
			if !strings.HasPrefix(lines[i], fmt.Sprintf(`{"index":%d,`, i)) || !strings.Contains(lines[i], w) || !json.Valid([]byte(lines[i])) {
				t.Errorf("line %d: %s\nwant %s", i, lines[i], w)
			}
		}
		r.wantStderr(t, "5 of 9 tokens are not valid", "invalid: token 1:")
		r.wantNoLeak(t, at1, at2, idToken, opaque)

		r = cliRun(in, append(offline, "--require-valid", "-")...)
		r.wantCode(t, 3)
		if n := strings.Count(r.Stdout, "\n"); n != 2 {
			t.Errorf("--require-valid printed %d lines:\n%s", n, r.Stdout)
		}
		r.wantStderr(t, "token 1 is not valid")
	})
}

// headerOf is a JWT's header, unverified.
func headerOf(t *testing.T, token string) map[string]string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]string
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// forgeKid swaps a JWT's header for one naming kid.
func forgeKid(t *testing.T, token, kid string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"` + kid + `","typ":"JWT"}`))
	return h + "." + parts[1] + "." + parts[2]
}

func signRS256(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", kid).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hmacWithPublicKey signs payload with HS256, keyed with the PEM of the
// issuer's public key kid: the classic algorithm-confusion forgery.
func hmacWithPublicKey(t *testing.T, jwks []byte, kid, payload string) string {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &set); err != nil {
		t.Fatal(err)
	}
	keys := set.Key(kid)
	if len(keys) == 0 {
		t.Fatalf("kid %s not in the key set", kid)
	}
	der, err := x509.MarshalPKIXPublicKey(keys[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	in := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"`+kid+`","typ":"JWT"}`)) + "." + payload
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// adminPut sends a PUT with a JSON body to Hydra's admin API.
func adminPut(t *testing.T, s *hydratest.Server, path, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, s.AdminURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT %s: %s: %s", path, resp.Status, b)
	}
}
