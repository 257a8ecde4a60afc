// Package importcmd implements "hydra keys import": it stores JSON Web Keys
// read from JWK, PEM or DER files in a set.
package importcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

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

	// Set is the set to import into.
	Set string
	// Files are the key files; "-" is stdin.
	Files []string
	// Algorithm, Use and KeyID fill in a key's "alg", "use" and "kid" when
	// it has none.
	Algorithm string
	Use       string
	KeyID     string
	// DefaultKeyID is Hydra v1's --default-key-id: a key without a kid
	// gets "private:ID" or "public:ID", as v1's CLI stored it.
	DefaultKeyID string
	// Force replaces stored private keys with public-only ones.
	Force bool
	// Quiet prints only the imported keys' IDs.
	Quiet bool

	// Style is the output and defaults of the spelling the command was
	// called by (printer.Style): Hydra v1's (HydraV1) and v2's
	// (HydraTable) take a key without "use" as sig; v1's also takes a PEM
	// without --alg, and prints v1's lines by default; v2's gives a key
	// without a kid a random UUID, and prints Hydra v2's table.
	Style printer.Style
}

// NewCmdImport builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdImport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdImportStyled(f, runF, printer.Style{})
}

// NewCmdImportStyled is NewCmdImport with the defaults and output of
// another spelling, Hydra v1's or v2's (see printer.Style and
// Options.Style).
func NewCmdImportStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	opts.Output.Style, opts.Output.Shape = style, shared.HydraSet
	cmd := &cobra.Command{
		Use:   "import <set> [<file>...]",
		Short: "Import JSON Web Keys from JWK, PEM or DER files into a set",
		Long: text.Docf(`
			Import keys into a JSON Web Key Set, creating the set if it does not
			exist. Each file holds a JWK, a JWK Set, PEM blocks (private keys in
			PKCS #8, PKCS #1 or SEC 1; public keys; certificates) or one key in
			DER. With no file, or "-", the keys are read from stdin.

			A key keeps its own "alg", "use" and "kid", with a note on stderr
			when one differs from --alg, --use or --kid. The algorithm is one
			that 'hydra keys create' takes (RS256, RS384, RS512, ES256, ES384,
			ES512, EdDSA), and must fit the key: RS* an RSA key, ES256 a P-256
			key, ES384 P-384, ES512 P-521, EdDSA Ed25519.

			%s

			A key whose ID is already in the set replaces it; the other keys of
			the set stay. A private key stored in the set is not replaced by a
			public-only key of the same ID, such as the output of 'hydra keys
			get' (public keys by default) imported back: the import refuses, and
			imports nothing, unless --force is given.

			%s
		`, completion(style), output(style)),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra keys import my-set key.jwk.json
			$ hydra keys import my-set private.pem --alg RS256 --use sig --kid my-key
			$ openssl genpkey -algorithm ed25519 | hydra keys import my-set - --alg EdDSA --use sig
		`),
		Args: cmdutil.MinimumArgs(1, "a set name, then the key files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.ParseWithQuiet(opts.Quiet); err != nil {
				return err
			}
			if opts.Algorithm != "" && !slices.Contains(shared.Algorithms, opts.Algorithm) {
				return cmdutil.FlagErrorf("unknown --alg %q: valid ones are %s", opts.Algorithm, strings.Join(shared.Algorithms, ", "))
			}
			if opts.Use != "" {
				if err := shared.CheckAlgUse("", opts.Use); err != nil {
					return err
				}
			}
			if err := shared.CheckName("set", args[0]); err != nil {
				return err
			}
			for _, kid := range []string{opts.KeyID, opts.DefaultKeyID} {
				if kid != "" {
					if err := shared.CheckName("key ID", kid); err != nil {
						return err
					}
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
	algHelp, useHelp, kidHelp := `The "alg" of keys that have none, such as RS256; required for PEM and DER`,
		`The "use" of keys that have none: sig or enc; required for PEM and DER`,
		`The "kid" of a key that has none (default: its RFC 7638 thumbprint)`
	if style.HydraV1 {
		algHelp = `The "alg" of keys that have none, such as RS256 (default: the key type's, RS256, ES256, ES384, ES512 or EdDSA)`
	}
	if style.HydraV1 || style.HydraTable {
		useHelp = `The "use" of keys that have none: sig or enc (default: sig)`
	}
	if style.HydraTable {
		kidHelp = `The "kid" of a key that has none (default: a random UUID, as Hydra's CLI)`
	}
	cmd.Flags().StringVarP(&opts.Algorithm, "alg", "a", "", algHelp)
	cmd.Flags().StringVarP(&opts.Use, "use", "u", "", useHelp)
	cmd.Flags().StringVar(&opts.KeyID, "kid", "", kidHelp)
	cmd.Flags().StringVar(&opts.DefaultKeyID, "default-key-id", "", `Hydra v1's flag: a key that has no "kid" gets "private:ID" or "public:ID", as v1 stored it, so that the halves of a pair share the ID`)
	cmd.MarkFlagsMutuallyExclusive("kid", "default-key-id")
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(shared.Algorithms, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("use", cobra.FixedCompletions(shared.Uses, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Replace a stored private key with a public-only key of the same ID; without it the import refuses, and imports nothing")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the imported keys' IDs, one a line")
	shared.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// completion is the part of the help that says how a key that lacks
// "alg", "use" or "kid" is completed, under each spelling.
func completion(style printer.Style) string {
	switch {
	case style.HydraV1:
		return text.Doc(`
			PEM and DER keys carry none, and take defaults, as Hydra v1's CLI
			took them: "use" sig; "alg" the key type's (RS256 for RSA, ES256,
			ES384 or ES512 by curve, EdDSA for Ed25519), named on stderr; the
			key ID "private:ID" or "public:ID" with --default-key-id ID, as v1
			stored them, or else the key's RFC 7638 thumbprint, which is the
			same for both halves of a key pair.`)
	case style.HydraTable:
		return text.Doc(`
			PEM and DER keys carry none: --alg is then required, "use" is sig
			by default, and the key ID a random UUID, as Hydra's CLI gives them
			(--default-key-id ID gives "private:ID" or "public:ID").`)
	}
	return text.Doc(`
		PEM and DER keys carry none: --alg and --use are then required, and
		the key ID is --kid or, by default, the key's RFC 7638 thumbprint,
		which is the same for both halves of a key pair (--default-key-id ID
		gives "private:ID" or "public:ID").`)
}

// output is the paragraph of the help that says what is printed, under
// each spelling.
func output(style printer.Style) string {
	switch {
	case style.HydraV1:
		return text.Doc(`
			Once every key is imported, Hydra v1's lines are printed:
			"Successfully loaded key from file: FILE" for each file, then "JSON
			Web Key Set successfully imported!". -q prints the imported keys'
			IDs instead, and --format the imported keys as a JWK Set, public
			parts only unless --private is given.`)
	case style.HydraTable:
		return text.Doc(`
			The imported keys are printed as Hydra's CLI prints them: by default
			and with --format table, a table of SET ID, KEY ID, ALGORITHM and
			USE; in the other formats, {"set":SET,"keys":[...]} with the private
			parts unless --public is given; -q prints their IDs.`)
	}
	return text.Doc(`
		The imported keys are printed as a JWK Set, public parts only unless
		--private is given.`)
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
// a bad file imports nothing. A key's "alg" must be one that "keys create"
// makes, and fit the key's type and curve.
func readKeys(opts *Options) ([]source, error) {
	var all []source
	for _, path := range opts.Files {
		name, data, err := readFile(opts, path)
		if err != nil {
			return nil, err
		}
		keys, format, err := jwkey.Read(name, data, jwkey.Private|jwkey.Public|jwkey.Certificate|jwkey.EncryptedAdvice, "a key or certificate")
		if err != nil {
			return nil, err
		}
		for i := range keys {
			k := &keys[i]
			what := "the key"
			if len(keys) > 1 {
				what = fmt.Sprintf("key %d", i)
			}
			thumb, err := jwkey.Thumbprint(k)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, what, err)
			}
			// A key's own values win over the flags, which fill in what
			// it lacks; say so when they differ.
			for _, f := range []struct {
				flag, field, given string
				own                *string
			}{
				{"--alg", "alg", opts.Algorithm, &k.Algorithm},
				{"--use", "use", opts.Use, &k.Use},
				{"--kid", "kid", opts.KeyID, &k.KeyID},
			} {
				switch {
				case *f.own == "":
					*f.own = f.given
				case f.given != "" && *f.own != f.given:
					fmt.Fprintf(opts.IO.ErrOut, "note: %s: %s keeps its own %s %q; %s %s applies only to keys without one\n", name, what, f.field, *f.own, f.flag, f.given)
				}
			}
			if k.Use == "" && (opts.Style.HydraV1 || opts.Style.HydraTable) {
				k.Use = "sig" // Hydra's CLIs' default
			}
			if k.Algorithm == "" && opts.Style.HydraV1 {
				// Hydra v1's CLI stored the key without one; a key
				// without "alg" signs nothing in Hydra v2.
				if alg := defaultAlg(k); alg != "" {
					k.Algorithm = alg
					fmt.Fprintf(opts.IO.ErrOut, "note: %s: %s has no \"alg\": storing %s, the default for %s; --alg chooses another\n", name, what, alg, jwkey.Describe(k))
				}
			}
			bare := "the key has"
			if format.Bare() {
				bare = "PEM and DER keys have"
			}
			if k.Algorithm == "" {
				return nil, cmdutil.FlagErrorf(`%s: %s no "alg": pass --alg, such as RS256`, name, bare)
			}
			if k.Use == "" {
				return nil, cmdutil.FlagErrorf(`%s: %s no "use": pass --use sig or --use enc`, name, bare)
			}
			if err := checkAlg(name, what, k, opts.Algorithm); err != nil {
				return nil, err
			}
			if k.KeyID == "" {
				switch {
				case opts.DefaultKeyID != "" && k.IsPublic():
					k.KeyID = "public:" + opts.DefaultKeyID
				case opts.DefaultKeyID != "":
					k.KeyID = "private:" + opts.DefaultKeyID
				case opts.Style.HydraTable:
					k.KeyID = cmdutil.NewUUID()
				default:
					k.KeyID = thumb
				}
			}
			if err := shared.CheckName("key ID", k.KeyID); err != nil {
				return nil, err
			}
			all = append(all, source{file: name, key: *k, thumb: thumb})
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

// checkAlg accepts what "keys create" accepts: one of shared.Algorithms,
// and one that fits the key's type and curve. flag is --alg; a mismatch
// with it is a usage error.
func checkAlg(name, what string, k *jose.JSONWebKey, flag string) error {
	fromFlag := flag != "" && k.Algorithm == flag
	errorf := fmt.Errorf
	source := fmt.Sprintf("its alg %s", k.Algorithm)
	if fromFlag {
		errorf = cmdutil.FlagErrorf
		source = "--alg " + flag
	}
	if !slices.Contains(shared.Algorithms, k.Algorithm) {
		return errorf("%s: %s: %s is not one that Hydra's keys take: valid ones are %s", name, what, source, strings.Join(shared.Algorithms, ", "))
	}
	if jwkey.Fits(k.Algorithm, k) != nil {
		var fit []string
		for _, a := range shared.Algorithms {
			if jwkey.Fits(a, k) == nil {
				fit = append(fit, a)
			}
		}
		if len(fit) == 0 {
			return errorf("%s: %s is %s, for which Hydra's keys take no algorithm", name, what, jwkey.Describe(k))
		}
		return errorf("%s: %s does not fit %s, %s: use %s", name, source, what, jwkey.Describe(k), strings.Join(fit, ", "))
	}
	return nil
}

// checkReplacements refuses to replace a private key stored in the set
// with a public-only key of the same ID: a PEM key's default ID is its
// thumbprint, the same for both halves, and "keys get" prints the public
// halves by default, so that re-importing its output would silently
// throw the private keys away. --force skips this.
func checkReplacements(ctx context.Context, client *api.Client, set string, sources []source) error {
	public := map[string]string{}
	for _, s := range sources {
		if s.key.IsPublic() {
			public[s.key.KeyID] = s.file
		}
	}
	if len(public) == 0 {
		return nil
	}
	ks, err := client.GetKeySet(ctx, set)
	if err != nil {
		var apiErr *api.Error
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && (apiErr.Code != "" || apiErr.Description != "") {
			return nil // no set yet: nothing to replace
		}
		return fmt.Errorf("checking whether the import would replace private keys in the set %q: %w\nNothing was imported. --force imports without this check", set, err)
	}
	var lost []string
	for _, raw := range ks.Keys {
		kid := gjson.GetBytes(raw, "kid").String()
		if file, ok := public[kid]; ok && shared.HasPrivate(raw) {
			lost = append(lost, fmt.Sprintf("%q (from %s)", printer.Printable(kid), file))
		}
	}
	if len(lost) == 0 {
		return nil
	}
	slices.Sort(lost)
	return fmt.Errorf("the set %q holds the private key of %s, which the import would replace with a public key only, losing the private key\n"+
		"Nothing was imported. Import the private key instead (such as from 'hydra keys get %s --private --out FILE'), give the key another --kid, or pass --force to replace it",
		set, strings.Join(lost, ", "), text.ShellQuote(set))
}

// defaultAlg is the algorithm a key without one gets under Hydra v1's
// spelling: the first of shared.Algorithms that fits it (RS256 for RSA,
// ES256, ES384 or ES512 by curve, EdDSA for Ed25519), as 'keys create'
// would choose; "" when none fits.
func defaultAlg(k *jose.JSONWebKey) string {
	for _, a := range shared.Algorithms {
		if jwkey.Fits(a, k) == nil {
			return a
		}
	}
	return ""
}

// v1Lines reports whether the output is Hydra v1's lines: under its
// spelling, without the tool's own --format or -q.
func (opts *Options) v1Lines() bool {
	return opts.Style.HydraV1 && !opts.Quiet && !opts.Output.PEM && opts.Output.Format.Name == ""
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
	if !opts.Force {
		if err := checkReplacements(ctx, client, opts.Set, sources); err != nil {
			return err
		}
	}
	var imported []shared.Key
	e := &cmdutil.Each{
		ErrOut: opts.IO.ErrOut, Noun: "keys", Verb: "imported", Total: len(sources),
		// A key's error line names its file and ID, even when it is the
		// only key.
		List: true,
		Finish: func() error {
			switch {
			case opts.v1Lines():
				if len(imported) < len(sources) {
					return nil // the failures are on stderr
				}
				// Hydra v1's CLI names each file it read, then says that
				// the set was imported; it sends every key in one
				// request, so that its lines mean that all were. They
				// are printed here once that is so.
				var b strings.Builder
				for _, f := range opts.Files {
					fmt.Fprintf(&b, "Successfully loaded key from file: %s\n", printer.Printable(f))
				}
				b.WriteString("JSON Web Key Set successfully imported!\n")
				_, err := io.WriteString(opts.IO.Out, b.String())
				return err
			case len(imported) == 0:
				return nil
			case opts.Style.HydraTable:
				// Hydra v2's CLI prints what was imported, even when
				// some keys failed.
				return shared.Print(opts.IO, imported, opts.Output)
			case opts.Quiet:
				for _, k := range imported {
					fmt.Fprintln(opts.IO.Out, printer.Printable(gjson.GetBytes(k.Raw, "kid").String()))
				}
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
