package cmdutil

import (
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
)

// Admin is the connection to Hydra's admin API: the connection flags and
// the bearer token of an admin API behind an authorizing proxy. Every
// command that calls the admin API embeds one and registers it with
// AddAdminFlags, so that a new admin command needs no wiring of its own.
type Admin struct {
	Conn        Connection
	AccessToken Secret
	// Quiet silences the warning about an access token given on argv.
	Quiet bool
}

// AddAdminFlags registers the connection flags, with --endpoint naming the
// admin API, and --access-token/--access-token-file on cmd.
func AddAdminFlags(cmd *cobra.Command, a *Admin) {
	AddConnectionFlags(cmd, &a.Conn, api.Admin)
	AddAccessTokenFlags(cmd, &a.AccessToken)
}

// Client builds the admin API client: endpoint, TLS, headers, retries and
// the bearer token.
func (a *Admin) Client(f *Factory) (*api.Client, error) {
	conn := a.Conn
	conn.Kind = api.Admin
	ep, err := conn.ResolveTarget(f.Getenv)
	if err != nil {
		return nil, err
	}
	return a.client(f, ep, nil)
}

// ClientFor builds the admin API client of a command whose own --endpoint
// names another API, as token user --headless does: the admin API's URL is
// endpoint, given with the flag named flag (such as "--admin-endpoint"), or
// else HYDRA_ADMIN_URL. When hc is not nil the requests go through it, the
// command's own HTTP client, so that they carry the same TLS settings, -H
// headers and trace without a second set of warnings; otherwise a client
// is built from a.Conn.
func (a *Admin) ClientFor(f *Factory, hc *http.Client, flag, endpoint string) (*api.Client, error) {
	base, source, err := resolveEndpoint(api.Admin, flag, endpoint, []string{EnvAdminURL}, f.Getenv)
	if err != nil {
		return nil, err
	}
	return a.client(f, api.Endpoint{BaseURL: base, Kind: api.Admin, Source: source}, hc)
}

func (a *Admin) client(f *Factory, ep api.Endpoint, hc *http.Client) (*api.Client, error) {
	bearer, err := bearerToken(f, &a.AccessToken, a.Conn.Headers, a.Quiet)
	if err != nil {
		return nil, err
	}
	conn := a.Conn
	conn.Kind = api.Admin
	return conn.connect(f, ep, link{bearer: bearer, http: hc})
}

// CompleteClientIDs is the ValidArgsFunction of commands that take client
// IDs as arguments.
func (a *Admin) CompleteClientIDs(f *Factory) cobra.CompletionFunc {
	return CompleteClientIDs(f, &a.Conn, &a.AccessToken)
}

// CompleteClientIDFlag completes a flag that takes a client ID, through
// this connection.
func (a *Admin) CompleteClientIDFlag(cmd *cobra.Command, f *Factory, flag string) {
	CompleteClientIDFlag(cmd, f, flag, &a.Conn, &a.AccessToken)
}

// bearerToken resolves the admin API's bearer token. A flag always wins
// over the environment: an Authorization header given with -H is sent as
// it is, and OAUTH2_ACCESS_TOKEN is then not read; with --access-token or
// --access-token-file as well, the two flags contradict each other.
func bearerToken(f *Factory, token *Secret, headers []string, quiet bool) (string, error) {
	if token == nil {
		return "", nil
	}
	if hasHeader(headers, "Authorization") {
		switch {
		case token.Value != "":
			return "", FlagErrorf("give only one of --%s and -H 'Authorization: ...'", token.Flag)
		case token.File != "":
			return "", FlagErrorf("give only one of --%s-file and -H 'Authorization: ...'", token.Flag)
		}
		return "", nil
	}
	bearer, _, err := token.Resolve(f, quiet)
	return bearer, err
}

// hasHeader reports whether the -H values name the header name.
func hasHeader(headers []string, name string) bool {
	for _, h := range headers {
		if n, _, err := api.ParseHeader(h); err == nil && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}
