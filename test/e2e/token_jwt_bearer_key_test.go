package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"testing"
	"time"
)

// A service that signs its own assertions with a PEM key: the key's
// thumbprint is the assertion's kid, which is the kid "trust create
// --public-key" stores, so that a refusal names the key (issue 22's
// jwt-bearer diagnosis). --assertion-key signs; --private-key, as in the
// other token commands, is the client's own private_key_jwt key, and its
// old meaning here still works, with a warning (issue 23 §7).
func TestJWTBearerPEMAssertionKey(t *testing.T) {
	issuer := fmt.Sprintf("https://svc-%d.example", time.Now().UnixNano())
	const subject = "svc-a"
	trusted, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	stranger, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	trustedPEM, trustedPub, trustedThumb := pemPair(t, trusted)
	strangerPEM, _, strangerThumb := pemPair(t, stranger)

	r := hydra(t, "trust", "create", "--issuer", issuer, "--subject", subject, "--scope", "deploy", "--expires-in", "1h", "--public-key", trustedPub, "-q")
	r.wantCode(t, 0)
	id := r.oneLine(t)
	t.Cleanup(func() { hydra(t, "trust", "delete", id) })

	c := createClientDoc(t, map[string]any{
		"grant_types":                []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"token_endpoint_auth_method": "none",
		"scope":                      "deploy",
	})
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID

	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-key", trustedPEM, "--issuer", issuer, "--subject", subject, "--scope", "deploy")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), c.ClientID, subject)

	// An untrusted PEM key is named by its thumbprint, beside the one
	// Hydra trusts; before, the assertion had no kid, and the refusal
	// said that Hydra trusted no key for the subject at all.
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-key", strangerPEM, "--issuer", issuer, "--subject", subject, "--scope", "deploy")
	r.wantCode(t, 1)
	r.wantStderr(t, fmt.Sprintf(`Hydra does not trust the key %q of issuer %q`, strangerThumb, issuer), fmt.Sprintf(`it trusts only the key(s) %q`, trustedThumb))

	// The old spelling still signs the assertion, with a warning.
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--private-key", trustedPEM, "--issuer", issuer, "--subject", subject, "--scope", "deploy")
	r.wantCode(t, 0)
	r.wantStderr(t, "warning: --private-key with --issuer and --subject is the old spelling of --assertion-key")
	wantSubject(t, r.oneLine(t), c.ClientID, subject)

	// A private_key_jwt client: --private-key authenticates it, beside
	// --assertion-key, as in every other token command.
	clientKey := newKeyPair(t, "ec")
	pkc := createClientDoc(t, map[string]any{
		"grant_types":                     []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"token_endpoint_auth_method":      "private_key_jwt",
		"token_endpoint_auth_signing_alg": clientKey.Alg,
		"jwks":                            clientKey.PublicJWKS,
		"scope":                           "deploy",
	})
	env["OAUTH2_CLIENT_ID"] = pkc.ClientID
	keyFile := writeSecretFile(t, "client.json", clientKey.PrivateJWK)
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-key", trustedPEM, "--issuer", issuer, "--subject", subject,
		"--private-key", keyFile, "--scope", "deploy")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), pkc.ClientID, subject)
	if r.Stderr != "" {
		t.Errorf("stderr: %s", r.Stderr)
	}
	// Without the client's key, Hydra refuses the client.
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-key", trustedPEM, "--issuer", issuer, "--subject", subject, "--scope", "deploy")
	r.wantCode(t, 1)
}

// OAUTH2_CLIENT_PRIVATE_KEY alone makes the client authenticate with
// private_key_jwt; it used to be ignored in silence without --auth-method,
// so that the client went as a public one and Hydra refused it.
func TestTokenClientPrivateKeyFromEnvironmentAlone(t *testing.T) {
	key := newKeyPair(t, "ec")
	c := createClientDoc(t, map[string]any{
		"grant_types":                     []string{"client_credentials"},
		"scope":                           "read",
		"token_endpoint_auth_method":      "private_key_jwt",
		"token_endpoint_auth_signing_alg": key.Alg,
		"jwks":                            key.PublicJWKS,
	})
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	env["OAUTH2_CLIENT_PRIVATE_KEY"] = key.PrivatePEM
	r := run{Env: env}.hydra(t, "token", "client", "--scope", "read")
	r.wantCode(t, 0)
	wantActive(t, r.oneLine(t), true)
	r.wantNoLeak(t, key.PrivatePEM)

	// Beside a secret, the secret wins, as before, and the key is named.
	env["OAUTH2_CLIENT_SECRET"] = "not-this-clients-secret"
	r = run{Env: env}.hydra(t, "token", "client", "--scope", "read")
	r.wantStderr(t, "warning: OAUTH2_CLIENT_PRIVATE_KEY is set but not used", "--auth-method private_key_jwt")
}
