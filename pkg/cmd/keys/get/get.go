// Package get implements "hydra keys get": it fetches JSON Web Key Sets, or
// one key, from Hydra's admin API.
package get

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/keys/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Output shared.OutputFlags

	// Sets are the sets to fetch.
	Sets []string
	// KeyID, when set, fetches only this key of the one set.
	KeyID string
}

// NewCmdGet builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "get <set>...",
		Short: "Get JSON Web Key Sets, or one key, by their names",
		Long: text.Doc(`
			Get one or more JSON Web Key Sets from Hydra's admin API, or one key
			of a set with --kid. The keys of several sets are printed as one JWK
			Set; --format table shows which set each key is in.

			Only the public keys are printed unless --private is given: the admin
			API returns the private keys too. A symmetric key has no public part,
			so it is left out, with a note on stderr. Printed to a terminal,
			private keys come after a warning on stderr.

			--format pem prints PEM blocks: PUBLIC KEY, or PRIVATE KEY (PKCS #8)
			for the keys that have one when --private is given.

			Every set is fetched before anything is printed: if one is missing,
			the command names it, prints nothing, and exits 1.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra keys get my-set
			$ hydra keys get my-set --kid my-key-id --format pem > public.pem
			$ hydra keys get hydra.openid.id-token hydra.jwt.access-token --format table
			$ hydra keys get my-set --private --format pem > private.pem
		`),
		Args: cmdutil.MinimumArgs(1, "at least one set name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			if err := shared.CheckSets(args, opts.KeyID, cmd.Flags().Changed("kid")); err != nil {
				return err
			}
			opts.Sets = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.ValidArgsFunction = shared.CompleteSets(0)
	cmd.Flags().StringVar(&opts.KeyID, "kid", "", "Get only the key with this key ID")
	_ = cmd.RegisterFlagCompletionFunc("kid", opts.Admin.CompleteWith(f, shared.CompleteKeyIDs))
	shared.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func getRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	var keys []shared.Key
	for _, set := range opts.Sets {
		var ks *api.KeySet
		if opts.KeyID != "" {
			ks, err = client.GetKey(ctx, set, opts.KeyID)
		} else {
			ks, err = client.GetKeySet(ctx, set)
		}
		if err != nil {
			return shared.SetError(set, opts.KeyID, err)
		}
		keys = append(keys, shared.KeysOf(set, ks)...)
	}
	return shared.Print(opts.IO, keys, opts.Output)
}
