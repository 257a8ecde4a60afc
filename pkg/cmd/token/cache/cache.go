// Package cache groups the "hydra token cache" verbs, which show and clear
// the tokens that --cache keeps between runs.
package cache

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/token/cache/clear"
	"github.com/hydratoken/hydra/pkg/cmd/token/cache/list"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdCache builds "hydra token cache" and adds its verbs.
func NewCmdCache(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "cache <command>",
		Short: "List or clear the tokens kept by --cache",
		Long: `List or clear the tokens that "hydra token client --cache" and the other
token commands keep between runs. See docs/token-cache.md.`,
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "list", Build: func() *cobra.Command { return list.NewCmdList(f, nil) }},
		cmdutil.Subcommand{Name: "clear", Build: func() *cobra.Command { return clear.NewCmdClear(f, nil) }},
	)
	return cmd
}
