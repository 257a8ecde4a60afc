// Package revoke implements "hydra token revoke": RFC 7009 token
// revocation against Hydra's public API, checked through introspection when
// the admin API is known.
package revoke

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// TokenTypeHints lists the values of --token-type-hint (RFC 7009 §2.1).
var TokenTypeHints = []string{"access_token", "refresh_token"}

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Conn          cmdutil.Connection
	Credentials   shared.Credentials
	Admin         shared.AdminAPI
	TokenTypeHint string

	// Tokens are the tokens to revoke; "-" reads them from stdin, one a
	// line.
	Tokens []string

	// CommandPath names the command in messages.
	CommandPath string

	// Output prints each token that was revoked on stdout: under a style
	// whose IDs are printer.V2IDs, as Hydra v2's CLI does under its
	// spelling, "hydra revoke token", and under printer.Style.HydraV1 in
	// Hydra v1's line, as "hydra token revoke" did. It never reaches
	// stderr.
	Output cmdutil.IDOutput
}

// NewCmdRevoke builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdRevokeStyled(f, runF, printer.Style{})
}

// NewCmdRevokeStyled is NewCmdRevoke with the output of a spelling of
// Hydra's: v2's "hydra revoke token" prints each revoked token on stdout,
// v1's "hydra token revoke" its line about it (see Options.Output).
func NewCmdRevokeStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}

	cmd := &cobra.Command{
		Use:   "revoke <token>... | -",
		Short: "Revoke access or refresh tokens",
		Long: text.Docf(`
			Revoke access or refresh tokens at Hydra's public revocation endpoint
			(RFC 7009), authenticated as the client the tokens were issued to.
			Revoking a refresh token also revokes the access tokens issued with it.

			Hydra answers 200 alike for a token it revoked, a token it does not
			know, and a token of another client, which stays active. So when the
			admin API is known (--admin-endpoint or %[3]s), each token is then
			introspected, and the command fails unless it is inactive. Without
			the admin API, the command says on stderr that the revocation was
			accepted but not verified.

			Give "-" to read the tokens from stdin, one a line; blank lines are
			skipped. A token with white space inside it, such as a "Bearer "
			prefix, is refused and never sent. Each token gets one line on
			stderr. On stdout, each revoked token gets the line Hydra v1's CLI
			printed, "Revoked OAuth 2.0 Access Token: TOKEN" (none with -q);
			under Hydra v2's spelling, "hydra revoke token", the token itself,
			as Hydra v2's CLI prints it. The exit code is 1 if any token failed. When
			the server fails (no answer, a 5xx, 401 or 403) or refuses three
			tokens in a row alike, the rest would fail the same: they are not
			sent, and one line counts them.

			The client credentials are given as for "hydra token client" (%[1]s,
			%[2]s).

			%[4]s
		`, shared.EnvClientID, shared.EnvClientSecret, cmdutil.EnvAdminURL, shared.MethodRule),
		Example: text.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 HYDRA_ADMIN_URL=http://127.0.0.1:4445 OAUTH2_CLIENT_ID=my-client
			$ hydra token revoke --client-secret-file secret.txt "$TOKEN"
			$ hydra token revoke --client-secret-file secret.txt --token-type-hint refresh_token - < leaked-tokens.txt
		`),
		Args: cmdutil.MinimumArgs(1, "a token (or - to read them from stdin, one a line)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Credentials.Validate(); err != nil {
				return err
			}
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			switch opts.TokenTypeHint {
			case "", TokenTypeHints[0], TokenTypeHints[1]:
			default:
				return cmdutil.FlagErrorf("unknown --token-type-hint %q: valid hints are access_token, refresh_token", opts.TokenTypeHint)
			}
			if i := slices.Index(args, "-"); i >= 0 {
				if slices.Contains(args[i+1:], "-") {
					return cmdutil.FlagErrorf("stdin (-) can be read only once")
				}
				if err := opts.Credentials.CheckStdin("-"); err != nil {
					return err
				}
				if opts.Admin.AccessToken.File == "-" {
					return cmdutil.FlagErrorf("the tokens and --access-token-file cannot both be read from stdin: give the access token in a file or in %s", cmdutil.EnvAccessToken)
				}
			}
			opts.Tokens = args
			opts.CommandPath = cmd.CommandPath()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}

	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public)
	shared.AddCredentialFlags(cmd, f, &opts.Credentials, "The token endpoint `URL`, the audience of a private_key_jwt assertion (default: <endpoint>"+api.TokenPath+")")
	shared.AddAdminAPIFlags(cmd, &opts.Admin, "URL of Hydra's admin API, to check through introspection that each token is inactive")
	cmd.Flags().StringVar(&opts.TokenTypeHint, "token-type-hint", "", "Tell the server what kind of token it is: access_token or refresh_token")
	_ = cmd.RegisterFlagCompletionFunc("token-type-hint", cobra.FixedCompletions(TokenTypeHints, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.AddIDOutputFlags(cmd, &opts.Output, style.IDs, "the revoked tokens, one a line", "Print only the revoked tokens, one a line, and no warning about a secret given on the command line")
	if style.HydraV1 {
		opts.Output.UseV1Line(printer.V1TokenRevoked)
		cmd.Flags().Lookup("quiet").Usage = "Print no line on stdout, and no warning about a secret given on the command line"
	}
	if style.Hydra() {
		cmd.Use = strings.Replace(cmd.Use, "<token>... | -", "<token> | -", 1)
		cmd.Args = cmdutil.OneTokenAsHydra("hydra token revoke")
	}
	return cmd
}

func revokeRun(ctx context.Context, opts *Options) (err error) {
	// The tokens revoked are printed whatever happens to the others.
	echo := opts.Output.List(opts.IO)
	if echo != nil {
		defer func() {
			if ferr := echo.Flush(); ferr != nil && err == nil {
				err = ferr
			}
		}()
	}
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, true)
	if err != nil {
		return err
	}
	admin, err := opts.Admin.Client(opts.Factory, &opts.Conn, s.API, opts.Credentials.Quiet)
	if err != nil {
		return err
	}

	stdin := slices.Contains(opts.Tokens, "-")
	unverified := 0
	e := &cmdutil.Each{
		ErrOut: opts.IO.ErrOut, Noun: "tokens", Verb: "revoked",
		Interactive: stdin && opts.IO.IsStdinTTY(),
		Finish: func() error {
			if unverified > 0 {
				fmt.Fprintf(opts.IO.ErrOut, "Not verified: Hydra answers 200 alike for a revoked token, an unknown one, and one issued to another client, which stays active. Set %s or pass --admin-endpoint to check through introspection.\n", cmdutil.EnvAdminURL)
			}
			return nil
		},
	}
	if !stdin {
		e.Total = len(opts.Tokens)
	}
	err = cmdutil.ForEach(ctx, e, cmdutil.TokenList(opts.Factory, opts.Tokens), func(ctx context.Context, n int, item cmdutil.TokenItem) cmdutil.Step {
		if item.Err != nil {
			// Not sent: the line or argument holds no token.
			return cmdutil.Step{Err: item.Err, Label: fmt.Sprintf("token %d", n), PerItem: true}
		}
		if err := s.Revoke(ctx, item.Token, opts.TokenTypeHint); err != nil {
			return cmdutil.Step{Err: err, Label: fmt.Sprintf("token %d", n)}
		}
		client, verified := s.Auth.ClientID, false
		if admin != nil {
			perItem, err := checkInactive(ctx, admin, item.Token, client)
			if err != nil {
				return cmdutil.Step{Err: err, Label: fmt.Sprintf("token %d", n), PerItem: perItem}
			}
			verified = true
		}
		cachewire.Forget(opts.Factory, item.Token, client, s.TokenURL.String(), verified)
		if echo != nil {
			_ = echo.Add(item.Token)
		}
		if !verified {
			unverified++
		}
		return cmdutil.Step{Report: func(alone bool) {
			what := fmt.Sprintf("token %d", n)
			if alone {
				what = "the token"
			}
			if verified {
				fmt.Fprintf(opts.IO.ErrOut, "Revoked %s (client %s): introspection confirms it is inactive.\n", what, client)
			} else {
				fmt.Fprintf(opts.IO.ErrOut, "Hydra accepted the revocation of %s (client %s).\n", what, client)
			}
		}}
	})
	if err == nil && e.Count() == 0 {
		return cmdutil.FlagErrorf("no token to revoke: stdin holds no token")
	}
	return err
}

// checkInactive introspects a revoked token, and fails when it is still
// active: Hydra answered 200, but the token belongs to another client. That
// failure is the token's own (perItem), not a sign that the next tokens
// would fail alike.
func checkInactive(ctx context.Context, admin *api.Client, token, clientID string) (perItem bool, err error) {
	in, err := admin.Introspect(ctx, token, nil)
	if err != nil {
		return false, fmt.Errorf("the revocation was accepted, but checking it through introspection failed: %w", err)
	}
	if !in.Active {
		return false, nil
	}
	owner := "another client"
	if in.ClientID != "" && in.ClientID != clientID {
		owner = "client " + in.ClientID
	}
	return true, fmt.Errorf("the revocation was accepted (200), but the token is still active: it was issued to %s, not to %s. Revoke it with that client's credentials (--client-id), or delete all of that client's tokens with 'hydra token delete --client-id ID'", owner, clientID)
}
