// Package client groups the "hydra client" verbs, which manage OAuth 2.0
// clients through Hydra's admin API.
package client

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/client/create"
	deletecmd "github.com/hydratoken/hydra/pkg/cmd/client/delete"
	"github.com/hydratoken/hydra/pkg/cmd/client/get"
	importcmd "github.com/hydratoken/hydra/pkg/cmd/client/import"
	"github.com/hydratoken/hydra/pkg/cmd/client/list"
	"github.com/hydratoken/hydra/pkg/cmd/client/update"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdClient builds "hydra client" and adds its verbs. Hydra v1's
// spelling of the group, "clients", prints Hydra v1's output: it is wired
// in pkg/cmd/root (aliases.go).
func NewCmdClient(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "client <command>",
		Short: "Create, get, list, update, delete and import OAuth 2.0 clients",
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "create", Build: func() *cobra.Command { return create.NewCmdCreate(f, nil) }},
		cmdutil.Subcommand{Name: "get", Build: func() *cobra.Command { return get.NewCmdGet(f, nil) }},
		cmdutil.Subcommand{Name: "list", Build: func() *cobra.Command { return list.NewCmdList(f, nil) }},
		cmdutil.Subcommand{Name: "update", Build: func() *cobra.Command { return update.NewCmdUpdate(f, nil) }},
		cmdutil.Subcommand{Name: "delete", Build: func() *cobra.Command { return deletecmd.NewCmdDelete(f, nil) }},
		cmdutil.Subcommand{Name: "import", Build: func() *cobra.Command { return importcmd.NewCmdImport(f, nil) }},
	)
	return cmd
}
