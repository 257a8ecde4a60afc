// Package get implements "hydra trust get": it fetches trust relationships
// of the JWT bearer grant by their IDs.
package get

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// IDs are the relationships to fetch.
	IDs []string
}

// NewCmdGet builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "get <id>...",
		Short: "Get trust relationships by their IDs",
		Long: text.Doc(`
			Get one or more trust relationships of the JWT bearer grant from Hydra's
			admin API. Hydra returns the key's set and ID, not the key itself.

			For one ID, the output is its JSON as the server sent it, indented; for
			several, a JSON array. --format table prints one row each.

			Every ID is fetched before anything is printed: if one is missing, the
			command names it, prints nothing, and exits 1.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra trust get "$TRUST_ID"
			$ hydra trust get "$TRUST_ID" --format jsonpath=expires_at
		`),
		Args: cmdutil.MinimumArgs(1, "at least one trust relationship ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet, printer.Style{}); err != nil {
				return err
			}
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
	cmd.ValidArgsFunction = shared.CompleteIDs(f, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "indented JSON")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the IDs, one a line")
	return cmd
}

func getRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	trusts := make([]*api.Trust, 0, len(opts.IDs))
	for _, id := range opts.IDs {
		t, err := client.GetTrust(ctx, id)
		if err != nil {
			return shared.TrustError(id, err)
		}
		trusts = append(trusts, t)
	}
	return shared.Trusts.Print(opts.IO.Out, trusts, printer.Output{
		Format: opts.Format, Quiet: opts.Quiet, One: true, Color: opts.IO.ColorEnabled(),
	})
}
