// Package refresh implements "hydra token refresh": the OAuth 2.0
// refresh_token grant (RFC 6749 §6) against Hydra's public API.
package refresh

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	shared.GrantFlags

	// RefreshToken is the refresh token to spend; "-" reads it from stdin.
	RefreshToken string
}

// NewCmdRefresh builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRefresh(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}

	cmd := &cobra.Command{
		Use:   "refresh <refresh-token>",
		Short: "Get new tokens with a refresh token",
		Long: text.Docf(`
			Spend a refresh token at Hydra's public token endpoint for a new access
			token and, as Hydra rotates them, a new refresh token (RFC 6749 §6).
			The old refresh token stops working, and using it again revokes the
			whole chain: keep the new one. (Hydra v25.4 and later may accept the
			old one for a while, if oauth2.grant.refresh_token.grace_period is set.)

			By default the whole token response is printed as JSON, new refresh
			token included, so that nothing shown once is lost. With a --format
			that leaves the refresh token out, such as jsonpath=access_token, a
			warning on stderr says so.

			Give "-" instead of a refresh token to read it from stdin: one token,
			on one line. The client credentials are given as for "hydra token
			client" (%[1]s, %[2]s).

			%[3]s
		`, shared.EnvClientID, shared.EnvClientSecret, shared.MethodRule),
		Example: text.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 OAUTH2_CLIENT_ID=my-client
			# Write the new tokens to a new file, then replace the old one: never
			# redirect into the file the refresh token is read from.
			$ jq -r .refresh_token tokens.json | hydra token refresh --client-secret-file secret.txt - > tokens.new && mv tokens.new tokens.json
			$ ACCESS_TOKEN=$(jq -r .access_token tokens.json)
		`),
		Args: cmdutil.ExactArgs(1, "one refresh token (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Prepare(cmd, nil); err != nil {
				return err
			}
			if err := opts.Credentials.CheckStdin(args[0]); err != nil {
				return err
			}
			opts.RefreshToken = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return refreshRun(cmd.Context(), opts)
		},
	}

	shared.AddGrantFlags(cmd, f, &opts.GrantFlags, "Send the request to this token endpoint `URL` (default: <endpoint>"+api.TokenPath+")", "json, the whole token response")
	return cmd
}

func refreshRun(ctx context.Context, opts *Options) error {
	rt, err := cmdutil.ReadTokenArg(opts.Factory, opts.RefreshToken, "refresh token")
	if err != nil {
		return err
	}
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, false)
	if err != nil {
		return err
	}
	tok, err := s.Token(ctx, shared.RefreshToken(rt))
	if err != nil {
		return err
	}
	format := opts.Format
	if format.Name == "" {
		// The rotated refresh token is shown once: the default keeps it.
		format = printer.Format{Name: printer.JSON}
	}
	return shared.PrintToken(opts.IO, format, tok)
}
