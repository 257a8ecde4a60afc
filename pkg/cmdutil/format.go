package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

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
// --format excludes: the two ask for different outputs, and giving both is
// a usage error.
func (f *FormatFlag) ParseWithQuiet(quiet bool) (printer.Format, error) {
	format, err := f.Parse()
	if err != nil {
		return format, err
	}
	if quiet && format.Name != "" {
		return format, FlagErrorf("-q/--quiet and --format cannot be used together")
	}
	return format, nil
}
