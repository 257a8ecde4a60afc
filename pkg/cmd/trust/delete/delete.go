// Package delete implements "hydra trust delete": it deletes trust
// relationships of the JWT bearer grant by their IDs.
package delete

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin cmdutil.Admin

	// IDs are the relationships to delete.
	IDs []string
	// Force deletes a relationship even when others share its key, which
	// Hydra then deletes with it.
	Force bool
}

// NewCmdDelete builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "delete <id>...",
		Short: "Delete trust relationships by their IDs",
		Long: text.Doc(`
			Delete one or more trust relationships: Hydra stops accepting assertions
			signed with their keys. The ID of each deleted relationship is printed
			on stdout, one a line. Hydra answers 404 for an unknown ID, so a printed
			ID was deleted.

			Hydra stores one key per issuer and key ID, shared by every
			relationship that names them, and deleting a relationship deletes its
			key and every other relationship of the same issuer and key ID, of any
			subject. So a relationship whose key others share is not deleted: it
			is named on stderr with the others, unless they are deleted too (given
			as arguments) or --force is given, in which case each relationship
			Hydra deleted with it is named on stderr.

			A failure does not stop the others: each is named on stderr, and the
			command exits 1 if any failed.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra trust delete "$TRUST_ID"
			$ hydra trust list --issuer https://issuer.example -q | xargs hydra trust delete
		`),
		Args: cmdutil.MinimumArgs(1, "at least one trust relationship ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckIDs(args); err != nil {
				return err
			}
			opts.IDs = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Delete a relationship even when others share its key: Hydra deletes them with it")
	cmd.ValidArgsFunction = shared.CompleteIDs(f, &opts.Admin)
	return cmd
}

func deleteRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	guard := &shared.DeleteGuard{Client: client, IDs: opts.IDs, Force: opts.Force, ErrOut: opts.IO.ErrOut}
	return cmdutil.DeleteEach(ctx, opts.IO, opts.IDs, cmdutil.Deletion{
		Noun:    "trust relationships",
		Delete:  guard.Delete,
		Explain: shared.TrustError,
	})
}
