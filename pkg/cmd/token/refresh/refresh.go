// Package refresh implements "hydra token refresh": the OAuth 2.0
// refresh_token grant (RFC 6749 §6) against Hydra's public API.
package refresh

import (
	"context"
	"net/url"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Conn        cmdutil.Connection
	Credentials shared.Credentials
	Format      printer.Format

	// RefreshToken is the refresh token to spend; "-" reads it from stdin.
	RefreshToken string

	// CommandPath names the command in messages.
	CommandPath string
}

// NewCmdRefresh builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRefresh(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag

	cmd := &cobra.Command{
		Use:   "refresh <refresh-token>",
		Short: "Get new tokens with a refresh token",
		Long: heredoc.Docf(`
			Spend a refresh token at Hydra's public token endpoint for a new access
			token and, as Hydra rotates them, a new refresh token (RFC 6749 §6).
			The old refresh token stops working.

			By default only the new access token is printed. Use --format json
			to get the whole response, new refresh token and ID token included:
			keep the new refresh token, since the old one is spent.

			Give "-" instead of a refresh token to read it from stdin. The client
			credentials are given as for "hydra token client" (%s, %s).
		`, shared.EnvClientID, shared.EnvClientSecret),
		Example: heredoc.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 OAUTH2_CLIENT_ID=my-client
			$ hydra token refresh --client-secret-file secret.txt --format json "$REFRESH_TOKEN" > tokens.json
			$ printf '%s\n' "$REFRESH_TOKEN" | hydra token refresh --client-secret-file secret.txt -
		`),
		Args: cmdutil.ExactArgs(1, "one refresh token (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			if err := opts.Credentials.Validate(); err != nil {
				return err
			}
			if err := opts.Credentials.CheckStdin(args[0]); err != nil {
				return err
			}
			opts.RefreshToken = args[0]
			opts.CommandPath = cmd.CommandPath()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return refreshRun(cmd.Context(), opts)
		},
	}

	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public)
	shared.AddCredentialFlags(cmd, f, &opts.Credentials, "Send the request to this token endpoint `URL` (default: <endpoint>"+api.TokenPath+")")
	cmdutil.AddFormatFlag(cmd, &format, "the access token alone")
	return cmd
}

func refreshRun(ctx context.Context, opts *Options) error {
	rt, err := cmdutil.ReadTokenArg(opts.Factory, opts.RefreshToken, "refresh token")
	if err != nil {
		return err
	}
	auth, err := opts.Credentials.Resolve(opts.Factory, opts.CommandPath)
	if err != nil {
		return err
	}
	s, err := shared.Connect(opts.Factory, &opts.Conn, &opts.Credentials, false)
	if err != nil {
		return err
	}
	params := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	// No scope: Hydra v2.3 ignores RFC 6749 §6's narrowing and grants the
	// original scopes again, so a --scope flag would mislead.
	tok, err := s.Grant(ctx, auth, params, nil)
	if err != nil {
		return err
	}
	return shared.PrintToken(opts.IO, opts.Format, tok)
}
