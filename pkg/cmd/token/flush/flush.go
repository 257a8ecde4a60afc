// Package flush implements "hydra token flush": remove inactive tokens
// through a Hydra v1 admin API. Hydra v2 removed that endpoint; against it,
// the command says what to run instead, and fails.
package flush

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Janitor explains what replaced the flush endpoint in Hydra v2.
const Janitor = `Hydra v2 removed the token flush endpoint, so no client can flush tokens there.
Run the janitor on the Hydra server instead, against its database, for example:
  hydra janitor --tokens --keep-if-younger 24h "$DSN"
See https://www.ory.sh/docs/hydra/cli/hydra-janitor.`

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin cmdutil.Admin
	// MinAge keeps the tokens issued less than this long ago.
	MinAge time.Duration
	Quiet  bool

	// Now is the clock, replaced in tests.
	Now func() time.Time

	// Style is the output of the spelling the command was called by: under
	// printer.Style.HydraV1, Hydra v1's line on stdout after a flush.
	Style printer.Style
}

// NewCmdFlush builds the command. runF replaces the run function in tests.
func NewCmdFlush(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdFlushStyled(f, runF, printer.Style{})
}

// NewCmdFlushStyled is NewCmdFlush with the output of a spelling of
// Hydra's, such as v1's "hydra token flush" (printer.Style.HydraV1).
func NewCmdFlushStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Now: time.Now, Style: style}
	cmd := &cobra.Command{
		Use:   "flush",
		Short: "Remove inactive tokens through a Hydra v1 admin API",
		Long: text.Doc(`
			Remove expired access and refresh tokens from Hydra's database,
			through Hydra v1's admin API (POST /oauth2/flush). With --min-age,
			tokens issued less than that long ago are kept. Hydra v1 removes up
			to 1000 tokens of each kind per call. On stdout, the line Hydra
			v1's CLI printed, "Successfully flushed inactive access tokens"
			(none with -q); on stderr, what was flushed.

			Hydra v2 removed this endpoint: tokens are flushed on the server, with
			'hydra janitor'. Against Hydra v2 the command says so, and exits 1.
			The server's version is detected; --api-version sets it.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token flush --min-age 24h

			# against Hydra v2, on the Hydra server:
			$ hydra janitor --tokens --keep-if-younger 24h "$DSN"
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.MinAge < 0 {
				return cmdutil.FlagErrorf("--min-age must not be negative")
			}
			opts.Admin.Quiet = opts.Quiet
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return flushRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.Flags().DurationVar(&opts.MinAge, "min-age", 0, "Keep tokens issued less than this long ago, such as 24h")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print no confirmation, and no warning about a secret given on the command line")
	return cmd
}

func flushRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	notAfter := opts.Now().Add(-opts.MinAge)
	if err := client.FlushInactiveTokens(ctx, notAfter); err != nil {
		var gerr *api.GenerationError
		if errors.As(err, &gerr) {
			gerr.Advice = Janitor
		}
		return err
	}
	if opts.Quiet {
		return nil
	}
	if opts.Style.HydraV1 {
		if err := printer.WriteV1Line(opts.IO.Out, printer.V1TokensFlushed); err != nil {
			return err
		}
	}
	// Hydra v1 removes at most 1000 tokens of each kind per call, and its
	// answer does not say how many: say so rather than claim all.
	fmt.Fprintf(opts.IO.ErrOut, "Flushed expired access and refresh tokens issued before %s: Hydra v1 removes up to 1000 of each per call, so run it again if more are left.\n", notAfter.UTC().Format(time.RFC3339))
	return nil
}
