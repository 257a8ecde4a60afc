// Package token groups the "hydra token" verbs.
package token

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/token/cache"
	"github.com/hydratoken/hydra/pkg/cmd/token/client"
	"github.com/hydratoken/hydra/pkg/cmd/token/decode"
	tokendelete "github.com/hydratoken/hydra/pkg/cmd/token/delete"
	"github.com/hydratoken/hydra/pkg/cmd/token/flush"
	"github.com/hydratoken/hydra/pkg/cmd/token/introspect"
	"github.com/hydratoken/hydra/pkg/cmd/token/jwtbearer"
	"github.com/hydratoken/hydra/pkg/cmd/token/refresh"
	"github.com/hydratoken/hydra/pkg/cmd/token/revoke"
	"github.com/hydratoken/hydra/pkg/cmd/token/user"
	"github.com/hydratoken/hydra/pkg/cmd/token/userinfo"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// NewCmdToken builds "hydra token" and adds its verbs.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "token <command>",
		Short: "Get, introspect, refresh and revoke OAuth 2.0 tokens",
	})
	cmd.AddCommand(client.NewCmdClient(f, nil))
	cmd.AddCommand(jwtbearer.NewCmdJWTBearer(f, nil))
	cmd.AddCommand(introspect.NewCmdIntrospect(f, nil))
	cmd.AddCommand(refresh.NewCmdRefresh(f, nil))
	cmd.AddCommand(revoke.NewCmdRevoke(f, nil))
	cmd.AddCommand(tokendelete.NewCmdDelete(f, nil))
	cmd.AddCommand(flush.NewCmdFlush(f, nil))
	cmd.AddCommand(user.NewCmdUser(f, nil))
	cmd.AddCommand(decode.NewCmdDecode(f, nil))
	cmd.AddCommand(cache.NewCmdCache(f))
	cmd.AddCommand(userinfo.NewCmdUserinfo(f, nil))
	return cmd
}
