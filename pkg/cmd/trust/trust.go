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
	cmd.AddCommand(create.NewCmdCreate(f, nil))
	cmd.AddCommand(get.NewCmdGet(f, nil))
	cmd.AddCommand(list.NewCmdList(f, nil))
	cmd.AddCommand(deletecmd.NewCmdDelete(f, nil))
	cmd.AddCommand(synccmd.NewCmdSync(f, nil))
	return cmd
}
