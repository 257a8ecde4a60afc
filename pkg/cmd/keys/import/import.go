// Package importcmd implements "hydra keys import": it stores JSON Web Keys
// read from JWK, PEM or DER files in a set.
package importcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/go-jose/go-jose/v4"
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

	// Set is the set to import into.
	Set string
	// Files are the key files; "-" is stdin.
	Files []string
	// Algorithm, Use and KeyID fill in a key's "alg", "use" and "kid" when
	// it has none.
	Algorithm string
	Use       string
	KeyID     string
}

// NewCmdImport builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdImport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "import <set> [<file>...]",
		Short: "Import JSON Web Keys from JWK, PEM or DER files into a set",
		Long: text.Doc(`
			Import keys into a JSON Web Key Set, creating the set if it does not
			exist. Each file holds a JWK, a JWK Set, PEM blocks (private keys in
			PKCS #8, PKCS #1 or SEC 1; public keys; certificates) or one key in
			DER. With no file, or "-", the keys are read from stdin.

			A key keeps its own "alg", "use" and "kid". PEM and DER carry none:
			--alg and --use are then required, and the key ID is --kid or, by
			default, the key's RFC 7638 thumbprint, which is the same for both
			halves of a key pair. A key whose ID is already in the set replaces
			it; the other keys of the set stay.

			The imported keys are printed as a JWK Set, public parts only unless
			--private is given.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra keys import my-set key.jwk.json
			$ hydra keys import my-set private.pem --alg RS256 --use sig --kid my-key
			$ openssl genpkey -algorithm ed25519 | hydra keys import my-set - --alg EdDSA --use sig
		`),
		Args: cmdutil.MinimumArgs(1, "a set name, then the key files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Parse(); err != nil {
				return err
			}
			if opts.Use != "" {
				if err := shared.CheckAlgUse("", opts.Use); err != nil {
					return err
				}
			}
			if err := shared.CheckName("set", args[0]); err != nil {
				return err
			}
			if opts.KeyID != "" {
				if err := shared.CheckName("key ID", opts.KeyID); err != nil {
					return err
				}
			}
			opts.Set = args[0]
			opts.Files = args[1:]
			if len(opts.Files) == 0 {
				opts.Files = []string{"-"}
			}
			stdin := 0
			for _, f := range opts.Files {
				if f == "-" {
					stdin++
				}
			}
			if stdin > 1 {
				return cmdutil.FlagErrorf("stdin (-) can be read only once")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return importRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return shared.CompleteSets(1)(c, args, toComplete)
		}
		return nil, cobra.ShellCompDirectiveDefault
	}
	cmd.Flags().StringVarP(&opts.Algorithm, "alg", "a", "", `The "alg" of keys that have none, such as RS256; required for PEM and DER`)
	cmd.Flags().StringVarP(&opts.Use, "use", "u", "", `The "use" of keys that have none: sig or enc; required for PEM and DER`)
	cmd.Flags().StringVar(&opts.KeyID, "kid", "", `The "kid" of a key that has none (default: its RFC 7638 thumbprint)`)
	// Hydra v1's name for --kid.
	cmd.Flags().StringVar(&opts.KeyID, "default-key-id", "", `Hydra v1's name for --kid`)
	_ = cmd.Flags().MarkHidden("default-key-id")
	cmd.MarkFlagsMutuallyExclusive("kid", "default-key-id")
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(shared.Algorithms, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("use", cobra.FixedCompletions(shared.Uses, cobra.ShellCompDirectiveNoFileComp))
	shared.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// source is one key to import and the file it came from.
type source struct {
	file string
	key  jose.JSONWebKey
	// thumb is the key's thumbprint, to tell a key pair's halves apart
	// from two different keys.
	thumb string
}

// readKeys reads and completes every key before anything is sent, so that
// a bad file imports nothing.
func readKeys(opts *Options) ([]source, error) {
	var all []source
	for _, path := range opts.Files {
		name, data, err := readFile(opts, path)
		if err != nil {
			return nil, err
		}
		keys, fromPEM, err := shared.ParseKeys(name, data)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			thumb, err := shared.Thumbprint(&k)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if k.Algorithm == "" {
				k.Algorithm = opts.Algorithm
			}
			if k.Use == "" {
				k.Use = opts.Use
			}
			what := "the key has"
			if fromPEM {
				what = "PEM and DER keys have"
			}
			if k.Algorithm == "" {
				return nil, cmdutil.FlagErrorf(`%s: %s no "alg": pass --alg, such as RS256`, name, what)
			}
			if k.Use == "" {
				return nil, cmdutil.FlagErrorf(`%s: %s no "use": pass --use sig or --use enc`, name, what)
			}
			if k.KeyID == "" {
				k.KeyID = opts.KeyID
			}
			if k.KeyID == "" {
				k.KeyID = thumb
			}
			if err := shared.CheckName("key ID", k.KeyID); err != nil {
				return nil, err
			}
			all = append(all, source{file: name, key: k, thumb: thumb})
		}
	}
	// One key ID, one key: the halves of a pair collapse into the private
	// one, and two different keys under one ID are a mistake.
	var out []source
	index := map[string]int{}
	for _, s := range all {
		i, seen := index[s.key.KeyID]
		if !seen {
			index[s.key.KeyID] = len(out)
			out = append(out, s)
			continue
		}
		if out[i].thumb != s.thumb {
			return nil, cmdutil.FlagErrorf("%s and %s hold two different keys with the key ID %q: give each its own kid", out[i].file, s.file, s.key.KeyID)
		}
		if out[i].key.IsPublic() && !s.key.IsPublic() {
			out[i] = s
		}
	}
	return out, nil
}

func readFile(opts *Options, path string) (string, []byte, error) {
	if path == "-" {
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, api.MaxBodySize))
		if err != nil {
			return "stdin", nil, fmt.Errorf("reading stdin: %w", err)
		}
		return "stdin", b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			err = pe.Err
		}
		return path, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return path, b, nil
}

func importRun(ctx context.Context, opts *Options) error {
	sources, err := readKeys(opts)
	if err != nil {
		return err
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	var imported []shared.Key
	e := &cmdutil.Each{
		ErrOut: opts.IO.ErrOut, Noun: "keys", Verb: "imported", Total: len(sources),
		// A key's error line names its file and ID, even when it is the
		// only key.
		List: true,
		Finish: func() error {
			if len(imported) == 0 {
				return nil
			}
			opts.Output.New = true
			return shared.Print(opts.IO, imported, opts.Output)
		},
	}
	return cmdutil.ForEach(ctx, e, slices.Values(sources), func(ctx context.Context, _ int, s source) cmdutil.Step {
		body, err := s.key.MarshalJSON()
		if err != nil {
			return cmdutil.Step{Err: fmt.Errorf("%s: encoding the key as a JWK: %w", s.file, err), Fatal: true}
		}
		stored, err := client.PutKey(ctx, opts.Set, s.key.KeyID, body)
		if err != nil {
			return cmdutil.Step{Err: err, Label: fmt.Sprintf("%s: key %q", s.file, s.key.KeyID)}
		}
		imported = append(imported, shared.Key{Set: opts.Set, Raw: stored})
		return cmdutil.Step{}
	})
}
