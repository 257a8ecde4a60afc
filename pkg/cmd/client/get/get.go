// Package get implements "hydra client get": it fetches OAuth 2.0 clients by
// their IDs from Hydra's admin API.
package get

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	// Style is the output of the spelling the command was called by:
	// Hydra v2's prints its tab-padded table (printer.Style.HydraTable).
	Style printer.Style

	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// IDs are the clients to fetch.
	IDs []string
}

// NewCmdGet builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdGetStyled(f, runF, printer.Style{})
}

// NewCmdGetStyled is NewCmdGet with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdGetStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	var format cmdutil.FormatFlag

	cmd := &cobra.Command{
		Use:   "get <id>...",
		Short: "Get OAuth 2.0 clients by their IDs",
		Long: text.Doc(`
			Get one or more OAuth 2.0 clients from Hydra's admin API. The admin API
			never returns a client's secret.

			For one ID, the output is the client's JSON as the server sent it,
			indented. For several, it is a JSON array of them (one document, as
			kubectl and gh print for several objects); --format table prints one
			row per client.

			Every ID is fetched before anything is printed: if one is missing, the
			command names it, prints nothing, and exits 1.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client get "$CLIENT_ID"
			$ hydra client get "$CLIENT_ID" --format jsonpath=client_name
			$ hydra client get "$ID1" "$ID2" --format table
		`),
		Args: cmdutil.MinimumArgs(1, "at least one client ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet); err != nil {
				return err
			}
			opts.Format.Hydra = opts.Style.HydraPaths
			if err := shared.CheckIDs(args); err != nil {
				return err
			}
			opts.IDs = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.ValidArgsFunction = opts.Admin.CompleteClientIDs(f)
	cmdutil.AddFormatFlag(cmd, &format, "indented JSON")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the client IDs, one a line")
	return cmd
}

func getRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	clients := make([]*api.OAuth2Client, 0, len(opts.IDs))
	for _, id := range opts.IDs {
		c, err := client.GetClient(ctx, id)
		if err != nil {
			return shared.ClientError(id, err)
		}
		clients = append(clients, c)
	}
	return shared.Clients.Print(opts.IO.Out, clients, printer.Output{
		Format: opts.Format, Quiet: opts.Quiet, One: true, Color: opts.IO.ColorEnabled(), HydraTable: opts.Style.HydraTable,
		HydraV1: opts.Style.HydraV1,
	})
}
