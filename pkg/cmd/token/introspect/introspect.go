// Package introspect implements "hydra token introspect": RFC 7662 token
// introspection against Hydra's admin API.
package introspect

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/batch"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// DefaultConcurrency is the default of --concurrency.
const DefaultConcurrency = 8

// MaxConcurrency bounds --concurrency: more parallel requests than this
// only queue up at the server.
const MaxConcurrency = 256

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// Admin is the connection to the admin API.
	cmdutil.Admin

	Format        printer.Format
	Scopes        []string
	RequireActive bool

	// Concurrency is how many requests a batch keeps in flight.
	Concurrency int

	// Tokens are the tokens to introspect. A single "-" reads them from
	// stdin, one a line.
	Tokens []string

	// Style is the output of the spelling the command was called by:
	// Hydra v2's prints one token's answer as its tab-padded table
	// (printer.Style.HydraTable).
	Style printer.Style
}

// NewCmdIntrospect builds the command. runF replaces the run function in
// tests of flag parsing.
func NewCmdIntrospect(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdIntrospectStyled(f, runF, printer.Style{})
}

// NewCmdIntrospectStyled is NewCmdIntrospect with the output of another
// spelling: Hydra v2's "introspect token" takes -q, which prints only
// whether the token is active (printer.Style.QuietActive).
func NewCmdIntrospectStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	var format cmdutil.FormatFlag
	var scopes []string
	var quietActive bool

	cmd := &cobra.Command{
		Use:   "introspect <token>... | -",
		Short: "Introspect access or refresh tokens",
		Long: text.Doc(`
			Ask Hydra's admin API whether a token is active, and what it grants
			(RFC 7662). "hydra token introspect" prints the answer as Hydra v1's CLI
			does: tab-indented, with the members of Hydra v1's introspection model
			in its order (active and aud always, the others when not empty).
			--format prints the server's JSON, unchanged.

			An inactive token is a valid answer: it is printed, and the command
			exits 0. With --require-active, an inactive token exits 3, so that a
			script can gate on it.

			Give "-" instead of a token to read tokens from stdin, one a line,
			which keeps them out of the process list. Blank lines are skipped.

			Exactly one token prints the server's answer as above. Several tokens,
			as arguments or lines on stdin, are introspected concurrently
			(--concurrency at a time, over kept-alive connections) and answered in
			input order, one per token (a line of stdin longer than 1 MiB is
			answered with an error, and the lines after it are read on):
			  - --format json (the default for several tokens) prints one JSON
			    object a line: {"index":N,"result":{...}} with the server's answer,
			    or {"index":N,"error":"..."}. N counts tokens from 0. The token
			    itself is never printed.
			  - --format table prints one row per token.
			  - json-pretty, yaml, jsonpath and jsonpointer show the same
			    {"index","result"|"error"} object for each token.
			A progress bar is drawn on stderr when it is a terminal. Every token is
			answered before the command exits: 1 if any token failed, else 3 if
			--require-active is given and any token is inactive, else 0. When 16
			tokens in a row (or 2 × --concurrency) fail the same way, with no
			answer from the server or the same HTTP error (it went down, or the
			URL is wrong), no more are sent: each later token is answered with an
			error, and the command exits 1.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token introspect "$TOKEN"
			$ hydra token introspect --scope read --require-active "$TOKEN" >/dev/null
			$ hydra token introspect --format jsonpath=sub "$TOKEN"
			$ printf '%s\n' "$TOKEN" | hydra token introspect -

			# Many tokens, one a line; one JSON object a line comes back.
			$ hydra token introspect - < tokens.txt > answers.ndjson
			$ hydra token introspect --format jsonpath=result.active - < tokens.txt
			$ hydra token introspect --format table "$TOKEN1" "$TOKEN2"
		`),
		Args: cmdutil.MinimumArgs(1, "at least one token (or - to read them from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if quietActive {
				// Hydra v2's -q wins over --format, which is not read
				// (cmdutil's ParseWithQuiet). Several tokens print a record each:
				// {"index":N,"result":{...}}.
				opts.Format = printer.Format{Name: printer.JSONPath, Expr: "active"}
				if len(args) > 1 {
					opts.Format.Expr = "result.active"
				}
			} else if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			opts.Format.Hydra = opts.Style.HydraPaths && len(args) == 1
			if len(args) > 1 {
				for i, a := range args {
					switch a {
					case "-":
						return cmdutil.FlagErrorf(`"-" reads the tokens from stdin, and cannot be combined with tokens as arguments`)
					case "":
						return cmdutil.FlagErrorf("token %d of %d is empty", i+1, len(args))
					}
				}
			}
			if args[0] == "-" && opts.AccessToken.File == "-" {
				return cmdutil.FlagErrorf(`"-" reads the tokens from stdin, so --access-token-file cannot read stdin too; use a file or %s`, cmdutil.EnvAccessToken)
			}
			if opts.Concurrency < 1 || opts.Concurrency > MaxConcurrency {
				return cmdutil.FlagErrorf("--concurrency must be between 1 and %d, got %d", MaxConcurrency, opts.Concurrency)
			}
			opts.Scopes = cmdutil.SplitList(scopes)
			opts.Tokens = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return introspectRun(cmd.Context(), opts)
		},
	}

	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "json-pretty for one token, json (one object a line) for several")
	cmd.Flags().StringSliceVar(&scopes, "scope", nil, "Also require that the token was granted these scopes (repeatable, comma-separated)")
	cmd.Flags().BoolVar(&opts.RequireActive, "require-active", false, "Exit 3 when a token is not active")
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", DefaultConcurrency, "How many tokens to introspect at once, when there are several")
	if style.QuietActive {
		cmd.Flags().BoolVarP(&quietActive, "quiet", "q", false, "Print only whether the token is active: true or false")
	}
	if style.Hydra() {
		cmd.Use = strings.Replace(cmd.Use, "<token>... | -", "<token> | -", 1)
		cmd.Args = cmdutil.OneTokenAsHydra("hydra token introspect")
	}
	return cmd
}

