// Package client implements "hydra token client": the OAuth 2.0 client
// credentials grant (RFC 6749 §4.4) against Hydra's public API.
package client

import (
	"context"

	"github.com/go-jose/go-jose/v4"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	shared.GrantFlags
	Scopes    []string
	Audiences []string
	Cache     cachewire.Flags

	// Style is the output of the spelling the command was called by:
	// Hydra v2's "perform client-credentials" adds "expiry"
	// (printer.Style.Expiry).
	Style printer.Style
}

// NewCmdClient builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdClient(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdClientStyled(f, runF, printer.Style{})
}

// NewCmdClientStyled is NewCmdClient with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdClientStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	opts.QuietWins = style.Hydra()
	var scopes, audiences []string

	cmd := &cobra.Command{
		Use:   "client",
		Short: "Get an access token with the client credentials grant",
		Long: text.Docf(`
			Get an access token for an OAuth 2.0 client from Hydra's public token
			endpoint, with the client credentials grant (RFC 6749 §4.4).

			By default only the access token is printed, on one line, so that
			TOKEN=$(hydra token client) works. With --format, the whole token
			response is printed: expires_in, scope and every other field.

			The client ID comes from --client-id or %[1]s, and the secret from
			--client-secret-file (a file, or '-' for stdin), %[2]s, or
			--client-secret. With --private-key, the client authenticates with a
			signed JWT instead (private_key_jwt, RFC 7523).

			%[3]s

			With --cache (or %[4]s=disk), the token is kept between runs and
			printed again, with no request, while it has more than --min-ttl left;
			see "hydra token cache" and docs/token-cache.md.
		`, shared.EnvClientID, shared.EnvClientSecret, shared.MethodRule, cachewire.EnvCache),
		Example: text.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 OAUTH2_CLIENT_ID=my-client
			$ TOKEN=$(hydra token client --client-secret-file secret.txt --scope read,write)
			$ printf '%s\n' "$SECRET" | hydra token client --client-secret-file - --format json-pretty
			$ hydra token client --private-key key.pem --audience https://api.example.com

			# Reuse the token across calls while it has more than a minute left:
			$ TOKEN=$(hydra token client --client-secret-file secret.txt --cache)
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Prepare(cmd, nil); err != nil {
				return err
			}
			opts.Scopes = cmdutil.SplitList(scopes)
			opts.Audiences = cmdutil.SplitList(audiences)
			if err := opts.Cache.Validate(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return clientRun(cmd.Context(), opts)
		},
	}

	shared.AddGrantFlags(cmd, f, &opts.GrantFlags, "Send the request to this token endpoint `URL` (default: <endpoint>"+api.TokenPath+")", "the access token alone")
	cmd.Flags().StringSliceVar(&scopes, "scope", nil, "Ask for these scopes (repeatable, comma-separated)")
	cmd.Flags().StringSliceVar(&audiences, "audience", nil, "Ask for these audiences (repeatable, comma-separated)")
	cachewire.AddFlags(cmd, &opts.Cache)
	if style.HydraTable {
		// Hydra v2's -q: the access token alone, instead of its table.
		cmd.Flags().Lookup("quiet").Usage = "Print only the access token, and no warning about a secret given on the command line"
	}
	return cmd
}

func clientRun(ctx context.Context, opts *Options) error {
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, false)
	if err != nil {
		return err
	}
	res, err := cachewire.Get(ctx, opts.Factory, &opts.Cache, cachewire.Request{
		Key: tokencache.Key{Issuer: s.TokenURL.String(), ClientID: s.Auth.ClientID, Grant: shared.GrantClientCredentials, Scopes: opts.Scopes, Audience: opts.Audiences,
			Credential: cachewire.Credential(s.Auth.Method, s.Auth.Secret, signingJWK(s.Auth))},
		Grant: func(ctx context.Context) ([]byte, error) {
			tok, err := s.Token(ctx, shared.ClientCredentials(opts.Scopes, opts.Audiences))
			if err != nil {
				return nil, err
			}
			return tok.Raw, nil
		},
	})
	if err != nil {
		return err
	}
	opts.Format.Hydra = opts.Style.HydraPaths
	tok := &shared.Token{AccessToken: res.Token.AccessToken, Raw: res.Raw, RefreshTokenKept: res.Kept()}
	if err := shared.PrintTokenWith(opts.IO, tok, shared.TokenOutput{Format: opts.Format, Style: opts.Style, Quiet: opts.Credentials.Quiet}); err != nil {
		return err
	}
	return res.Finish(opts.IO, opts.Format)
}

func signingJWK(a *shared.Auth) *jose.JSONWebKey {
	if a.Key == nil {
		return nil
	}
	return &a.Key.JWK
}
