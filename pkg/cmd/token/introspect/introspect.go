// Package introspect implements "hydra token introspect": RFC 7662 token
// introspection against Hydra's admin API.
package introspect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// EnvAccessToken holds a bearer token for an admin API behind an authorizing
// proxy, as in Hydra's CLIs.
const EnvAccessToken = "OAUTH2_ACCESS_TOKEN"

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Conn          cmdutil.Connection
	AccessToken   cmdutil.Secret
	Format        printer.Format
	Scopes        []string
	RequireActive bool

	// Token is the token to introspect; "-" reads it from stdin.
	Token string
}

// NewCmdIntrospect builds the command. runF replaces the run function in
// tests of flag parsing.
func NewCmdIntrospect(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	var scopes []string

	cmd := &cobra.Command{
		Use:   "introspect <token>",
		Short: "Introspect an access or refresh token",
		Long: heredoc.Doc(`
			Ask Hydra's admin API whether a token is active, and what it grants
			(RFC 7662). The answer is the server's JSON, unchanged.

			An inactive token is a valid answer: it is printed, and the command
			exits 0. With --require-active, an inactive token exits 3, so that a
			script can gate on it.

			Give "-" instead of a token to read it from stdin, which keeps it out
			of the process list.
		`),
		Example: heredoc.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token introspect "$TOKEN"
			$ hydra token introspect --scope read --require-active "$TOKEN" >/dev/null
			$ hydra token introspect --format jsonpath=sub "$TOKEN"
			$ printf '%s\n' "$TOKEN" | hydra token introspect -
		`),
		Args: cmdutil.ExactArgs(1, "one token (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			opts.Scopes = cmdutil.SplitList(scopes)
			opts.Token = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return introspectRun(cmd.Context(), opts)
		},
	}

	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Admin)
	cmdutil.AddSecretFlags(cmd, &opts.AccessToken, "access-token", EnvAccessToken, "Bearer token for an admin API behind an authorizing proxy")
	cmdutil.AddFormatFlag(cmd, &format, "json-pretty")
	cmd.Flags().StringSliceVar(&scopes, "scope", nil, "Also require that the token was granted these scopes (repeatable, comma-separated)")
	cmd.Flags().BoolVar(&opts.RequireActive, "require-active", false, "Exit 3 when the token is not active")
	return cmd
}

func introspectRun(ctx context.Context, opts *Options) error {
	token := opts.Token
	if token == "-" {
		t, err := cmdutil.ReadSecretFile(opts.Factory, "-")
		if err != nil {
			return fmt.Errorf("reading the token from stdin: %w", err)
		}
		token = strings.TrimSpace(t)
	}
	if token == "" {
		return cmdutil.FlagErrorf("the token is empty")
	}
	bearer, _, err := opts.AccessToken.Resolve(opts.Factory, false)
	if err != nil {
		return err
	}
	client, err := opts.Conn.Client(opts.Factory)
	if err != nil {
		return err
	}
	client.BearerToken = bearer

	res, err := client.Introspect(ctx, token, opts.Scopes)
	if err != nil {
		return err
	}
	p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
	if err := p.Print(opts.IO.Out, res.Raw, func() printer.TableData { return Table([]*api.Introspection{res}) }); err != nil {
		return err
	}
	if opts.RequireActive && !res.Active {
		msg := ""
		if len(opts.Scopes) > 0 {
			msg = "it may be expired, revoked, unknown, or lack scope " + strings.Join(opts.Scopes, " ")
		}
		return cmdutil.InactiveError(msg)
	}
	return nil
}

// Table is the table view of introspection results: one row per token.
func Table(results []*api.Introspection) printer.TableData {
	t := printer.TableData{Headers: []string{"ACTIVE", "SUBJECT", "CLIENT ID", "SCOPE", "TOKEN USE", "EXPIRES"}}
	for _, r := range results {
		if r == nil {
			t.Rows = append(t.Rows, []string{"error", "", "", "", "", ""})
			continue
		}
		t.Rows = append(t.Rows, []string{
			fmt.Sprint(r.Active), r.Subject, r.ClientID, r.Scope, r.TokenUse, formatUnix(r.ExpiresAt),
		})
	}
	return t
}

func formatUnix(sec int64) string {
	if sec == 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}
