// Package version implements "hydra version".
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/build"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdVersion builds "hydra version".
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the version, commit and build date",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IOStreams.Out, "hydra version %s\n", build.Get())
			return err
		},
	}
}
