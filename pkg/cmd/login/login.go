// Package login groups the "hydra login" verbs, which end the login
// sessions of Hydra's admin API.
package login

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/login/revoke"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdLogin builds "hydra login" and adds its verbs.
func NewCmdLogin(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "login <command>",
		Short: "End users' login sessions",
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "revoke", Build: func() *cobra.Command { return revoke.NewCmdRevoke(f, nil) }},
	)
	return cmd
}
