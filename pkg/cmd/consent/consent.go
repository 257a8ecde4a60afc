// Package consent groups the "hydra consent" verbs, which list and revoke
// the consent sessions of Hydra's admin API.
package consent

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/consent/list"
	"github.com/hydratoken/hydra/pkg/cmd/consent/revoke"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdConsent builds "hydra consent" and adds its verbs.
func NewCmdConsent(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "consent <command>",
		Short: "List and revoke the consents users granted to clients",
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "list", Build: func() *cobra.Command { return list.NewCmdList(f, nil) }},
		cmdutil.Subcommand{Name: "revoke", Build: func() *cobra.Command { return revoke.NewCmdRevoke(f, nil) }},
	)
	return cmd
}
