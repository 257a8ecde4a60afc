package shared

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// AdminAPI is the admin API of a token command that talks to the public API
// and, when it knows the admin API, also to it: to check a revocation
// through introspection, or to accept login and consent in token user
// --headless. It is known from --admin-endpoint or HYDRA_ADMIN_URL only:
// HYDRA_URL and ORY_SDK_URL name the public API of these commands. The
// client is built by cmdutil.Admin.ClientFor, so the admin connection has
// one owner and follows its rules (an explicit -H 'Authorization: ...'
// wins over OAUTH2_ACCESS_TOKEN).
type AdminAPI struct {
	// Endpoint is --admin-endpoint.
	Endpoint string
	// AccessToken is the bearer token of an admin API behind an
	// authorizing proxy.
	AccessToken cmdutil.Secret
}

// adminEndpointFlag is the flag that names the admin API of token commands.
const adminEndpointFlag = "--admin-endpoint"

// AddAdminAPIFlags registers --admin-endpoint, with usage saying what it is
// for, and --access-token(-file).
func AddAdminAPIFlags(cmd *cobra.Command, a *AdminAPI, usage string) {
	cmd.Flags().StringVar(&a.Endpoint, strings.TrimPrefix(adminEndpointFlag, "--"), "", usage+" (env: "+cmdutil.EnvAdminURL+")")
	cmdutil.AddAccessTokenFlags(cmd, &a.AccessToken)
}

// Known reports whether the admin API is set, by --admin-endpoint or
// HYDRA_ADMIN_URL.
func (a *AdminAPI) Known(f *cmdutil.Factory) bool {
	return strings.TrimSpace(a.Endpoint) != "" || strings.TrimSpace(f.Getenv(cmdutil.EnvAdminURL)) != ""
}

// Client returns a client for the admin API, or nil when the admin API is
// not known. Its requests go through the public API client's HTTP client
// (TLS, headers, timeout, retries and trace); conn is the command's
// connection, whose -H headers decide, as for every admin command, whether
// the access token is sent. Plain HTTP to a host other than loopback is
// warned about once per host, by the one constructor.
func (a *AdminAPI) Client(f *cmdutil.Factory, conn *cmdutil.Connection, public *api.Client, quiet bool) (*api.Client, error) {
	if !a.Known(f) {
		return nil, nil
	}
	admin := cmdutil.Admin{
		Conn:        cmdutil.Connection{Headers: conn.Headers, Timeout: conn.Timeout},
		AccessToken: a.AccessToken,
		Quiet:       quiet,
	}
	return admin.ClientFor(f, public.HTTP, adminEndpointFlag, a.Endpoint)
}
