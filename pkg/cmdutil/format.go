package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// FormatFlag holds a --format value.
type FormatFlag struct {
	Value string
}

// AddFormatFlag registers --format on cmd, with shell completion of its
// values. defaultView describes what the command prints without it.
func AddFormatFlag(cmd *cobra.Command, f *FormatFlag, defaultView string) {
	cmd.Flags().StringVar(&f.Value, "format", "", "Output format: "+strings.Join(printer.Formats, ", ")+"; default: "+defaultView)
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{
			cobra.CompletionWithDesc(printer.JSON, "compact JSON, one line"),
			cobra.CompletionWithDesc(printer.JSONPretty, "indented JSON"),
			cobra.CompletionWithDesc(printer.YAML, "YAML"),
			cobra.CompletionWithDesc(printer.Table, "a table with a header row"),
			cobra.CompletionWithDesc(printer.JSONPath+"=", "a JSONPath (RFC 9535, starting with $, or kubectl's {.path}) or gjson path"),
			cobra.CompletionWithDesc(printer.JSONPointer+"=", "an RFC 6901 JSON pointer, such as /client_id"),
		}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}

// Parse returns the parsed format; an unknown one is a usage error that
// lists the valid ones.
func (f *FormatFlag) Parse() (printer.Format, error) {
	format, err := printer.ParseFormat(f.Value)
	return format, FlagErrorWrap(err)
}

// ParseWithQuiet is Parse for a command that also has -q/--quiet, which
// --format excludes: the two ask for different outputs, and under this
// tool's own spellings giving both is a usage error. Under Hydra's
// spellings (style.Hydra), -q wins and --format is not read, as Hydra v2's
// CLI does, so that a script written for it gets the same output and exit
// status.
func (f *FormatFlag) ParseWithQuiet(quiet bool, style printer.Style) (printer.Format, error) {
	if quiet && style.Hydra() {
		return printer.Format{}, nil
	}
	format, err := f.Parse()
	if err != nil {
		return format, err
	}
	if quiet && format.Name != "" {
		return format, FlagErrorf("-q/--quiet and --format cannot be used together")
	}
	return format, nil
}

// IDOutput is the output of a command whose result is IDs (the clients a
// delete removed, the tokens a revocation revoked) under a printer.Style
// whose IDs are printer.V2IDs: --format, and -q unless the command has its
// own. Under the tool's own style it adds no flag; under Hydra v1's
// spelling (UseV1Line) it prints v1's confirmation line for each ID.
type IDOutput struct {
	shape  printer.IDShape
	format FormatFlag
	quiet  bool
	parsed printer.Format
	// quietFlag is the command's -q, its own or the one added here.
	quietFlag *pflag.Flag
	// v1 is Hydra v1's line for each ID (UseV1Line).
	v1 printer.V1Line
}

// AddIDOutputFlags registers the flags of shape on cmd. defaultView
// describes the output without --format, and quietUsage what -q prints
// under shape printer.V2IDs: the usage of the -q added when cmd has none,
// or of cmd's own -q, which then prints the IDs alone too.
func AddIDOutputFlags(cmd *cobra.Command, o *IDOutput, shape printer.IDShape, defaultView, quietUsage string) {
	o.shape = shape
	if shape == printer.V2IDs {
		AddFormatFlag(cmd, &o.format, defaultView)
		if fl := cmd.Flags().Lookup("quiet"); fl == nil {
			// It asks for what the default prints: the IDs, one a line.
			cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, quietUsage)
		} else if quietUsage != "" {
			fl.Usage = quietUsage
		}
	}
	o.quietFlag = cmd.Flags().Lookup("quiet")
}

// UseV1Line makes List print line for each ID as it is added, as Hydra
// v1's CLI printed after each thing it did, under a spelling whose style is
// printer.Style.HydraV1 and the tool's own IDs. The command's own -q, a
// flag Hydra v1 did not have, keeps the command's own output: List then
// returns nil.
func (o *IDOutput) UseV1Line(line printer.V1Line) {
	o.v1 = line
}

// Parse checks --format: a bad one is a usage error, before any request.
func (o *IDOutput) Parse() error {
	if o.shape == printer.V2IDs && o.quietFlag != nil && o.quietFlag.Value.String() == "true" {
		// Hydra v2's -q wins over --format, which is not read
		// (ParseWithQuiet): List prints the IDs alone.
		return nil
	}
	var err error
	o.parsed, err = o.format.Parse()
	return err
}

// List returns the IDList that prints the command's IDs to stdout, in the
// --format that Parse read, or Hydra v1's lines (UseV1Line), or nil under
// the tool's own style.
func (o *IDOutput) List(ios *iostreams.IOStreams) *printer.IDList {
	quiet := o.quietFlag != nil && o.quietFlag.Value.String() == "true"
	if o.shape != printer.V2IDs {
		if o.v1 != "" && !quiet {
			return printer.NewV1IDList(ios.Out, o.v1)
		}
		return nil
	}
	if quiet {
		// -q: the IDs alone, one a line, as Hydra v2's CLI prints them.
		return printer.NewIDList(ios.Out, printer.Printer{})
	}
	// Hydra v2's jsonpath and jsonpointer: the value JSON-encoded, and null
	// for a jsonpath that selects nothing (printer.Format.Hydra), as under
	// every other Hydra v2 spelling.
	format := o.parsed
	format.Hydra = true
	return printer.NewHydraIDList(ios.Out, printer.Printer{Format: format, Color: ios.ColorEnabled()})
}
