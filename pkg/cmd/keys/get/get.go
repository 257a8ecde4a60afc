// Package get implements "hydra keys get": it fetches JSON Web Key Sets, or
// one key, from Hydra's admin API.
package get

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/keys/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/printer"
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
	// OutFile, when set, receives the output instead of stdout, written
	// at mode 0600; Force lets it replace an existing file.
	OutFile string
	Force   bool
}

// NewCmdGet builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdGetStyled(f, runF, printer.Style{})
}

// NewCmdGetStyled is NewCmdGet with the output of another spelling, such
// as Hydra v2's (see printer.Style): there the private keys are printed
// unless --public is given, and the keys print as Hydra's CLI prints them
// (shared.HydraGet).
func NewCmdGetStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	opts.Output.Style, opts.Output.Shape = style, shared.HydraGet
	cmd := &cobra.Command{
		Use:   "get <set>...",
		Short: "Get JSON Web Key Sets, or one key, by their names",
		Long: text.Docf(`
			Get one or more JSON Web Key Sets from Hydra's admin API, or one key
			of a set with --kid.

			%s

			--format pem prints PEM blocks: PUBLIC KEY, or PRIVATE KEY (PKCS #8)
			for the keys that have one when the private keys are printed.

			--out FILE writes the output to a new file that only its owner can
			read (mode 0600), rather than to stdout, where a shell redirect
			creates the file readable by others under the usual umask. It
			refuses to replace a file unless --force is given.

			Every set is fetched before anything is printed: if one is missing,
			the command names it, prints nothing, and exits 1.
		`, printing(style)),
		Example: example(style),
		Args:    cmdutil.MinimumArgs(1, "at least one set name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			if err := shared.CheckSets(args, opts.KeyID, cmd.Flags().Changed("kid")); err != nil {
				return err
			}
			switch {
			case opts.Force && opts.OutFile == "":
				return cmdutil.FlagErrorf("--force replaces the file that --out names; without --out there is none")
			case cmd.Flags().Changed("out") && (opts.OutFile == "" || opts.OutFile == "-"):
				return cmdutil.FlagErrorf("--out needs a file name; without --out the keys go to stdout")
			case opts.OutFile != "" && !opts.Force:
				if _, err := os.Lstat(opts.OutFile); err == nil {
					return cmdutil.FlagErrorf("--out %s exists: choose another file, or pass --force to replace it", opts.OutFile)
				}
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
	cmd.Flags().StringVar(&opts.OutFile, "out", "", "Write the output to this new `file`, at mode 0600, instead of stdout")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "With --out: replace the file if it exists")
	return cmd
}

// printing is the paragraph of the help that says what is printed, under
// the tool's own spelling or Hydra v2's.
func printing(style printer.Style) string {
	if style.HydraTable {
		return text.Doc(`
			The keys are printed as Hydra's CLI prints them, private parts
			included unless --public is given. One key: by default and with
			--format table, a table of SET ID, KEY ID, ALGORITHM and USE; in the
			other formats, that JWK object; -q prints the set's name. Several
			keys: a table with a row for each, {"set":"","keys":[...]}, and -q
			prints their IDs. Printed to a terminal, private keys come after a
			warning on stderr.`)
	}
	return text.Doc(`
		The keys of several sets are printed as one JWK Set; --format table
		shows which set each key is in.

		Only the public keys are printed unless --private is given: the admin
		API returns the private keys too. A symmetric key has no public part,
		so it is left out, with a note on stderr. Printed to a terminal,
		private keys come after a warning on stderr.`)
}

// example is the command's Example, under the tool's own spelling or
// Hydra v2's, which prints the private keys by default.
func example(style printer.Style) string {
	if style.HydraTable {
		return text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra get jwk my-set
			$ hydra get jwk my-set --kid my-key-id --public --format pem > public.pem
			$ hydra get jwk hydra.openid.id-token hydra.jwt.access-token --format json --public
			$ hydra get jwk my-set --format pem --out private.pem
		`)
	}
	return text.Doc(`
		$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
		$ hydra keys get my-set
		$ hydra keys get my-set --kid my-key-id --format pem > public.pem
		$ hydra keys get hydra.openid.id-token hydra.jwt.access-token --format table
		$ hydra keys get my-set --private --format pem --out private.pem
	`)
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
	if opts.OutFile == "" {
		return shared.Print(opts.IO, keys, opts.Output)
	}
	// Into a file: printed as for a pipe (no terminal warning, no colour),
	// then written at 0600 in one go.
	var buf bytes.Buffer
	toFile := &iostreams.IOStreams{In: opts.IO.In, Out: &buf, ErrOut: opts.IO.ErrOut}
	if err := shared.Print(toFile, keys, opts.Output); err != nil {
		return err
	}
	if _, err := jwkey.WriteSecretFile(opts.OutFile, buf.Bytes(), opts.Force); err != nil {
		if errors.Is(err, jwkey.ErrExists) {
			return fmt.Errorf("--out %s exists: choose another file, or pass --force to replace it", opts.OutFile)
		}
		return err
	}
	what := "public"
	if opts.Output.Private {
		what = "public and private"
	}
	fmt.Fprintf(opts.IO.ErrOut, "Wrote the %s keys to %s (mode 0600)\n", what, opts.OutFile)
	return nil
}
