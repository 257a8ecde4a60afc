// Package reliability runs every command that sends requests against
// hostile and broken servers, checks that no secret leaks into output or
// help, exercises TLS and proxy settings, and keeps docs/exit-codes.md
// honest. All traffic goes to httptest servers on loopback.
//
// The suites are tables over the commands below: a new command joins every
// suite by adding one row to commands.
package reliability

import (
	"github.com/hydratoken/hydra/pkg/api"
)

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
)

// allSecrets is checked against every output of every row.
var allSecrets = []string{secretToken, secretAccessToken, secretHeader, secretClient, secretCode, secretVerifier, secretRefresh}

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
// each of argv, env and stdin across the rows.
var commands = []command{
	{
		name: "token introspect",
		argv: func(e string) []string {
			return []string{"token", "introspect", "-e", e, "--access-token", secretAccessToken, "-H", "X-Api-Key: " + secretHeader, secretToken}
		},
		kind: api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: `{"active":true,"client_id":"c","sub":"s","scope":"read"}`,
	},
	{
		name:  "introspect token (v2), secrets from env and stdin",
		argv:  func(string) []string { return []string{"introspect", "token", "-"} },
		env:   map[string]string{"HYDRA_ADMIN_URL": "$ENDPOINT", "OAUTH2_ACCESS_TOKEN": secretAccessToken},
		stdin: secretToken + "\n",
		kind:  api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: `{"active":true,"client_id":"c","sub":"s","scope":"read"}`,
	},
	{
		name: "token introspect, bearer from a file",
		argv: func(e string) []string {
			return []string{"token", "introspect", "--endpoint", e, "--access-token-file", "$BEARER_FILE", "--scope", "read", "--format", "table", secretToken}
		},
		files: map[string]string{"$BEARER_FILE": secretAccessToken + "\n"},
		kind:  api.Admin, path: api.IntrospectPath, shape: shapeIntrospection, retry: true,
		ok: `{"active":true,"client_id":"c","sub":"s","scope":"read"}`,
	},
}
