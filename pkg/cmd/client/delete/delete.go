// Package delete implements "hydra client delete": it deletes OAuth 2.0
// clients by their IDs.
package delete

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin cmdutil.Admin

	// IDs are the clients to delete.
	IDs []string

	// Output prints the deleted IDs as the spelling the command was
	// called by asks (printer.Style.IDs).
	Output cmdutil.IDOutput
	// V1 prints Hydra v1's line, "OAuth 2.0 Client(s) deleted", once every
	// client is deleted, instead of their IDs (printer.Style.HydraV1).
	V1 bool
}

// v1Deleted is what Hydra v1's "clients delete" prints when it has deleted
// every client it was given.
const v1Deleted = "OAuth 2.0 Client(s) deleted\n"

// NewCmdDelete builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdDeleteStyled(f, runF, printer.Style{})
}

// NewCmdDeleteStyled is NewCmdDelete with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdDeleteStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, V1: style.HydraV1}
	cmd := &cobra.Command{
		Use:   "delete <id>...",
		Short: "Delete OAuth 2.0 clients by their IDs",
		Long: text.Doc(`
			Delete one or more OAuth 2.0 clients. The ID of each deleted client is
			printed on stdout, one a line.

			A failure does not stop the others: each one is named on stderr, and
			the command exits 1 if any failed.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client delete "$CLIENT_ID"
			$ hydra client list -q | xargs hydra client delete
		`),
		Args: cmdutil.MinimumArgs(1, "at least one client ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckIDs(args); err != nil {
				return err
			}
			if err := opts.Output.Parse(); err != nil {
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
	cmdutil.AddIDOutputFlags(cmd, &opts.Output, style.IDs, "the IDs, one a line", "Print only the IDs, one a line")
	cmd.ValidArgsFunction = opts.Admin.CompleteClientIDs(f)
	return cmd
}

func deleteRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	ids := opts.Output.List(opts.IO)
	d := cmdutil.Deletion{
		Noun:    "clients",
		Delete:  client.DeleteClient,
		Explain: shared.ClientError,
	}
	if opts.V1 {
		// One line, and only when the server deleted them all.
		d.Print = func(string) error { return nil }
		if err := cmdutil.DeleteEach(ctx, opts.IO, opts.IDs, d); err != nil {
			return err
		}
		_, err := io.WriteString(opts.IO.Out, v1Deleted)
		return err
	}
	if ids == nil {
		return cmdutil.DeleteEach(ctx, opts.IO, opts.IDs, d)
	}
	d.Print = ids.Add
	err = cmdutil.DeleteEach(ctx, opts.IO, opts.IDs, d)
	if ferr := ids.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	return err
}
