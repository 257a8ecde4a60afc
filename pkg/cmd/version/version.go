// Package version implements "hydra version".
package version

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/build"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO     *iostreams.IOStreams
	Format printer.Format

	// Info returns the build information; tests replace it.
	Info func() build.Info
}

// NewCmdVersion builds "hydra version". runF replaces the run function in
// tests of flag parsing.
func NewCmdVersion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Info: build.Get}
	var format cmdutil.FormatFlag

	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the version, commit and build date",
		Long: text.Doc(`
			Show the version, commit and build date of this binary, as "hydra --version"
			does.

			Release builds carry them from the build. A binary from "go install" shows
			the module's version; a commit or date that the build did not record
			shows as "unknown".
		`),
		Example: text.Doc(`
			$ hydra version
			$ hydra version --format json
			$ hydra version --format jsonpath=version
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(opts)
		},
	}
	cmdutil.AddFormatFlag(cmd, &format, "one line of text")
	return cmd
}

// Line is the one-line form that "hydra version" and "hydra --version"
// print.
func Line(info build.Info) string {
	return "hydra version " + info.String() + "\n"
}

func versionRun(opts *Options) error {
	info := opts.Info()
	if opts.Format.Name == "" {
		_, err := fmt.Fprint(opts.IO.Out, Line(info))
		return err
	}
	raw, err := json.Marshal(info)
	if err != nil {
		return err
	}
	p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
	return p.Print(opts.IO.Out, raw, nil)
}
