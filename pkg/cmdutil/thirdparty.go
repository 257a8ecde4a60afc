package cmdutil

import (
	"net/http"

	"github.com/hydratoken/hydra/pkg/api"
)

// ThirdPartyHTTPClient builds the HTTP client for a server that is not
// Hydra but that a command must reach, such as an issuer's key set or a CI
// system's ID token endpoint. The TLS settings, --timeout, --retries and -v
// apply; the -H headers and --fake-tls-termination do not, since they are
// meant for Hydra and may carry its credentials. It writes no warning: the
// command's Hydra client warns about the same flags.
func (c Connection) ThirdPartyHTTPClient(f *Factory) (*http.Client, error) {
	opts := api.TransportOptions{
		SkipTLSVerify: c.SkipTLSVerify,
		CACertFile:    c.CACert,
		Timeout:       c.Timeout,
		Retries:       c.retries(),
		FailAfter:     c.FailAfter,
	}
	return c.newHTTPClient(f, opts)
}
