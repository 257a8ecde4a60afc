// Package trust groups the "hydra trust" verbs, which manage the issuers
// whose assertions Hydra accepts in the JWT bearer grant (RFC 7523).
package trust

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/trust/create"
	deletecmd "github.com/hydratoken/hydra/pkg/cmd/trust/delete"
	"github.com/hydratoken/hydra/pkg/cmd/trust/get"
	"github.com/hydratoken/hydra/pkg/cmd/trust/list"
	synccmd "github.com/hydratoken/hydra/pkg/cmd/trust/sync"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdTrust builds "hydra trust" and adds its verbs. Hydra's own CLI has
// no command for trust relationships, so there is no other spelling.
func NewCmdTrust(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "trust <command>",
		Short: "Manage the issuers trusted for the JWT bearer grant",
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "create", Build: func() *cobra.Command { return create.NewCmdCreate(f, nil) }},
		cmdutil.Subcommand{Name: "get", Build: func() *cobra.Command { return get.NewCmdGet(f, nil) }},
		cmdutil.Subcommand{Name: "list", Build: func() *cobra.Command { return list.NewCmdList(f, nil) }},
		cmdutil.Subcommand{Name: "delete", Build: func() *cobra.Command { return deletecmd.NewCmdDelete(f, nil) }},
		cmdutil.Subcommand{Name: "sync", Build: func() *cobra.Command { return synccmd.NewCmdSync(f, nil) }},
	)
	return cmd
}
