// Package delete implements "hydra token delete": delete every access and
// refresh token of one client through Hydra's admin API.
package delete

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// Admin is the connection to the admin API. Its Quiet is -q.
	cmdutil.Admin

	// ClientID is the client whose tokens are deleted.
	ClientID string

	// Output prints the client ID as the spelling the command was called
	// by asks (printer.Style.IDs, printer.Style.HydraV1).
	Output cmdutil.IDOutput
}

// NewCmdDelete builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdDeleteStyled(f, runF, printer.Style{})
}

// NewCmdDeleteStyled is NewCmdDelete with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdDeleteStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}

	cmd := &cobra.Command{
		Use:   "delete --client-id <id>",
		Short: "Delete every access and refresh token of a client",
		Long: text.Doc(`
			Delete every access and refresh token that Hydra issued to one client,
			through the admin API. The tokens are inactive from then on; the
			client itself stays.

			Hydra answers alike for a client ID it does not know, so the command
			then checks that the client exists, and fails (exit 1) when it does
			not, rather than confirm a deletion of nothing.

			On stdout, the line Hydra v1's CLI printed: "Successfully deleted
			access tokens for client ID" (with -q, the client ID alone); under
			Hydra v2's spelling, "hydra delete access-tokens ID", the client ID
			as Hydra v2's CLI prints it. A confirmation goes to stderr.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token delete --client-id my-client
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.ClientID == "" {
				// As Hydra v1's CLI did.
				opts.ClientID = strings.TrimSpace(f.Getenv(shared.EnvClientID))
			}
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			if opts.ClientID == "" {
				return cmdutil.FlagErrorf("%s needs --client-id or %s: the client whose tokens to delete", cmd.CommandPath(), shared.EnvClientID)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}

	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.Flags().StringVar(&opts.ClientID, "client-id", "", "Delete the tokens of the client with this `id` (env: "+shared.EnvClientID+")")
	opts.Admin.CompleteClientIDFlag(cmd, f, "client-id")
	const quiet = "Print only the client ID, no confirmation, and no warning about a secret given on the command line"
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, quiet)
	cmdutil.AddIDOutputFlags(cmd, &opts.Output, style.IDs, "the IDs, one a line", quiet)
	if style.HydraV1 {
		opts.Output.UseV1Line(printer.V1TokensDeleted)
	}
	return cmd
}

func deleteRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	if err := client.DeleteTokens(ctx, opts.ClientID); err != nil {
		return err
	}
	// Hydra answers 204 to this for any client ID, a mistyped one too, so
	// the answer proves nothing: the client's existence is what shows that
	// its tokens, if it had any, are gone.
	if _, err := client.GetClient(ctx, opts.ClientID); err != nil {
		var e *api.Error
		if errors.As(err, &e) && e.StatusCode == http.StatusNotFound && e.Code != "" {
			return fmt.Errorf("Hydra has no client with ID %q, so no tokens were deleted (it answers 204 for any ID): check --client-id, such as with 'hydra client list'", opts.ClientID)
		}
		// The 204 proves nothing (see above): no deletion is claimed.
		return fmt.Errorf("the deletion of the tokens of client %s is not confirmed: the server answered the deletion as Hydra does for any client ID, but checking that the client exists failed: %w", printer.Printable(opts.ClientID), err)
	}
	if ids := opts.Output.List(opts.IO); ids != nil {
		if err := ids.Add(opts.ClientID); err != nil {
			return err
		}
		if err := ids.Flush(); err != nil {
			return err
		}
	} else if _, err := fmt.Fprintln(opts.IO.Out, opts.ClientID); err != nil {
		return err
	}
	if !opts.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "Deleted every access and refresh token of client %s.\n", opts.ClientID)
	}
	return nil
}
