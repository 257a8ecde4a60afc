// Package reliability runs every command that sends requests against
// hostile and broken servers, checks that no secret leaks into output or
// help, exercises TLS and proxy settings, and keeps docs/exit-codes.md
// honest. All traffic goes to httptest servers on loopback.
//
// The suites are tables over the commands below: a new command joins every
// suite by adding one row to commands.
package reliability

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// seedCacheEntry caches, in a new cache directory, a token of the
// confidential client c (secret secretClient) from endpoint, with an access
// and a refresh token, and returns XDG_CACHE_HOME naming it.
func seedCacheEntry(t *testing.T, endpoint string) map[string]string {
	t.Helper()
	home := t.TempDir()
	c, err := tokencache.Open(tokencache.Options{Storage: tokencache.StorageDisk, Dir: filepath.Join(home, "hydra", "tokens")})
	if err != nil {
		t.Fatal(err)
	}
	key := tokencache.Key{Issuer: endpoint + api.TokenPath, ClientID: "c", Grant: "authorization_code", Credential: cachewire.Credential("client_secret_basic", secretClient, nil)}
	_, err = c.Get(context.Background(), tokencache.Request{Key: key, MinTTL: -1, Grant: func(context.Context) (*tokencache.Token, error) {
		return tokencache.ParseResponse([]byte(`{"access_token":"`+secretToken+`","refresh_token":"`+secretRefresh+`","token_type":"bearer","expires_in":3600}`), time.Now())
	}})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"XDG_CACHE_HOME": home}
}

// shape is what a successful answer to a command's first request looks
// like. Hostile cases that corrupt one shape (an "active" that is not a
// boolean, a token response without access_token) run only against the
// commands that expect it.
type shape int

const (
	shapeIntrospection shape = iota // RFC 7662 introspection: {"active":...}
	shapeToken                      // RFC 6749 §5.1 token response: {"access_token":...}
	shapeClient                     // one OAuth 2.0 client: {"client_id":...}
	shapeClientList                 // a JSON array of clients
	shapeEmpty                      // 200/204 with no body needed (revoke, delete)
	shapeJWKS                       // a JSON Web Key Set: {"keys":[...]}
	shapeDiscovery                  // an OpenID Connect discovery document
	shapeRedirect                   // a redirect the command follows itself (the headless flow's authorization request)
	shapeTrust                      // one trust relationship: {"id":...}
	shapeIDToken                    // GitHub Actions' ID token answer: {"value":"<JWT>"}
	shapeTrustList                  // a JSON array of trust relationships
	shapeSessionList                // a JSON array of consent sessions
	shapeClaims                     // an OpenID Connect userinfo answer: {"sub":...}
)

// Secret values handed to the commands. Each is unique, so that finding it
// in any output proves a leak.
const (
	secretToken       = "tok-SECRET-6f1d2a"    // the token being introspected/revoked
	secretAccessToken = "bearer-SECRET-93be7c" // --access-token for an authorizing proxy
	secretHeader      = "hdr-SECRET-4c0a55"    // a credential passed with -H
	secretClient      = "cs-SECRET-a81f0e"     // a client secret
	secretCode        = "code-SECRET-1b77d9"   // an authorization code
	secretVerifier    = "pkce-SECRET-e2c4f8"   // a PKCE code_verifier
	secretRefresh     = "rt-SECRET-55a0b3"     // a refresh token
	secretAssertion   = "assert-SECRET-5d2c11" // the signature of a JWT bearer assertion
	secretGitHub      = "ghreq-SECRET-77e1a0"  // a GitHub Actions job's ACTIONS_ID_TOKEN_REQUEST_TOKEN
)

// assertionJWT stands for a JWT bearer assertion in a row's env or stdin:
// each run gets a fresh one (freshAssertion), as a CI job does, since
// jwt-bearer refuses an assertion it spent already.
const assertionJWT = "$ASSERTION"

// assertionAudience is the aud of the assertions, passed to jwt-bearer
// with --assertion-audience, as the stub's URL changes with each server.
const assertionAudience = "https://hydra.example/oauth2/token"

// freshAssertion is a JWT bearer assertion that carries secretAssertion
// as its signature, with the claims that jwt-bearer checks before sending
// it (aud, a fresh jti, iat and exp).
func freshAssertion() string {
	now := time.Now().Unix()
	payload, _ := json.Marshal(map[string]any{"iss": "https://i", "sub": "s", "aud": assertionAudience, "iat": now, "exp": now + 3600,
		"jti": strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.Itoa(rand.Int())})
	return "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0." + base64.RawURLEncoding.EncodeToString(payload) + "." + secretAssertion
}

// allSecrets is checked against every output of every row.
var allSecrets = []string{secretToken, secretAccessToken, secretHeader, secretClient, secretCode, secretVerifier, secretRefresh, secretAssertion, secretGitHub}