func introspectRun(ctx context.Context, opts *Options) error {
	if len(opts.Tokens) == 1 && opts.Tokens[0] != "-" {
		token, err := cmdutil.ReadTokenArg(opts.Factory, opts.Tokens[0], "token")
		if err != nil {
			return err
		}
		return introspectOne(ctx, opts, token)
	}
	seq := batch.Infallible(cmdutil.TokenList(opts.Factory, opts.Tokens))
	total := len(opts.Tokens)
	if len(opts.Tokens) == 1 {
		// "-": the number of lines decides the output, so read until
		// there is more than one. From a terminal, each token is read
		// without echo.
		head, all, more, _ := batch.Peek(seq, 1)
		if len(head) == 0 {
			return cmdutil.FlagErrorf("the token is empty: stdin holds no token")
		}
		if !more {
			if head[0].Err != nil {
				return fmt.Errorf("reading the token from stdin: %w", head[0].Err)
			}
			return introspectOne(ctx, opts, head[0].Token)
		}
		seq, total = all, -1
	}
	return introspectBatch(ctx, opts, seq, total)
}

// hydraHeaders are the rows of Hydra v2's table of an introspection.
var hydraHeaders = []string{"ACTIVE", "SUBJECT", "CLIENT ID", "SCOPE", "EXPIRY", "TOKEN USE"}

// hydraRow is an introspection in Hydra v2's table: the expiry in Go's
// time.Time String form, in the local time zone, and the Unix epoch when
// the answer has none, as Hydra's CLI prints it.
func hydraRow(res *api.Introspection) []string {
	return []string{strconv.FormatBool(res.Active), res.Subject, res.ClientID, res.Scope,
		time.Unix(res.ExpiresAt, 0).String(), res.TokenUse}
}

// introspectOne prints one token's answer as the server sent it.
func introspectOne(ctx context.Context, opts *Options, token string) error {
	if token == "" {
		return cmdutil.FlagErrorf("the token is empty")
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	res, err := client.Introspect(ctx, token, opts.Scopes)
	if err != nil {
		return err
	}
	if opts.Style.HydraTable && (opts.Format.Name == "" || opts.Format.Name == printer.Table) {
		return printer.WriteHydraRow(opts.IO.Out, hydraHeaders, hydraRow(res))
	}
	if opts.Style.HydraV1 && opts.Format.Name == "" {
		err = printer.WriteV1JSON(opts.IO.Out, res.Raw, printer.V1Introspection)
	} else {
		p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
		err = p.Print(opts.IO.Out, res.Raw, func() printer.TableData { return Table([]*api.Introspection{res}) })
	}
	var noMatch *printer.NoMatchError
	if errors.As(err, &noMatch) && !res.Active {
		// {"active":false} is the whole answer for an inactive token: a
		// path into its claims selects nothing, and that is no failure.
		fmt.Fprintf(opts.IO.ErrOut, "The token is not active: its answer is {\"active\":false}, in which %s %q selects nothing.\n", noMatch.Kind, noMatch.Expr)
		err = nil
	}
	if err != nil {
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
	return text.Time(sec)
}
