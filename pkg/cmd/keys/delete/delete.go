// Package delete implements "hydra keys delete": it deletes JSON Web Key
// Sets, or one key of a set.
package delete

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/keys/shared"
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

	// Sets are the sets to delete.
	Sets []string
	// KeyID, when set, deletes only this key of the one set.
	KeyID string
	// Force deletes a set or key that trust relationships use, and them
	// with it.
	Force bool

	// Output prints the deleted sets (or key IDs) as the spelling the
	// command was called by asks (printer.Style.IDs): Hydra v2's takes
	// --format and -q.
	Output cmdutil.IDOutput
	// V1Lines prints Hydra v1's "JSON Web Key Set deleted: SET" for each
	// deleted set (printer.Style.HydraV1); --kid keeps the tool's line,
	// the key ID, since v1 could not delete one key.
	V1Lines bool
}

// NewCmdDelete builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdDeleteStyled(f, runF, printer.Style{})
}

// NewCmdDeleteStyled is NewCmdDelete with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdDeleteStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, V1Lines: style.HydraV1}
	cmd := &cobra.Command{
		Use:   "delete <set>...",
		Short: "Delete JSON Web Key Sets, or one key of a set",
		Long: text.Docf(`
			Delete one or more JSON Web Key Sets with all their keys, or, with
			--kid, one key of a set. %s

			Hydra answers a deletion of a set or key that does not exist as it
			answers a real one, so each is fetched first: a missing one is named
			on stderr, and the command exits 1. A failure does not stop the
			others.

			A set named after a trust relationship's issuer (one that is not a
			URL) holds that relationship's key, and Hydra deletes the
			relationship with it. Such a set or key is not deleted: the
			relationships are named, and --force deletes them too.
		`, printed(style)),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra keys delete my-set other-set
			$ hydra keys delete my-set --kid my-key-id
		`),
		Args: cmdutil.MinimumArgs(1, "at least one set name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := shared.CheckSets(args, opts.KeyID, cmd.Flags().Changed("kid")); err != nil {
				return err
			}
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			opts.Sets = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddIDOutputFlags(cmd, &opts.Output, style.IDs, "the set names, one a line", "Print only the set names, one a line")
	cmd.ValidArgsFunction = shared.CompleteSets(0)
	cmd.Flags().StringVar(&opts.KeyID, "kid", "", "Delete only the key with this key ID")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Delete a set or key that trust relationships use, and them with it")
	_ = cmd.RegisterFlagCompletionFunc("kid", opts.Admin.CompleteWith(f, shared.CompleteKeyIDs))
	return cmd
}

// printed is the sentence of the help that says what is printed, under
// each spelling.
func printed(style printer.Style) string {
	switch {
	case style.HydraV1:
		return text.Doc(`
			Each deleted set is confirmed on stdout
			with Hydra v1's line, "JSON Web Key Set deleted: SET"; with --kid,
			the deleted key's ID is printed.`)
	case style.IDs == printer.V2IDs:
		return text.Doc(`
			The deleted sets (or the deleted key's
			ID) are printed as Hydra's CLI prints them: "ID<TAB>SET" for one, a
			table for several; -q prints them one a line.`)
	}
	return text.Doc(`
		The name of each deleted set (or the ID of
		the deleted key) is printed on stdout, one a line.`)
}

func deleteRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	// guarded deletes set, or its key kid, with del, unless trust
	// relationships use it: Hydra would delete them with it (see
	// shared.TrustsUsing). --force deletes them too, and names them.
	guarded := func(ctx context.Context, set, kid string, del func() error) error {
		ts, err := shared.TrustsUsing(ctx, client, set, kid)
		if !opts.Force {
			if err != nil {
				return fmt.Errorf("checking which trust relationships use it failed, so it was not deleted (--force deletes it unchecked): %w", err)
			}
			if err := shared.TrustGuard(set, kid, ts); err != nil {
				return err
			}
		}
		if err := del(); err != nil {
			return err
		}
		for _, t := range ts {
			fmt.Fprintf(opts.IO.ErrOut, "Hydra also deleted the trust relationship %s (issuer %s, kid %q), whose key it held (--force).\n",
				printer.Printable(t.ID), printer.Printable(t.Issuer), printer.Printable(t.PublicKey.KID))
		}
		return nil
	}
	d := cmdutil.Deletion{
		Noun: "key sets",
		Delete: func(ctx context.Context, set string) error {
			// Hydra answers 204 for what does not exist: look first, so
			// that a printed name means something was deleted.
			if _, err := client.GetKeySet(ctx, set); err != nil {
				return err
			}
			return guarded(ctx, set, "", func() error { return client.DeleteKeySet(ctx, set) })
		},
		Explain: func(set string, err error) error { return shared.SetError(set, "", err) },
	}
	if opts.KeyID != "" {
		d.Delete = func(ctx context.Context, set string) error {
			if _, err := client.GetKey(ctx, set, opts.KeyID); err != nil {
				return err
			}
			return guarded(ctx, set, opts.KeyID, func() error { return client.DeleteKey(ctx, set, opts.KeyID) })
		}
		d.Explain = func(set string, err error) error { return shared.SetError(set, opts.KeyID, err) }
		d.Shown = func(string) string { return opts.KeyID }
	}
	ids := opts.Output.List(opts.IO)
	if ids == nil {
		if opts.V1Lines && opts.KeyID == "" {
			d.Shown = func(set string) string { return "JSON Web Key Set deleted: " + set }
		}
		return cmdutil.DeleteEach(ctx, opts.IO, opts.Sets, d)
	}
	d.Print = ids.Add
	err = cmdutil.DeleteEach(ctx, opts.IO, opts.Sets, d)
	if ferr := ids.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	return err
}