// command is one row: a command invocation that sends requests to the
// endpoint under test.
type command struct {
	// name identifies the row in test names.
	name string
	// argv is the command line after "hydra", given the stub server's URL.
	// It passes every credential the command accepts, so that leak tests
	// cover them; the endpoint may also come from env.
	argv func(endpoint string) []string
	// env is the command's environment (read through Factory.Getenv).
	// "$ENDPOINT" in a value is replaced by the stub server's URL.
	env map[string]string
	// stdin is fed to the command.
	stdin string
	// files maps a placeholder used in argv, such as "$BEARER_FILE", to
	// the content of a temporary file whose path replaces it.
	files map[string]string
	// kind is the API the endpoint names.
	kind api.Kind
	// path is the path of the command's first request, which hostile
	// answers replace.
	path string
	// shape is what a good answer to path looks like.
	shape shape
	// ok is a good answer to path, for suites that need the command to
	// succeed.
	ok string
	// retry says whether the command's first request is safe to repeat
	// (reads, introspection). Token grants must say false: they are never
	// retried, and the retry suite proves it.
	retry bool
	// good, when set, serves a whole successful run, for commands that send
	// more than one request (the headless flow); ok is then unused.
	good func() http.Handler
	// grant is the path of a later request that spends a code or a refresh
	// token, which must be sent exactly once even when it fails with 503.
	grant string
	// batch marks a command that writes a record per item on stdout,
	// failures included (batch introspection, by design: a script reads
	// which tokens failed from stdout). The suites accept such records on
	// failure, and TestRetries leaves the row out: each item is a request.
	batch bool
	// at, when set, is the only path where the hostile suite's answers
	// come; the other requests get good answers. Set by laterGrantRows.
	at string
	// sendsNoSecret marks a row whose command has nothing secret to send,
	// such as token decode fetching the keys named by a token's iss claim,
	// where -H is refused: the secrets suite then checks only that nothing
	// leaks.
	sendsNoSecret bool
	// seed, when set, prepares what the command reads before it sends
	// anything, such as a token cache entry of the endpoint, and returns
	// the environment that names it. It runs before each invocation.
	seed func(t *testing.T, endpoint string) map[string]string
	// endpointFlag is what a message about a wrong endpoint must name;
	// empty means --endpoint.
	endpointFlag string
	// echoes is a secret the command prints on stdout when it succeeds,
	// as its result: "revoke token" echoes the token it revoked, as Hydra
	// v2's CLI does. It must still never reach stderr.
	echoes string
}

