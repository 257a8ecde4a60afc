// Package create implements "hydra keys create": Hydra generates a JSON Web
// Key into a set.
package create

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
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

	Admin  cmdutil.Admin
	Output shared.OutputFlags

	// Set is the set to add the key to; KeyID the new key's ID, or empty
	// for one Hydra chooses.
	Set   string
	KeyID string
	// Algorithm and Use are the new key's "alg" and "use".
	Algorithm string
	Use       string
}

// NewCmdCreate builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdCreateStyled(f, runF, printer.Style{})
}

// NewCmdCreateStyled is NewCmdCreate with the output of another spelling,
// such as Hydra v2's (see printer.Style): there the new key is printed with
// its private part unless --public is given, as Hydra's CLI prints it
// (shared.HydraSet).
func NewCmdCreateStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	opts.Output.Style, opts.Output.Shape = style, shared.HydraSet
	cmd := &cobra.Command{
		Use:   "create <set> [<kid>]",
		Short: "Have Hydra generate a JSON Web Key into a set",
		Long: text.Docf(`
			Have Hydra generate a new key pair and add it to a JSON Web Key Set,
			creating the set if it does not exist.

			%s
		`, printing(style)),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra keys create my-set --alg ES256
			$ hydra keys create my-set my-key-id --alg RS256 --use sig --format pem
			$ hydra keys create my-set --alg EdDSA --format jsonpath=keys.0.kid
		`),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return cmdutil.FlagErrorf("%s takes a set name and, optionally, a key ID; see '%s --help'", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			if err := shared.CheckAlgUse(opts.Algorithm, opts.Use); err != nil {
				return err
			}
			if err := shared.CheckName("set", args[0]); err != nil {
				return err
			}
			opts.Set = args[0]
			if len(args) == 2 {
				if err := shared.CheckName("key ID", args[1]); err != nil {
					return err
				}
				opts.KeyID = args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.ValidArgsFunction = shared.CompleteSets(1)
	shared.AddAlgUseFlags(cmd, &opts.Algorithm, &opts.Use, "RS256", "sig",
		"The new key's algorithm: RS256, RS512, ES256, ES512, EdDSA, or another that Hydra supports",
		"The new key's use: sig (signing) or enc (encryption)")
	shared.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// printing is the part of the help that says what is printed, under the
// tool's own spelling or Hydra v2's.
func printing(style printer.Style) string {
	if style.HydraTable {
		return text.Doc(`
			The new key is printed as Hydra's CLI prints it: by default and with
			--format table, a table of SET ID, KEY ID, ALGORITHM and USE; in the
			other formats, {"set":SET,"keys":[...]} with the private part unless
			--public is given (printed to a terminal, after a warning on
			stderr); -q prints its ID. The server keeps the private key, and
			'hydra get jwk SET' prints it again.`)
	}
	return text.Doc(`
		The private key stays on the server; the output shows the new key's
		public part.

		With --private the private key is printed too, as Hydra sent it;
		printed to a terminal, a warning goes to stderr first. --format pem
		prints the key as a PEM block (PUBLIC KEY, or PRIVATE KEY in PKCS #8
		with --private).`)
}

func createRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	ks, err := client.CreateKeySet(ctx, opts.Set, api.CreateKeySetRequest{Algorithm: opts.Algorithm, Use: opts.Use, KeyID: opts.KeyID})
	if err != nil {
		return err
	}
	if len(ks.Keys) == 0 {
		// A key set with no key proves nothing was made.
		return fmt.Errorf("creating a key in the set %q: Hydra's answer holds no key, so the key may not exist; check with 'hydra keys get %s'", opts.Set, text.ShellQuote(opts.Set))
	}
	opts.Output.New = true
	return shared.Print(opts.IO, shared.KeysOf(opts.Set, ks), opts.Output)
}
