package shared

import (
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// AdminAPI is the admin API of a token command that talks to the public API
// and, when it knows the admin API, also to it: to check a revocation
// through introspection, or to accept login and consent in token user
// --headless. It is known from --admin-endpoint or HYDRA_ADMIN_URL only:
// HYDRA_URL and ORY_SDK_URL name the public API of these commands.
type AdminAPI struct {
	// Endpoint is --admin-endpoint.
	Endpoint string
	// AccessToken is the bearer token of an admin API behind an
	// authorizing proxy.
	AccessToken cmdutil.Secret
}

// AddAdminAPIFlags registers --admin-endpoint, with usage saying what it is
// for, and --access-token(-file).
func AddAdminAPIFlags(cmd *cobra.Command, a *AdminAPI, usage string) {
	cmd.Flags().StringVar(&a.Endpoint, "admin-endpoint", "", usage+" (env: "+cmdutil.EnvAdminURL+")")
	cmdutil.AddAccessTokenFlags(cmd, &a.AccessToken)
}

// Source names where the admin API is set, for messages.
func (a *AdminAPI) Source() string { return "--admin-endpoint or " + cmdutil.EnvAdminURL }

// URL returns the admin API's URL, or nil when neither --admin-endpoint nor
// HYDRA_ADMIN_URL is set.
func (a *AdminAPI) URL(f *cmdutil.Factory) (*url.URL, error) {
	raw, from := a.Endpoint, "--admin-endpoint"
	if raw == "" {
		raw, from = strings.TrimSpace(f.Getenv(cmdutil.EnvAdminURL)), cmdutil.EnvAdminURL
	}
	if raw == "" {
		return nil, nil
	}
	u, err := cmdutil.ParseHTTPURL(from, raw, "http://127.0.0.1:4445")
	if err != nil {
		return nil, err
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// Client returns a client for the admin API that shares the public API
// client's HTTP client (TLS, headers, timeout, retries and trace) and sends
// the admin bearer token, or nil when the admin API is not known. Plain
// HTTP to a host other than loopback is warned about unless public already
// was.
func (a *AdminAPI) Client(f *cmdutil.Factory, public *api.Client, quiet bool) (*api.Client, error) {
	u, err := a.URL(f)
	if u == nil || err != nil {
		return nil, err
	}
	bearer, _, err := a.AccessToken.Resolve(f, quiet)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(u.Host, public.BaseURL.Host) || u.Scheme != public.BaseURL.Scheme {
		cmdutil.WarnPlainHTTP(f, u)
	}
	return &api.Client{HTTP: public.HTTP, BaseURL: u, Kind: api.Admin, EndpointSource: a.Source(), Timeout: public.Timeout, BearerToken: bearer}, nil
}
