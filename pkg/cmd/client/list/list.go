// Package list implements "hydra client list": it lists the OAuth 2.0
// clients of Hydra's admin API, walking every page or fetching one.
package list

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// MaxPageSize is the largest page Hydra v2.x's admin API serves for
// clients. Hydra v26 serves at most 500, and cuts a larger size without a
// word; the next page's token then follows from there.
const MaxPageSize = 1000

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// PageSize and PageToken select one page; when neither is given, every
	// page is fetched.
	PageSize  int
	PageToken string
	OnePage   bool

	// Limit and Page are Hydra v1's --limit and --page, under its
	// spelling (printer.Style.HydraV1): the page of Limit clients that
	// starts after (Page-1)*Limit of them.
	Limit, Page int

	// Style is the output of the spelling the command was called by:
	// Hydra v2's "list oauth2-clients" prints its page envelope
	// (printer.Style.Envelope).
	Style printer.Style
}

// NewCmdList builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdListStyled(f, runF, printer.Style{})
}

// NewCmdListStyled is NewCmdList with the output of another spelling, such
// as Hydra v2's (see printer.Style).
func NewCmdListStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	var format cmdutil.FormatFlag

	cmd := &cobra.Command{
		Use:   "list",
		Short: "List OAuth 2.0 clients",
		Long: text.Doc(`
			List the OAuth 2.0 clients of Hydra's admin API. The admin API never
			returns secrets.

			By default every page is fetched, following Hydra's Link headers, and
			the output is a table with a header row. --format json or yaml prints
			one array of the clients as the server sent them; -q prints the IDs.

			With --page-size or --page-token, only one page is fetched, and the
			token of the next page, if there is one, is printed on stderr. Without
			--page-size the server chooses the size: Hydra v2.x 250 clients, Hydra
			v26 100. Hydra v26 serves at most 500 a page, and a page of fewer
			clients than asked for may still have a next page.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client list
			$ hydra client list -q
			$ hydra client list --format json
			$ hydra client list --page-size 100
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet); err != nil {
				return err
			}
			opts.Format.Hydra = opts.Style.HydraPaths
			if cmd.Flags().Changed("page-size") && (opts.PageSize < 1 || opts.PageSize > MaxPageSize) {
				return cmdutil.FlagErrorf("--page-size must be between 1 and %d", MaxPageSize)
			}
			// Hydra v2's "list oauth2-clients" fetches one page, of
			// --page-size clients (100 by default, as Hydra v2.3's CLI).
			opts.OnePage = cmd.Flags().Changed("page-size") || cmd.Flags().Changed("page-token") || opts.Style.Envelope
			if opts.Style.HydraV1 {
				if opts.OnePage && (cmd.Flags().Changed("limit") || cmd.Flags().Changed("page")) {
					return cmdutil.FlagErrorf("--limit and --page cannot be used with --page-size or --page-token")
				}
				if opts.Limit < 1 || opts.Limit > MaxPageSize {
					return cmdutil.FlagErrorf("--limit must be between 1 and %d", MaxPageSize)
				}
				if opts.Page < 1 || opts.Page > maxV1Page {
					return cmdutil.FlagErrorf("--page must be between 1 and %d", maxV1Page)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "table")
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the client IDs, one a line")
	if style.Envelope {
		fl.IntVar(&opts.PageSize, "page-size", hydraPageSize, fmt.Sprintf("Fetch one page of this many clients (1 to %d)", MaxPageSize))
	} else {
		fl.IntVar(&opts.PageSize, "page-size", 0, fmt.Sprintf("Fetch one page of this many clients (1 to %d)", MaxPageSize))
	}
	fl.StringVar(&opts.PageToken, "page-token", "", "Fetch the page with this token, from a previous page")
	if style.Envelope {
		cmd.Long = text.Doc(`
			List one page of the OAuth 2.0 clients of Hydra's admin API, as Hydra
			v2's CLI does: --page-size clients (100 by default) from the page that
			--page-token names (the first by default). The admin API never returns
			secrets.

			By default and with --format table, the output is Hydra's table, with
			the next page's token in its NEXT PAGE TOKEN row; --format json or
			yaml prints {"items":[...],"next_page_token":"...","is_last_page":...};
			-q prints the IDs. "hydra client list" fetches every page.
		`)
	}
	if style.HydraV1 {
		cmd.Long = text.Doc(`
			List one page of the OAuth 2.0 clients of Hydra's admin API, as Hydra
			v1's CLI does: --limit clients (20 by default) of page --page (1 by
			default), in Hydra v1's table. The admin API never returns secrets.
			--format json or yaml prints one array of the clients as the server
			sent them; -q prints the IDs. --page-size and --page-token select a
			page as "hydra client list" does.
		`)
		fl.IntVar(&opts.Limit, "limit", 20, "Fetch one page of this many clients, as Hydra v1's CLI does")
		fl.IntVar(&opts.Page, "page", 1, "With --limit, the number of the page to fetch, from 1")
	}
	return cmd
}

// hydraPageSize is the page size of Hydra v2.3's "list oauth2-clients"
// when --page-size is not given (ory/x cmdx's default).
const hydraPageSize = 100

// maxV1Page bounds --page: reaching page N takes N requests against a
// server that pages by token.
const maxV1Page = 10000

func listRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	out := printer.Output{Format: opts.Format, Default: printer.Table, Quiet: opts.Quiet, Color: opts.IO.ColorEnabled()}
	if opts.Style.Envelope {
		out.Page = &printer.Page{}
	}
	out.HydraTable = opts.Style.HydraTable
	var clients []*api.OAuth2Client
	if opts.Style.HydraV1 && !opts.OnePage {
		if clients, err = v1Page(ctx, client, opts.Limit, opts.Page); err != nil {
			return err
		}
		out.HydraV1 = true
		return shared.Clients.Print(opts.IO.Out, clients, out)
	}
	if opts.OnePage {
		page, err := client.ListClients(ctx, api.ListClientsOptions{PageSize: opts.PageSize, PageToken: opts.PageToken})
		if err != nil {
			return err
		}
		clients = page.Clients
		next := ""
		if page.NextPageToken != "" && len(page.Clients) > 0 {
			next = page.NextPageToken
		}
		hydraTable := out.HydraTable && out.Page != nil && !out.Quiet && (out.Format.Name == "" || out.Format.Name == printer.Table)
		if out.Enveloped() || hydraTable {
			out.Page.NextPageToken = next
		} else if next != "" {
			defer fmt.Fprintf(opts.IO.ErrOut, "next page: --page-token %s\n", printableToken(next))
		}
	} else if clients, err = All(ctx, client); err != nil {
		return err
	}

	return shared.Clients.Print(opts.IO.Out, clients, out)
}

// v1Page fetches Hydra v1's page of clients: limit clients from the
// (page-1)*limit-th on. Hydra v1 asks for it by offset; a server that pages
// by token (Hydra v2 and later) is walked to it, page after page of limit
// clients, which Hydra v1's server also answers (its token is the offset).
// Past the last page, the page is empty.
func v1Page(ctx context.Context, client *api.Client, limit, page int) ([]*api.OAuth2Client, error) {
	token := ""
	for n := 1; ; n++ {
		p, err := client.ListClients(ctx, api.ListClientsOptions{PageSize: limit, PageToken: token})
		if err != nil {
			return nil, err
		}
		if n == page {
			return p.Clients, nil
		}
		if p.NextPageToken == "" || p.NextPageToken == token || len(p.Clients) == 0 {
			return nil, nil
		}
		token = p.NextPageToken
	}
}

// All fetches every page of clients, following the next-page tokens
// (api.Pages, with its limits).
func All(ctx context.Context, client *api.Client) ([]*api.OAuth2Client, error) {
	all, err := api.Collect(client.AllClients(ctx))
	var pe *api.PageError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%w\nFetch pages one at a time with --page-size and --page-token", err)
	}
	return all, err
}

// printableToken returns a page token as the user can paste it back: as it
// is when it is plain, quoted when it holds white space or control
// characters, which the server chose and a terminal would otherwise obey.
func printableToken(tok string) string {
	if strings.IndexFunc(tok, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\'' || r == '"' }) < 0 {
		return tok
	}
	return strconv.Quote(tok)
}
