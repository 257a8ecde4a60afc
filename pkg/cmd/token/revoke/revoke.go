// Package revoke implements "hydra token revoke": RFC 7009 token
// revocation against Hydra's public API.
package revoke

import (
	"context"
	"fmt"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// TokenTypeHints lists the values of --token-type-hint (RFC 7009 §2.1).
var TokenTypeHints = []string{"access_token", "refresh_token"}

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Conn          cmdutil.Connection
	Credentials   shared.Credentials
	TokenTypeHint string

	// Token is the token to revoke; "-" reads it from stdin.
	Token string

	// CommandPath names the command in messages.
	CommandPath string
}

// NewCmdRevoke builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}

	cmd := &cobra.Command{
		Use:   "revoke <token>",
		Short: "Revoke an access or refresh token",
		Long: heredoc.Docf(`
			Revoke an access or refresh token at Hydra's public revocation
			endpoint (RFC 7009), authenticated as the client the token was issued
			to. Revoking a refresh token also revokes the access tokens issued
			with it.

			The server answers alike for a token it does not know, so success
			means the token is no longer usable, not that it existed. A one-line
			confirmation goes to stderr; nothing goes to stdout.

			Give "-" instead of a token to read it from stdin. The client
			credentials are given as for "hydra token client" (%s, %s).
		`, shared.EnvClientID, shared.EnvClientSecret),
		Example: heredoc.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 OAUTH2_CLIENT_ID=my-client
			$ hydra token revoke --client-secret-file secret.txt "$TOKEN"
			$ printf '%s\n' "$REFRESH_TOKEN" | hydra token revoke --token-type-hint refresh_token --client-secret-file secret.txt -
		`),
		Args: cmdutil.ExactArgs(1, "one token (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Credentials.Validate(); err != nil {
				return err
			}
			switch opts.TokenTypeHint {
			case "", TokenTypeHints[0], TokenTypeHints[1]:
			default:
				return cmdutil.FlagErrorf("unknown --token-type-hint %q: valid hints are access_token, refresh_token", opts.TokenTypeHint)
			}
			if err := opts.Credentials.CheckStdin(args[0]); err != nil {
				return err
			}
			opts.Token = args[0]
			opts.CommandPath = cmd.CommandPath()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}

	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public)
	shared.AddCredentialFlags(cmd, f, &opts.Credentials, "The token endpoint `URL`, the audience of a private_key_jwt assertion (default: <endpoint>"+api.TokenPath+")")
	cmd.Flags().StringVar(&opts.TokenTypeHint, "token-type-hint", "", "Tell the server what kind of token it is: access_token or refresh_token")
	_ = cmd.RegisterFlagCompletionFunc("token-type-hint", cobra.FixedCompletions(TokenTypeHints, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func revokeRun(ctx context.Context, opts *Options) error {
	token, err := cmdutil.ReadTokenArg(opts.Factory, opts.Token, "token")
	if err != nil {
		return err
	}
	auth, err := opts.Credentials.Resolve(opts.Factory, opts.CommandPath)
	if err != nil {
		return err
	}
	s, err := shared.Connect(opts.Factory, &opts.Conn, &opts.Credentials, true)
	if err != nil {
		return err
	}
	auth.Audience = s.TokenURL.String()
	if err := s.API.Revoke(ctx, token, opts.TokenTypeHint, auth); err != nil {
		return err
	}
	what := "token"
	if opts.TokenTypeHint != "" {
		what = map[string]string{"access_token": "access token", "refresh_token": "refresh token"}[opts.TokenTypeHint]
	}
	fmt.Fprintf(opts.IO.ErrOut, "Revoked the %s (client %s).\n", what, auth.ClientID)
	return nil
}
