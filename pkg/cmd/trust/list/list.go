// Package list implements "hydra trust list": it lists the trust
// relationships of the JWT bearer grant, of every issuer or of one.
package list

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// Issuer, when set, keeps only this issuer's relationships.
	Issuer string
	// Subject, when set, keeps only relationships for this subject.
	Subject string
}

// NewCmdList builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List trust relationships",
		Long: text.Doc(`
			List the trust relationships of the JWT bearer grant: which issuers'
			keys Hydra trusts, for which subjects and scopes, until when. Every page
			is fetched.

			The output is a table; --format json or yaml prints one array of the
			relationships as the server sent them; -q prints the IDs.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra trust list
			$ hydra trust list --issuer https://token.actions.githubusercontent.com -q
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet, printer.Style{}); err != nil {
				return err
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
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the IDs, one a line")
	fl.StringVar(&opts.Issuer, "issuer", "", "List only this issuer's relationships")
	fl.StringVar(&opts.Subject, "subject", "", "List only the relationships for this subject")
	return cmd
}

func listRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	trusts, err := shared.All(ctx, client, opts.Issuer)
	if err != nil {
		return err
	}
	if opts.Subject != "" {
		// Hydra's list filters by issuer only.
		trusts = slices.DeleteFunc(trusts, func(t *api.Trust) bool { return t.AllowAnySubject || t.Subject != opts.Subject })
	}
	return shared.Trusts.Print(opts.IO.Out, trusts, printer.Output{
		Format: opts.Format, Default: printer.Table, Quiet: opts.Quiet, Color: opts.IO.ColorEnabled(),
	})
}
