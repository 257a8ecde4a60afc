// Package shared holds what the "hydra keys" verbs share: their flags, the
// printing of key sets (public parts only unless asked, or as PEM), and
// their error messages. Reading, checking and encoding keys is pkg/jwkey's.
package shared

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Algorithms are the values of --alg that Hydra v2.3.0 can generate keys
// for. Hydra v2's CLI names RS256, RS512, ES256, ES512 and EdDSA; its
// server also makes RS384 and ES384 (and refuses HS256).
var Algorithms = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"}

// Uses are the values of --use.
var Uses = []string{"sig", "enc"}

// WellKnownSets are the sets Hydra keeps for itself. The admin API cannot
// list sets, so completion offers these.
var WellKnownSets = []cobra.Completion{
	cobra.CompletionWithDesc("hydra.openid.id-token", "Hydra's keys that sign ID tokens"),
	cobra.CompletionWithDesc("hydra.jwt.access-token", "Hydra's keys that sign JWT access tokens"),
}

// CompleteSets is the ValidArgsFunction of commands whose arguments are
// set names: Hydra's own sets, since the admin API has no list of sets.
func CompleteSets(max int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, c := range WellKnownSets {
			name, _, _ := strings.Cut(c, "\t")
			if strings.HasPrefix(name, toComplete) && !slices.Contains(args, name) {
				out = append(out, c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// CheckName rejects an empty set name or key ID, or one with a "/", which
// no request path can carry to Hydra. what is "set" or "key ID".
func CheckName(what, name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return cmdutil.FlagErrorf("a %s must not be empty", what)
	case strings.Contains(name, "/"):
		return cmdutil.FlagErrorf("%s %q contains a /, which Hydra's admin API cannot address", what, name)
	}
	return nil
}

// CheckSets checks the set names of a command's arguments and, when --kid
// was given (kidSet), its key ID, which applies to one set only.
func CheckSets(sets []string, kid string, kidSet bool) error {
	for _, s := range sets {
		if err := CheckName("set", s); err != nil {
			return err
		}
	}
	if kidSet {
		if err := CheckName("key ID", kid); err != nil {
			return err
		}
		if len(sets) != 1 {
			return cmdutil.FlagErrorf("--kid takes one set, not %d", len(sets))
		}
	}
	return nil
}

// CheckAlgUse checks --alg and --use values; empty ones pass.
func CheckAlgUse(alg, use string) error {
	if alg != "" && !slices.Contains(Algorithms, alg) {
		return cmdutil.FlagErrorf("unknown --alg %q: valid algorithms are %s", alg, strings.Join(Algorithms, ", "))
	}
	if use != "" && !slices.Contains(Uses, use) {
		return cmdutil.FlagErrorf("unknown --use %q: valid uses are sig, enc", use)
	}
	return nil
}

// AddAlgUseFlags registers --alg and --use, with completion.
func AddAlgUseFlags(cmd *cobra.Command, alg, use *string, defAlg, defUse, algHelp, useHelp string) {
	cmd.Flags().StringVarP(alg, "alg", "a", defAlg, algHelp)
	cmd.Flags().StringVarP(use, "use", "u", defUse, useHelp)
	_ = cmd.RegisterFlagCompletionFunc("alg", cobra.FixedCompletions(Algorithms, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("use", cobra.FixedCompletions(Uses, cobra.ShellCompDirectiveNoFileComp))
}

// SetError rewords the admin API's 404 for a set or key: it names what is
// missing and what to do. Other errors pass through.
func SetError(set, kid string, err error) error {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	// A 404 without a JSON error body is a wrong endpoint: api.Error
	// already says so.
	fromHydra := apiErr.Code != "" || apiErr.Description != ""
	if apiErr.StatusCode == http.StatusNotFound && fromHydra {
		if kid != "" {
			return fmt.Errorf("no key %q in the key set %q: %w\nSee the set's keys with '%s'", kid, set, err, text.Command("hydra", "keys", "get", set))
		}
		return fmt.Errorf("no key set %q: %w\nCreate one with '%s', or import keys with '%s'", set, err, text.Command("hydra", "keys", "create", set), text.Command("hydra", "keys", "import", set, "FILE"))
	}
	return err
}

// FormatPEM is the value of --format that prints keys as PEM.
const FormatPEM = "pem"

// OutputFlags are the output flags of the verbs that print keys.
type OutputFlags struct {
	// Style is the output of the spelling the command was called by
	// (printer.Style); set it before AddOutputFlags. Under Hydra v2's
	// (HydraTable) the private keys are printed unless --public is given,
	// -q prints IDs, and the keys print in Hydra's shapes (see Shape).
	Style printer.Style
	// Shape is which of Hydra v2's shapes the command prints in, under
	// Style.HydraTable.
	Shape HydraShape

	// Format is the printer's format; zero when PEM is set.
	Format printer.Format
	// PEM prints the keys as PEM blocks instead.
	PEM bool
	// Private prints private keys too.
	Private bool
	// Quiet is Hydra v2's -q (Style.HydraTable): the key IDs, one a line,
	// or the set's name for the one key of get.
	Quiet bool
	// New says that the keys were just created or imported: private keys
	// that the output leaves out are then shown on stderr (Print).
	New bool

	format string
	public bool
}

// AddOutputFlags registers --format (the printer's formats and pem),
// --private and Hydra v2's --public; under Hydra v2's style (o.Style),
// also -q unless the command has its own.
func AddOutputFlags(cmd *cobra.Command, o *OutputFlags) {
	fl := cmd.Flags()
	if o.Style.HydraTable {
		fl.StringVar(&o.format, "format", "", "Output format: "+FormatPEM+", "+strings.Join(printer.Formats, ", ")+"; default: Hydra's table")
		fl.BoolVar(&o.public, "public", false, "Print only public keys; without it the private keys are printed too, as Hydra's CLI prints them")
		fl.BoolVar(&o.Private, "private", false, "Print private keys too: the default here")
		_ = fl.MarkHidden("private")
		if fl.Lookup("quiet") == nil {
			usage := "Print only the key IDs, one a line"
			if o.Shape == HydraGet {
				usage += "; for one key, the set's name, as Hydra's CLI prints it"
			}
			fl.BoolVarP(&o.Quiet, "quiet", "q", false, usage)
		}
	} else {
		fl.StringVar(&o.format, "format", "", "Output format: "+FormatPEM+", "+strings.Join(printer.Formats, ", ")+"; default: the key set as indented JSON")
		fl.BoolVar(&o.Private, "private", false, "Print private keys too; without it only public keys are printed")
		fl.BoolVar(&o.public, "public", false, "Print only public keys: the default, kept for Hydra v2's flag")
	}
	cmd.MarkFlagsMutuallyExclusive("private", "public")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{
			cobra.CompletionWithDesc(FormatPEM, "PEM blocks: PUBLIC KEY, or PRIVATE KEY with --private"),
			cobra.CompletionWithDesc(printer.JSON, "compact JSON, one line"),
			cobra.CompletionWithDesc(printer.JSONPretty, "indented JSON"),
			cobra.CompletionWithDesc(printer.YAML, "YAML"),
			cobra.CompletionWithDesc(printer.Table, "a table with a header row"),
			cobra.CompletionWithDesc(printer.JSONPath+"=", "a JSONPath (RFC 9535, starting with $) or gjson path"),
			cobra.CompletionWithDesc(printer.JSONPointer+"=", "an RFC 6901 JSON pointer, such as /keys/0/kid"),
		}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// Parse checks the flags, before any request is sent.
func (o *OutputFlags) Parse() error {
	if o.Style.HydraTable {
		// Hydra v2's CLI prints the private keys unless --public.
		o.Private = !o.public
	}
	if o.format == FormatPEM || (o.Quiet && o.Style.Hydra()) {
		// Under Hydra v2's spellings, -q wins over --format, which is not
		// read (checkQuiet), as Hydra v2's CLI does: not even checked.
		o.PEM = o.format == FormatPEM
		return o.checkQuiet()
	}
	f, err := printer.ParseFormat(o.format)
	if err != nil {
		var unknown *printer.UnknownFormatError
		if errors.As(err, &unknown) {
			unknown.Valid = append([]string{FormatPEM}, unknown.Valid...)
		}
		return cmdutil.FlagErrorWrap(err)
	}
	f.Hydra = o.Style.HydraPaths
	o.Format = f
	return o.checkQuiet()
}

func (o *OutputFlags) checkQuiet() error {
	if o.Quiet && o.Style.Hydra() {
		// Hydra v2's -q wins over --format (cmdutil's ParseWithQuiet).
		o.format, o.PEM, o.Format = "", false, printer.Format{Hydra: o.Style.HydraPaths}
		return nil
	}
	if o.Quiet && o.format != "" {
		return cmdutil.FlagErrorf("-q/--quiet and --format cannot be used together")
	}
	return nil
}

// CompleteKeyIDs offers the key IDs of the set named by the command's one
// argument, with each key's algorithm and use as the description; for
// --kid, through cmdutil.Admin.CompleteWith.
func CompleteKeyIDs(ctx context.Context, c *api.Client, args []string, toComplete string) []cobra.Completion {
	if len(args) != 1 || CheckName("set", args[0]) != nil {
		return nil
	}
	ks, err := c.GetKeySet(ctx, args[0])
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, raw := range ks.Keys {
		kid := gjson.GetBytes(raw, "kid").String()
		if kid == "" || !strings.HasPrefix(kid, toComplete) || printer.Printable(kid) != kid {
			continue // no shell should be handed control characters
		}
		desc := strings.TrimSpace(gjson.GetBytes(raw, "alg").String() + " " + gjson.GetBytes(raw, "use").String())
		out = append(out, cobra.CompletionWithDesc(kid, printer.Printable(desc)))
	}
	return out
}

// ParseWithQuiet is Parse for a command that has its own -q/--quiet,
// which --format excludes, as cmdutil.FormatFlag.ParseWithQuiet does.
func (o *OutputFlags) ParseWithQuiet(quiet bool) error {
	o.Quiet = o.Quiet || quiet
	return o.Parse()
}
