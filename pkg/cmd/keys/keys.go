// Package keys groups the "hydra keys" verbs, which manage the JSON Web Key
// Sets of Hydra's admin API.
package keys

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/keys/create"
	deletecmd "github.com/hydratoken/hydra/pkg/cmd/keys/delete"
	"github.com/hydratoken/hydra/pkg/cmd/keys/get"
	importcmd "github.com/hydratoken/hydra/pkg/cmd/keys/import"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// NewCmdKeys builds "hydra keys" and adds its verbs, as Hydra v1 spells
// them. Hydra v1's spelling is also this tool's own: delete and import
// print v1's lines (printer.Style.HydraV1), while get and create keep the
// tool's output, public keys unless --private (docs/v1-v2-command-map.md,
// "Intentional differences").
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	v1 := printer.Style{HydraV1: true}
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "keys <command>",
		Short: "Create, get, delete and import JSON Web Keys",
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "create", Build: func() *cobra.Command { return create.NewCmdCreate(f, nil) }},
		cmdutil.Subcommand{Name: "get", Build: func() *cobra.Command { return get.NewCmdGet(f, nil) }},
		cmdutil.Subcommand{Name: "delete", Build: func() *cobra.Command { return deletecmd.NewCmdDeleteStyled(f, nil, v1) }},
		cmdutil.Subcommand{Name: "import", Build: func() *cobra.Command { return importcmd.NewCmdImportStyled(f, nil, v1) }},
	)
	return cmd
}
