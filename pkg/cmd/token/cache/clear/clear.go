// Package clear implements "hydra token cache clear": it removes cached
// tokens, all of them or those of a client or issuer.
package clear

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Filter tokencache.Filter
	// Keyring replaces the OS keyring in tests.
	Keyring tokencache.Keyring
}

// NewCmdClear builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdClear(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "clear",
		Short: "Remove cached tokens",
		Long: text.Doc(`
			Remove cached tokens from the token cache: all of them, or only those
			of a client (--client-id) or of an issuer (--issuer, the token URL or
			the server's base URL). Entries kept in the OS keyring are removed from
			it too. The tokens are not revoked: use "hydra token revoke" for that.

			What was removed is said on stderr; nothing goes to stdout.
		`),
		Example: text.Doc(`
			$ hydra token cache clear
			$ hydra token cache clear --client-id my-client
			$ hydra token cache clear --issuer https://auth.example.com
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return clearRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Filter.ClientID, "client-id", "", "Remove only the tokens of this client")
	fl.StringVar(&opts.Filter.Issuer, "issuer", "", "Remove only the tokens of this issuer: a token `URL`, or the base URL of its server")
	_ = cmd.RegisterFlagCompletionFunc("client-id", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return cachedValues(f, func(e *tokencache.Entry) string { return e.Key.ClientID }), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("issuer", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return cachedValues(f, func(e *tokencache.Entry) string { return e.Key.Issuer }), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// cachedValues completes a flag from the cache's entries, silently.
func cachedValues(f *cmdutil.Factory, field func(*tokencache.Entry) string) []cobra.Completion {
	dir, err := tokencache.DefaultDir(f.Getenv)
	if err != nil {
		return nil
	}
	entries, _, err := tokencache.List(dir)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []cobra.Completion
	for _, e := range entries {
		if v := field(e); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func clearRun(opts *Options) error {
	dir, err := tokencache.DefaultDir(opts.Factory.Getenv)
	if err != nil {
		return fmt.Errorf("cannot find the token cache: %w", err)
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(opts.IO.ErrOut, "The token cache is empty (%s does not exist).\n", dir)
		return nil
	}
	res, err := tokencache.Clear(dir, opts.Filter, opts.Keyring)
	if err != nil {
		return err
	}
	w := opts.IO.ErrOut
	for _, e := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", e)
	}
	for _, p := range res.RemovedBad {
		fmt.Fprintf(w, "Removed the untrusted file %s.\n", p)
	}
	for _, e := range res.Removed {
		fmt.Fprintf(w, "Removed the cached token of client %s (%s, %s) from %s.\n", e.Key.ClientID, e.Key.Grant, e.Key.Issuer, e.Storage)
	}
	for _, e := range res.Errors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	switch {
	case len(res.Errors) > 0:
		return cmdutil.ErrSilent
	case len(res.Removed) == 0 && opts.Filter != (tokencache.Filter{}):
		fmt.Fprintf(w, "No cached token matches.\n")
	case len(res.Removed) == 0 && len(res.RemovedBad) == 0:
		fmt.Fprintf(w, "The token cache is empty.\n")
	}
	return nil
}
