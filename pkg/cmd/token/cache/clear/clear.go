// Package clear implements "hydra token cache clear": it removes cached
// tokens, all of them or those of a client or issuer.
package clear

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
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

	// Revoke revokes each entry's tokens before removing it, with the
	// Credentials (for a confidential client) and, to confirm it, the
	// Admin API.
	Revoke      bool
	Credentials shared.Credentials
	Admin       shared.AdminAPI
	Conn        cmdutil.Connection
	CommandPath string
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
		Long: text.Docf(`
			Remove cached tokens from the token cache: all of them, or only those
			of a client (--client-id) or of an issuer (--issuer, the token URL or
			the server's base URL). Entries kept in the OS keyring are removed from
			it too.

			The tokens are not revoked, unless --revoke is given: then each
			entry's refresh token and access token are revoked at its own token
			server, as its own client, before it is removed, so that a CI job can
			clean up after itself. A public client (token_endpoint_auth_method
			none) needs nothing more; a confidential one needs its credentials,
			given as for "hydra token client" (--client-secret-file,
			%[1]s, --private-key, --auth-method). When the admin API is known
			(--admin-endpoint or %[2]s), introspection confirms that both tokens
			are inactive. An entry that could not be revoked (its server did not
			answer, refused the client, or left a token active) is kept, with a
			message, and the exit status is 1.

			What was removed is said on stderr; nothing goes to stdout.
		`, shared.EnvClientSecret, cmdutil.EnvAdminURL),
		Example: text.Doc(`
			$ hydra token cache clear
			$ hydra token cache clear --client-id my-client
			$ hydra token cache clear --issuer https://auth.example.com

			# At the end of a CI job whose public client cached a token
			$ hydra token cache clear --revoke --client-id ci-deploy
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.Revoke {
				for _, name := range []string{"client-secret", "client-secret-file", "auth-method", "private-key", "admin-endpoint", "access-token", "access-token-file"} {
					if cmd.Flags().Changed(name) {
						return cmdutil.FlagErrorf("--%s applies only with --revoke", name)
					}
				}
			}
			if err := opts.Credentials.Validate(); err != nil {
				return err
			}
			opts.CommandPath = cmd.CommandPath()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return clearRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Filter.ClientID, "client-id", "", "Remove only the tokens of this client")
	fl.StringVar(&opts.Filter.Issuer, "issuer", "", "Remove only the tokens of this issuer: a token `URL`, or the base URL of its server")
	fl.BoolVar(&opts.Revoke, "revoke", false, "Revoke each entry's refresh and access tokens, as its client, before removing it; an entry that could not be revoked is kept")
	cmdutil.AddSecretFlags(cmd, &opts.Credentials.Secret, "client-secret", shared.EnvClientSecret, "With --revoke: the secret of a confidential client")
	fl.StringVar(&opts.Credentials.AuthMethod, "auth-method", "", "With --revoke: how a confidential client authenticates: "+strings.Join(shared.AuthMethods, ", ")+" (default: "+shared.AuthPrivateKeyJWT+" with --private-key, "+shared.AuthBasic+" with a secret, else "+shared.AuthNone+")")
	fl.StringVar(&opts.Credentials.PrivateKey, "private-key", "", "With --revoke: sign a "+shared.AuthPrivateKeyJWT+" client assertion with the private key in this PEM or JWK `file` ('-' for stdin) (env: "+shared.EnvPrivateKey+")")
	fl.BoolVarP(&opts.Credentials.Quiet, "quiet", "q", false, "Do not warn about a secret given on the command line")
	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public, cmdutil.NoEndpoint)
	shared.AddAdminAPIFlags(cmd, &opts.Admin, "With --revoke: URL of Hydra's admin API, to confirm through introspection that the tokens are inactive")
	_ = cmd.RegisterFlagCompletionFunc("auth-method", cobra.FixedCompletions(shared.AuthMethods, cobra.ShellCompDirectiveNoFileComp))
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

func clearRun(ctx context.Context, opts *Options) error {
	dir, err := tokencache.DefaultDir(opts.Factory.Getenv)
	if err != nil {
		return fmt.Errorf("cannot find the token cache: %w", err)
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(opts.IO.ErrOut, "The token cache is empty (%s does not exist).\n", dir)
		return nil
	}
	if opts.Revoke {
		return revokeRun(ctx, opts, dir)
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
