// Package userinfo implements "hydra token userinfo": the OpenID Connect
// claims of the user an access token was issued for, from Hydra's public
// userinfo endpoint.
package userinfo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

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

	// Conn is the public API, where the userinfo endpoint is.
	Conn   cmdutil.Connection
	Format printer.Format
	Quiet  bool

	// Admin is the admin API, where the token's scopes are checked:
	// --admin-endpoint or HYDRA_ADMIN_URL; with neither they are not.
	Admin shared.AdminAPI

	// Token is the access token; "-" reads it from stdin.
	Token string
}

// NewCmdUserinfo builds the command. runF replaces the run function in
// tests of flag parsing.
func NewCmdUserinfo(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "userinfo <access-token>",
		Short: "Get the OpenID Connect claims of the user an access token is for",
		Long: text.Docf(`
			Call Hydra's OpenID Connect userinfo endpoint (/userinfo on the public
			API) with an access token, and print the claims about the user it was
			issued for: sub, and what the consent granted, such as email.

			Userinfo is defined for tokens of an OpenID Connect request: the
			token must have been granted the openid scope. Hydra v2 answers for
			other tokens too, so the command checks the scope itself by
			introspecting the token at the admin API (--admin-endpoint or %s,
			with the admin API's bearer token from --access-token-file or
			%s), and fails for a token without openid. Without an admin API
			the scope is not checked, and a note says so.

			A signed answer (a client with userinfo_signed_response_alg) is
			printed as its claims, unverified; 'hydra token decode' verifies it.

			Give "-" instead of a token to read it from stdin.
		`, cmdutil.EnvAdminURL, cmdutil.EnvAccessToken),
		Example: text.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token userinfo "$ACCESS_TOKEN"
			$ hydra token userinfo --format jsonpath=email "$ACCESS_TOKEN"
			$ hydra token user --client-id my-app --scope openid,email --format jsonpath=access_token | hydra token userinfo -
		`),
		Args: cmdutil.ExactArgs(1, "one access token (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			if args[0] == "-" && opts.Admin.AccessToken.File == "-" {
				return cmdutil.FlagErrorf("stdin cannot carry both the access token and --access-token-file -")
			}
			opts.Token = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return userinfoRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public)
	shared.AddAdminAPIFlags(cmd, &opts.Admin, "URL of Hydra's admin API, where the token's scopes are checked")
	cmdutil.AddFormatFlag(cmd, &format, "the claims as indented JSON")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print no notes on stderr")
	return cmd
}

func userinfoRun(ctx context.Context, opts *Options) error {
	token, err := cmdutil.ReadTokenArg(opts.Factory, opts.Token, "access token")
	if err != nil {
		return err
	}
	public, err := opts.Conn.Client(opts.Factory)
	if err != nil {
		return err
	}
	admin, err := opts.Admin.Client(opts.Factory, &opts.Conn, public, opts.Quiet)
	if err != nil {
		return err
	}
	if admin != nil {
		if err := checkScope(ctx, admin, token); err != nil {
			return err
		}
	}
	info, err := public.Userinfo(ctx, token)
	if err != nil {
		return err
	}
	if sub := gjson.GetBytes(info.Claims, "sub"); sub.String() == "" {
		return fmt.Errorf("GET %s answered without a subject: the token was not issued for a user (a client credentials token has none), so there are no user claims", api.StripQuery(public.URL(api.UserinfoPath, nil)))
	}
	if !opts.Quiet {
		if admin == nil {
			fmt.Fprintf(opts.IO.ErrOut, "note: the token's scopes were not checked for openid, which Hydra does not require here: set %s or --admin-endpoint to check them\n", cmdutil.EnvAdminURL)
		}
		if info.JWT != "" {
			fmt.Fprintln(opts.IO.ErrOut, "note: the answer was signed; its signature was not verified ('hydra token decode' verifies it)")
		}
	}
	p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
	return p.Print(opts.IO.Out, info.Claims, nil)
}

// checkScope introspects the token at the admin API and fails unless it is
// active and was granted openid.
func checkScope(ctx context.Context, admin *api.Client, token string) error {
	in, err := admin.Introspect(ctx, token, nil)
	if err != nil {
		return fmt.Errorf("checking the token's scopes at the admin API: %w", err)
	}
	if !in.Active {
		return fmt.Errorf("the access token is not active (expired, revoked, or not issued by this Hydra), according to %s", api.StripQuery(admin.URL(api.IntrospectPath, nil)))
	}
	if !slices.Contains(strings.Fields(in.Scope), "openid") {
		hint := "get one with the openid scope, such as 'hydra token user --scope openid,email'"
		if in.Subject == "" || in.Subject == in.ClientID {
			hint = "it looks like a client credentials token, which is for no user"
		}
		return fmt.Errorf("the access token was not granted the openid scope (its scope: %q), so it is not for OpenID Connect's userinfo: %s", in.Scope, hint)
	}
	return nil
}