// commands is the table every suite runs over. To add a command, add a row:
//
//	{
//		name:  "token client",
//		argv:  func(e string) []string { return []string{"token", "client", "-e", e, "--client-id", "c", "--client-secret-file", "-"} },
//		stdin: secretClient + "\n",
//		kind:  api.Public, path: "/oauth2/token", shape: shapeToken, retry: false,
//		ok:    `{"access_token":"at","token_type":"bearer","expires_in":3600}`,
//	},
//
// and, if it has a Hydra v2 spelling, a second row with that argv. Pass
// every credential the command takes (use the secret* constants), through
// each of argv, env, stdin and files across the rows. A command whose
// success takes several requests sets good instead of ok.
//
// Token responses in ok answers carry no secret* value: a command prints
// the token it was given, which is its result, not a leak.
var commands = []command{
	{
		name: "token introspect",
		argv: func(e string) []string {
			return []string{"token", "introspect", "-e", e, "--access-token", secretAccessToken, "-H", "X-Api-Key: " + secretHeader, secretToken}
		},
		kind: api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: introspectionOK,
	},
	{
		name:  "introspect token (v2), secrets from env and stdin",
		argv:  func(string) []string { return []string{"introspect", "token", "-"} },
		env:   map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		stdin: secretToken + "\n",
		kind:  api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: introspectionOK,
	},
	{
		name: "token introspect, bearer from a file",
		argv: func(e string) []string {
			return []string{"token", "introspect", "--endpoint", e, "--access-token-file", "$BEARER_FILE", "--scope", "read", "--format", "table", secretToken}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken + "\n"},
		kind:  api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: introspectionOK,
	},
	{
		// Batch introspection: a failing server gets a short answer, not
		// one message per token.
		name: "token introspect, thirty tokens from stdin",
		argv: func(e string) []string {
			return []string{"token", "introspect", "-e", e, "--access-token-file", "$BEARER_FILE", "-"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		stdin: manyTokens(30),
		kind:  api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: introspectionOK, batch: true,
	},

	// The grants: never retried.
	{
		name: "token client, secret from stdin, basic auth",
		argv: func(e string) []string {
			return []string{"token", "client", "-e", e, "--client-id", "c", "--client-secret-file", "-", "--scope", "read"}
		},
		stdin: secretClient + "\n",
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		// The cache's seam (cachewire) between the command and the grant,
		// without a directory: hostile answers must fail as without it.
		name: "token client --cache-storage none",
		argv: func(e string) []string {
			return []string{"token", "client", "-e", e, "--client-id", "c", "--client-secret-file", "-", "--cache-storage", "none", "--format", "json"}
		},
		stdin: secretClient + "\n",
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		name: "perform client-credentials (v2), credentials from env, client_secret_post",
		argv: func(string) []string {
			return []string{"perform", "client-credentials", "--auth-method", "client_secret_post", "--format", "json", "-H", "X-Api-Key: " + secretHeader}
		},
		env:  map[string]string{"ORY_SDK_URL": "$ENDPOINT", "OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": secretClient},
		kind: api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		name: "token client, secret from a file, --token-url",
		argv: func(e string) []string {
			return []string{"token", "client", "--token-url", e + api.TokenPath, "--client-id", "c", "--client-secret-file", "$SECRET_FILE", "--format", "yaml"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient + "\n"},
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok:           tokenOK,
		endpointFlag: "--token-url",
	},
	{
		name: "token client, private_key_jwt",
		argv: func(e string) []string {
			return []string{"token", "client", "-e", e, "--client-id", "c", "--private-key", "$KEY_FILE", "-H", "X-Api-Key: " + secretHeader}
		},
		files: map[string]string{"$KEY_FILE": privateKeyPEM()},
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		name: "token refresh, refresh token on stdin, secret from a file",
		argv: func(e string) []string {
			return []string{"token", "refresh", "-e", e, "--client-id", "c", "--client-secret-file", "$SECRET_FILE", "-"}
		},
		stdin: secretRefresh + "\n",
		files: map[string]string{"$SECRET_FILE": secretClient},
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		name: "token refresh, secret on argv, client_secret_post",
		argv: func(e string) []string {
			return []string{"token", "refresh", "-e", e, "--client-id", "c", "--auth-method", "client_secret_post", "--client-secret", secretClient, "-q", "--format", "json", secretRefresh}
		},
		kind: api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},

	// The JWT bearer grant: the assertion is a secret, and the grant is
	// never retried.
	{
		name: "token jwt-bearer, assertion on stdin, public client",
		argv: func(e string) []string {
			return []string{"token", "jwt-bearer", "-e", e, "--client-id", "c", "--assertion-file", "-", "--assertion-audience", assertionAudience, "--scope", "read", "-H", "X-Api-Key: " + secretHeader}
		},
		stdin: assertionJWT + "\n",
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		name: "token jwt-bearer, assertion from env, secret from a file",
		argv: func(e string) []string {
			return []string{"token", "jwt-bearer", "-e", e, "--assertion-env", "CI_ID_TOKEN", "--assertion-audience", assertionAudience, "--client-secret-file", "$SECRET_FILE", "--format", "json"}
		},
		env:   map[string]string{"CI_ID_TOKEN": assertionJWT, "OAUTH2_CLIENT_ID": "c"},
		files: map[string]string{"$SECRET_FILE": secretClient},
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK,
	},
	{
		name: "token jwt-bearer, self-signed assertion, secret on argv",
		argv: func(e string) []string {
			return []string{"token", "jwt-bearer", "--token-url", e + api.TokenPath, "--client-id", "c", "--client-secret", secretClient, "-q",
				"--assertion-key", "$KEY_FILE", "--issuer", "https://issuer.example", "--subject", "s"}
		},
		files: map[string]string{"$KEY_FILE": privateKeyPEM()},
		kind:  api.Public, path: api.TokenPath, shape: shapeToken,
		ok: tokenOK, endpointFlag: "--token-url",
	},
	{
		// The identity token is fetched first (a read), then spent once.
		name: "token jwt-bearer --assertion-from github-actions",
		argv: func(string) []string {
			return []string{"token", "jwt-bearer", "--assertion-from", "github-actions", "--assertion-audience", assertionAudience, "--client-id", "c", "-H", "X-Api-Key: " + secretHeader}
		},
		env: map[string]string{"HYDRA_URL": "$ENDPOINT", "ACTIONS_ID_TOKEN_REQUEST_URL": "$ENDPOINT" + gitHubPath + "?api-version=2.0",
			"ACTIONS_ID_TOKEN_REQUEST_TOKEN": secretGitHub},
		kind: api.Public, path: gitHubPath, shape: shapeIDToken, retry: true,
		good: gitHubHandler, grant: api.TokenPath, endpointFlag: "ACTIONS_ID_TOKEN_REQUEST_URL",
	},

	// Revocation is a write: not retried.
	{
		name: "token revoke, secret from a file",
		argv: func(e string) []string {
			return []string{"token", "revoke", "-e", e, "--client-id", "c", "--client-secret-file", "$SECRET_FILE", secretToken}
		},
		files: map[string]string{"$SECRET_FILE": secretClient + "\n"},
		kind:  api.Public, path: api.RevokePath, shape: shapeEmpty,
		// Hydra v1's line: "Revoked OAuth 2.0 Access Token: TOKEN".
		echoes: secretToken,
	},
	{
		// The cached entry's refresh token is revoked first, with the
		// entry's client and the secret given; its server is the endpoint.
		name: "token cache clear --revoke, secret from a file",
		argv: func(string) []string {
			return []string{"token", "cache", "clear", "--revoke", "--client-id", "c", "--client-secret-file", "$SECRET_FILE"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient + "\n"},
		seed:  seedCacheEntry,
		kind:  api.Public, path: api.RevokePath, shape: shapeEmpty, endpointFlag: "--token-url",
	},
	{
		name:  "revoke token (v2), secrets from env and stdin",
		argv:  func(string) []string { return []string{"revoke", "token", "--token-type-hint", "refresh_token", "-"} },
		env:   map[string]string{"HYDRA_URL": "$ENDPOINT", "OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": secretClient},
		stdin: secretRefresh + "\n",
		kind:  api.Public, path: api.RevokePath, shape: shapeEmpty,
		echoes: secretRefresh,
	},
	{
		// Thirty tokens: a failing server gets one message, not one per
		// token (issue 23).
		name: "token revoke, thirty tokens from stdin",
		argv: func(e string) []string {
			return []string{"token", "revoke", "-e", e, "--client-id", "c", "--client-secret-file", "$SECRET_FILE", "-"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient + "\n"},
		stdin: manyTokens(30),
		kind:  api.Public, path: api.RevokePath, shape: shapeEmpty,
		echoes: secretToken,
	},

	// Deleting a client's tokens is an idempotent DELETE: retried. A GET of
	// the client follows, since Hydra answers 204 for any client ID.
	{
		name: "token delete, bearer on argv",
		argv: func(e string) []string {
			return []string{"token", "delete", "-e", e, "--client-id", "c", "--access-token", secretAccessToken, "-q"}
		},
		kind: api.Admin, path: api.DeleteTokensPath, shape: shapeEmpty, retry: true,
		good: deleteTokensHandler,
	},
	{
		name: "token flush (Hydra v1), bearer on argv",
		argv: func(e string) []string {
			return []string{"token", "flush", "-e", e, "--api-version", "v1", "--min-age", "1h", "--access-token", secretAccessToken, "-H", "X-Api-Key: " + secretHeader}
		},
		kind: api.Admin, path: api.FlushPath, shape: shapeEmpty,
	},
	{
		name:  "delete access-tokens (v2), bearer from stdin",
		argv:  func(string) []string { return []string{"delete", "access-tokens", "c", "--access-token-file", "-"} },
		env:   map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT"},
		stdin: secretAccessToken + "\n",
		kind:  api.Admin, path: api.DeleteTokensPath, shape: shapeEmpty, retry: true,
		good: deleteTokensHandler,
	},

	// Clients. A patch is not retried; a delete, and a create or import,
	// whose clients all get an ID before they are sent, are (see
	// api.WithRetry).
	{
		name: "client create, secret from a file",
		argv: func(e string) []string {
			return []string{"client", "create", "-e", e, "--name", "n", "--secret-file", "$SECRET_FILE", "--access-token-file", "$BEARER_FILE"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient + "\n", "$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name: "create oauth2-client (v2), secrets from env",
		argv: func(string) []string {
			return []string{"create", "oauth2-client", "--grant-type", "client_credentials", "--format", "json"}
		},
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "HYDRA_CLIENT_SECRET": secretClient, "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name:  "client create, secret from stdin",
		argv:  func(e string) []string { return []string{"client", "create", "-e", e, "--secret-file", "-", "-q"} },
		stdin: secretClient + "\n",
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name: "client get, bearer from a file",
		argv: func(e string) []string {
			return []string{"client", "get", "-e", e, "--access-token-file", "$BEARER_FILE", "c1", "c2"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken + "\n"},
		kind:  api.Admin, path: api.ClientsPath + "/c1", shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name: "get oauth2-client (v2), bearer from env",
		argv: func(string) []string { return []string{"get", "oauth2-client", "c1", "--format", "json"} },
		env:  map[string]string{"ORY_SDK_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.ClientsPath + "/c1", shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name: "client list, bearer on argv",
		argv: func(e string) []string {
			return []string{"client", "list", "-e", e, "--access-token", secretAccessToken, "-q"}
		},
		kind: api.Admin, path: api.ClientsPath, shape: shapeClientList, retry: true,
		ok: "[" + clientOK + "]",
	},
	{
		name: "list oauth2-clients (v2), bearer from stdin",
		argv: func(string) []string {
			return []string{"list", "oauth2-clients", "--access-token-file", "-", "--format", "json"}
		},
		env:   map[string]string{"HYDRA_URL": "$ENDPOINT"},
		stdin: secretAccessToken,
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClientList, retry: true,
		ok: "[" + clientOK + "]",
	},
	{
		name: "client update, new secret from stdin",
		argv: func(e string) []string {
			return []string{"client", "update", "-e", e, "--secret-file", "-", "--access-token", secretAccessToken, "c1"}
		},
		stdin: secretClient + "\n",
		kind:  api.Admin, path: api.ClientsPath + "/c1", shape: shapeClient,
		ok: clientOK,
	},
	{
		name: "update oauth2-client (v2), new secret on argv",
		argv: func(string) []string {
			return []string{"update", "oauth2-client", "c1", "--secret", secretClient, "-q"}
		},
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.ClientsPath + "/c1", shape: shapeClient,
		ok: clientOK,
	},
	{
		// Thirty clients: a failing server gets one message, not thirty.
		name: "client delete, thirty clients",
		argv: func(e string) []string {
			return append([]string{"client", "delete", "-e", e, "--access-token-file", "$BEARER_FILE"}, manyIDs(30)...)
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.ClientsPath + "/c1", shape: shapeEmpty, retry: true,
	},
	{
		name: "delete oauth2-client (v2)",
		argv: func(string) []string { return []string{"delete", "oauth2-client", "c1"} },
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.ClientsPath + "/c1", shape: shapeEmpty, retry: true,
	},
	{
		name: "client import, thirty clients with secrets in the file",
		argv: func(e string) []string {
			return []string{"client", "import", "-e", e, "--access-token", secretAccessToken, "$CLIENTS_FILE"}
		},
		files: map[string]string{"$CLIENTS_FILE": manyClients(30)},
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name:  "import oauth2-client (v2), from stdin",
		argv:  func(string) []string { return []string{"import", "oauth2-client", "-", "--format", "json"} },
		env:   map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		stdin: `{"client_id":"c1","client_secret":"` + secretClient + `"}`,
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},

	// Hydra v1's spelling of the client commands: the same requests, and
	// Hydra v1's lines on stdout.
	{
		name: "clients create (v1), bearer from a file",
		argv: func(e string) []string {
			return []string{"clients", "create", "-e", e, "-g", "client_credentials", "--access-token-file", "$BEARER_FILE"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name: "clients get (v1), bearer from env",
		argv: func(string) []string { return []string{"clients", "get", "c1", "c2"} },
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.ClientsPath + "/c1", shape: shapeClient, retry: true,
		ok: clientOK,
	},
	{
		name: "clients list (v1), --limit and --page",
		argv: func(e string) []string {
			return []string{"clients", "list", "-e", e, "--limit", "5", "--page", "1", "--access-token", secretAccessToken}
		},
		kind: api.Admin, path: api.ClientsPath, shape: shapeClientList, retry: true,
		ok: "[" + clientOK + "]",
	},
	{
		// Hydra v1's update echoes the new secret it was given.
		name: "clients update (v1), new secret from a file",
		argv: func(e string) []string {
			return []string{"clients", "update", "-e", e, "--secret-file", "$SECRET_FILE", "c1"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient + "\n"},
		kind:  api.Admin, path: api.ClientsPath + "/c1", shape: shapeClient,
		ok:     clientOK,
		echoes: secretClient,
	},
	{
		name: "clients delete (v1), thirty clients",
		argv: func(e string) []string {
			return append([]string{"clients", "delete", "-e", e, "--access-token-file", "$BEARER_FILE"}, manyIDs(30)...)
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.ClientsPath + "/c1", shape: shapeEmpty, retry: true,
	},
	{
		name: "clients import (v1), one client with its secret in the file",
		argv: func(e string) []string {
			return []string{"clients", "import", "-e", e, "--access-token", secretAccessToken, "$CLIENT_FILE"}
		},
		files: map[string]string{"$CLIENT_FILE": `{"client_id":"c1","client_secret":"` + secretClient + `"}`},
		kind:  api.Admin, path: api.ClientsPath, shape: shapeClient, retry: true,
		ok: clientOK,
	},

	// Trust relationships of the JWT bearer grant. Creating and deleting
	// are writes: not retried. --force leaves out create's check of the
	// key ID, a list that "trust list" covers, so that the first request
	// is the create.
	{
		name: "trust create, key from a file, bearer from a file",
		argv: func(e string) []string {
			return []string{"trust", "create", "-e", e, "--access-token-file", "$BEARER_FILE", "--issuer", "https://issuer.example",
				"--subject", "s", "--scope", "read", "--expires-in", "1h", "--jwk", "$JWK_FILE", "--force"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken, "$JWK_FILE": string(jwksJSON())},
		kind:  api.Admin, path: api.TrustPath, shape: shapeTrust,
		ok: trustOK,
	},
	{
		name: "trust create --jwks-url, bearer from env",
		argv: func(e string) []string {
			return []string{"trust", "create", "--issuer", "https://issuer.example", "--allow-any-subject", "--expires-in", "1h",
				"--jwks-url", e + jwksPath, "--kid", keyID, "-H", "X-Api-Key: " + secretHeader, "-q", "--force"}
		},
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: jwksPath, shape: shapeJWKS, retry: true,
		good: trustHandler, endpointFlag: "--jwks-url",
		// The key set's server gets no -H header and no bearer token: the
		// secrets ride only on the admin request, which the row above covers.
		sendsNoSecret: true,
	},
	{
		name: "trust get, bearer on argv",
		argv: func(e string) []string {
			return []string{"trust", "get", "-e", e, "--access-token", secretAccessToken, "t1", "--format", "yaml"}
		},
		kind: api.Admin, path: api.TrustPath + "/t1", shape: shapeTrust, retry: true,
		ok: trustOK,
	},
	{
		name: "trust list, bearer from stdin",
		argv: func(e string) []string {
			return []string{"trust", "list", "-e", e, "--access-token-file", "-", "--issuer", "https://issuer.example"}
		},
		stdin: secretAccessToken + "\n",
		kind:  api.Admin, path: api.TrustPath, shape: shapeTrustList, retry: true,
		ok: "[" + trustOK + "]",
	},
	{
		name: "trust delete, thirty IDs",
		argv: func(e string) []string {
			return append([]string{"trust", "delete", "-e", e, "--access-token", secretAccessToken}, manyIDs(30)...)
		},
		// Each delete first reads the relationship and lists its issuer's,
		// to find those that share its key: the first request is a read.
		kind: api.Admin, path: api.TrustPath + "/c1", shape: shapeTrust, retry: true,
		good: trustDeleteHandler,
	},

	// trust sync reads the issuer's discovery document and keys, lists,
	// then creates and deletes relationships.
	{
		name: "trust sync --prune, bearer from a file",
		argv: func(e string) []string {
			return []string{"trust", "sync", "-e", e, "--access-token-file", "$BEARER_FILE", "--issuer", e, "--subject", "s",
				"--scope", "read", "--prune", "--format", "json"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: discoveryPath, shape: shapeDiscovery, retry: true,
		good: syncHandler, endpointFlag: "--issuer",
		// The issuer gets no -H header and no bearer token: a failure
		// there stops the command before any secret is sent.
		sendsNoSecret: true,
	},

	// token decode's one request is for the issuer's keys: a read.
	{
		name: "token decode, keys from iss",
		argv: func(e string) []string {
			// No -H: the token's iss is not trusted with the user's headers.
			return []string{"token", "decode", signedJWT(e, nil)}
		},
		sendsNoSecret: true,
		kind:          api.Public, path: jwksPath, shape: shapeJWKS, retry: true,
		good: jwksHandler, endpointFlag: "--jwks-url",
	},
	{
		name: "token decode, --jwks-url, token from stdin",
		argv: func(e string) []string {
			return []string{"token", "decode", "--jwks-url", e + jwksPath, "-H", "Authorization: Bearer " + secretAccessToken, "--format", "json", "-"}
		},
		stdin: signedJWT("https://issuer.example", nil),
		kind:  api.Public, path: jwksPath, shape: shapeJWKS, retry: true,
		good: jwksHandler, endpointFlag: "--jwks-url",
	},

	// token verify reads discovery and the keys, or the keys alone: reads.
	{
		name: "token verify, discovery",
		argv: func(e string) []string {
			return []string{"token", "verify", "-e", e, "-H", "Authorization: Bearer " + secretAccessToken, signedJWT(e, nil)}
		},
		kind: api.Public, path: discoveryPath, shape: shapeDiscovery, retry: true,
		good: userFlowHandler,
	},
	{
		name: "token verify, --jwks-url, tokens from stdin",
		argv: func(e string) []string {
			return []string{"token", "verify", "--jwks-url", e + jwksPath, "--issuer", "https://issuer.example", "-H", "X-Api-Key: " + secretHeader, "-"}
		},
		stdin: signedJWT("https://issuer.example", nil) + "\n" + signedJWT("https://issuer.example", nil) + "\n",
		kind:  api.Public, path: jwksPath, shape: shapeJWKS, retry: true,
		good: jwksHandler, endpointFlag: "--jwks-url",
	},

	// token user --headless: discovery (a read), then the authorization
	// request, then the code exchange, a grant sent once.
	{
		name: "token user --headless, secret from a file",
		argv: func(e string) []string {
			return []string{"token", "user", "--headless", "--subject", "alice", "-e", e, "--admin-endpoint", e,
				"--client-id", "app", "--client-secret-file", "$SECRET_FILE", "--access-token-file", "$BEARER_FILE", "--format", "json"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient, "$BEARER_FILE": secretAccessToken},
		kind:  api.Public, path: discoveryPath, shape: shapeDiscovery, retry: true,
		good: userFlowHandler, grant: api.TokenPath,
	},
	{
		name: "perform authorization-code (v2) --headless, no openid, secret from env",
		argv: func(string) []string {
			return []string{"perform", "authorization-code", "--headless", "--subject", "alice", "--scope", "offline", "-q"}
		},
		env: map[string]string{"HYDRA_URL": "$ENDPOINT", "HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_CLIENT_ID": "app", "OAUTH2_CLIENT_SECRET": secretClient,
			"OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Public, path: "/oauth2/auth", shape: shapeRedirect,
		good: userFlowHandler, grant: api.TokenPath,
	},

	// token device: discovery (a read), then the device authorization
	// request and the polls of the token endpoint, a grant sent once.
	{
		name: "token device, secret from a file",
		argv: func(e string) []string {
			return []string{"token", "device", "-e", e, "--no-open", "--client-id", "app", "--client-secret-file", "$SECRET_FILE", "--format", "json"}
		},
		files: map[string]string{"$SECRET_FILE": secretClient},
		kind:  api.Public, path: discoveryPath, shape: shapeDiscovery, retry: true,
		good: deviceFlowHandler, grant: api.TokenPath,
	},
	{
		name: "perform device-code (v2), no openid, secret from env",
		argv: func(string) []string {
			return []string{"perform", "device-code", "--scope", "offline", "--no-open", "-q"}
		},
		env:  map[string]string{"HYDRA_URL": "$ENDPOINT", "OAUTH2_CLIENT_ID": "app", "OAUTH2_CLIENT_SECRET": secretClient},
		kind: api.Public, path: discoveryPath, shape: shapeDiscovery, retry: true,
		good: deviceFlowHandler, grant: api.TokenPath,
	},

	// JSON Web Key sets. Creating a key is not retried (a repeat adds a
	// second key); reads, PUTs and DELETEs are. delete first fetches what
	// it deletes, since Hydra answers 204 for anything.
	{
		name: "keys create, bearer from a file",
		argv: func(e string) []string {
			return []string{"keys", "create", "-e", e, "s1", "k1", "--alg", "ES256", "--access-token-file", "$BEARER_FILE"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken + "\n"},
		kind:  api.Admin, path: api.KeysPath + "/s1", shape: shapeJWKS,
		ok: keySetOK,
	},
	{
		name: "create jwk (v2), bearer from env",
		argv: func(string) []string {
			return []string{"create", "jwk", "s1", "--format", "json", "-H", "X-Api-Key: " + secretHeader}
		},
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.KeysPath + "/s1", shape: shapeJWKS,
		ok: keySetOK,
	},
	{
		name: "keys get --kid, bearer on argv",
		argv: func(e string) []string {
			return []string{"keys", "get", "-e", e, "s1", "--kid", "k1", "--access-token", secretAccessToken}
		},
		kind: api.Admin, path: api.KeysPath + "/s1/k1", shape: shapeJWKS, retry: true,
		ok: keySetOK,
	},
	{
		name: "get jwk (v2) as PEM, bearer from stdin",
		argv: func(string) []string {
			return []string{"get", "jwk", "s1", "s2", "--format", "pem", "--access-token-file", "-"}
		},
		env:   map[string]string{"ORY_SDK_URL": "$ENDPOINT"},
		stdin: secretAccessToken + "\n",
		kind:  api.Admin, path: api.KeysPath + "/s1", shape: shapeJWKS, retry: true,
		ok: keySetOK,
	},
	{
		name: "keys delete, two sets",
		argv: func(e string) []string {
			return []string{"keys", "delete", "-e", e, "s1", "s2", "--access-token-file", "$BEARER_FILE"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.KeysPath + "/s1", shape: shapeJWKS, retry: true,
		ok: keySetOK, good: keysDeleteHandler,
	},
	{
		name: "delete jwk (v2) --kid",
		argv: func(string) []string { return []string{"delete", "jwk", "s1", "--kid", "k1"} },
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.KeysPath + "/s1/k1", shape: shapeJWKS, retry: true,
		ok: keySetOK, good: keysDeleteHandler,
	},
	{
		name: "keys import, a private PEM key",
		argv: func(e string) []string {
			return []string{"keys", "import", "-e", e, "s1", "$KEY_FILE", "--alg", "ES256", "--use", "sig", "--kid", "k1", "--access-token", secretAccessToken}
		},
		files: map[string]string{"$KEY_FILE": privateKeyPEM()},
		kind:  api.Admin, path: api.KeysPath + "/s1/k1", shape: shapeJWKS, retry: true,
		ok: keyOK,
	},
	{
		// A public key would first have the set read, to keep a stored
		// private key from being replaced; --force sends the one PUT.
		name:  "import jwk (v2), a JWK from stdin",
		argv:  func(string) []string { return []string{"import", "jwk", "s1", "-", "--format", "json", "--force"} },
		env:   map[string]string{"HYDRA_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		stdin: keyOK,
		kind:  api.Admin, path: api.KeysPath + "/s1/k1", shape: shapeJWKS, retry: true,
		ok: keyOK,
	},

	// Sessions. Listing is a read; revoking is an idempotent DELETE:
	// both retried. consent revoke lists before and after it revokes.
	{
		name: "consent list, bearer from a file",
		argv: func(e string) []string {
			return []string{"consent", "list", "-e", e, "--subject", "alice", "--access-token-file", "$BEARER_FILE"}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken + "\n"},
		kind:  api.Admin, path: api.ConsentSessionsPath, shape: shapeSessionList, retry: true,
		ok: "[" + consentOK + "]",
	},
	{
		name: "consent list --format json, bearer from env",
		argv: func(string) []string {
			return []string{"consent", "list", "--subject", "alice", "--client", "c1", "--format", "json"}
		},
		env:  map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.ConsentSessionsPath, shape: shapeSessionList, retry: true,
		ok: "[" + consentOK + "]",
	},
	{
		name: "consent revoke --client, bearer on argv",
		argv: func(e string) []string {
			return []string{"consent", "revoke", "-e", e, "--subject", "alice", "--client", "c1", "--access-token", secretAccessToken}
		},
		kind: api.Admin, path: api.ConsentSessionsPath, shape: shapeEmpty, retry: true,
		ok: "[]",
	},
	{
		name: "consent revoke --all, bearer from stdin",
		argv: func(string) []string {
			return []string{"consent", "revoke", "--subject", "alice", "--all", "--access-token-file", "-"}
		},
		env:   map[string]string{"ORY_SDK_URL": "$ENDPOINT"},
		stdin: secretAccessToken,
		kind:  api.Admin, path: api.ConsentSessionsPath, shape: shapeEmpty, retry: true,
		ok: "[]",
	},
	{
		name: "login revoke --subject",
		argv: func(e string) []string {
			return []string{"login", "revoke", "-e", e, "--subject", "alice", "-H", "X-Api-Key: " + secretHeader}
		},
		env:  map[string]string{"OAUTH2_ACCESS_TOKEN": secretAccessToken},
		kind: api.Admin, path: api.LoginSessionsPath, shape: shapeEmpty, retry: true,
	},
	{
		name: "login revoke --sid, bearer from a file",
		argv: func(string) []string {
			return []string{"login", "revoke", "--sid", "s1", "--access-token-file", "$BEARER_FILE"}
		},
		env:   map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT"},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.LoginSessionsPath, shape: shapeEmpty, retry: true,
	},

	// token userinfo reads: retried. With an admin API it introspects
	// first, to check for openid.
	{
		name: "token userinfo, token from stdin, no admin API",
		argv: func(e string) []string {
			return []string{"token", "userinfo", "-e", e, "-H", "X-Api-Key: " + secretHeader, "-"}
		},
		stdin: secretToken + "\n",
		kind:  api.Public, path: api.UserinfoPath, shape: shapeClaims, retry: true,
		ok: claimsOK,
	},
	{
		name: "token userinfo, scope checked at the admin API",
		argv: func(e string) []string {
			return []string{"token", "userinfo", "--admin-endpoint", e, "--access-token-file", "$BEARER_FILE", "--format", "json", secretToken}
		},
		env:   map[string]string{"HYDRA_URL": "$ENDPOINT"},
		files: map[string]string{"$BEARER_FILE": secretAccessToken},
		kind:  api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		good: userinfoHandler, endpointFlag: "--admin-endpoint",
	},
}

const (
	introspectionOK = `{"active":true,"client_id":"c","sub":"s","scope":"read"}`
	tokenOK         = `{"access_token":"at-result","token_type":"bearer","expires_in":3600,"scope":"read"}`
	clientOK        = `{"client_id":"c1","client_name":"n","grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}`
	trustOK         = `{"id":"t1","issuer":"https://issuer.example","subject":"s","allow_any_subject":false,"scope":["read"],"public_key":{"set":"https://issuer.example","kid":"` + keyID + `"},"expires_at":"2099-01-01T00:00:00Z"}`
	jwksPath        = "/.well-known/jwks.json"
	gitHubPath      = "/_apis/actionstoken/idtoken"
	discoveryPath   = "/.well-known/openid-configuration"
	keyOK           = `{"use":"sig","kty":"EC","kid":"k1","crv":"P-256","alg":"ES256","x":"31OK0STad0HbQIK5elGqpnB_tsVpJccbb9ixCaPFkaI","y":"gX4TBcHuVkapY4IJsCr89zTEfYLIiB1gRFHjhUruDsk"}`
	keySetOK        = `{"keys":[` + keyOK + `]}`
	claimsOK        = `{"sub":"alice","aud":["app"]}`
	consentOK       = `{"grant_scope":["openid"],"remember":false,"handled_at":"2026-01-02T03:04:05Z","consent_request":{"subject":"alice","client":{"client_id":"c1"}}}`
)

// manyIDs returns the client IDs c1 ... cn.
func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "c" + strconv.Itoa(i+1)
	}
	return ids
}

// manyClients is a JSON array of n clients, each with the secret.
func manyClients(n int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, id := range manyIDs(n) {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"client_id":"` + id + `","client_secret":"` + secretClient + `"}`)
	}
	b.WriteString("]")
	return b.String()
}

// manyTokens is n secret tokens, one a line.
func manyTokens(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(secretToken + "-" + strconv.Itoa(i) + "\n")
	}
	return b.String()
}

// userinfoHandler answers token userinfo's two requests: an introspection
// that grants openid, and the claims.
func userinfoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == api.IntrospectPath {
			_, _ = w.Write([]byte(`{"active":true,"client_id":"app","sub":"alice","scope":"openid email"}`))
			return
		}
		_, _ = w.Write([]byte(claimsOK))
	})
}
