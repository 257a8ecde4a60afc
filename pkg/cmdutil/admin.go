package cmdutil

import (
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
	return a.Conn.AdminClient(f, &a.AccessToken, a.Quiet)
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
