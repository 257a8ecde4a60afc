// Package token groups the "hydra token" verbs.
package token

import (
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/token/cache"
	"github.com/hydratoken/hydra/pkg/cmd/token/client"
	"github.com/hydratoken/hydra/pkg/cmd/token/decode"
	tokendelete "github.com/hydratoken/hydra/pkg/cmd/token/delete"
	"github.com/hydratoken/hydra/pkg/cmd/token/device"
	"github.com/hydratoken/hydra/pkg/cmd/token/flush"
	"github.com/hydratoken/hydra/pkg/cmd/token/introspect"
	"github.com/hydratoken/hydra/pkg/cmd/token/jwtbearer"
	"github.com/hydratoken/hydra/pkg/cmd/token/refresh"
	"github.com/hydratoken/hydra/pkg/cmd/token/revoke"
	"github.com/hydratoken/hydra/pkg/cmd/token/user"
	"github.com/hydratoken/hydra/pkg/cmd/token/userinfo"
	"github.com/hydratoken/hydra/pkg/cmd/token/verify"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// NewCmdToken builds "hydra token" and adds its verbs. The verbs Hydra
// v1's "token" had are its spelling too: their default output is Hydra
// v1.11.10's (printer.Style.HydraV1).
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.MakeGroup(&cobra.Command{
		Use:   "token <command>",
		Short: "Get, introspect, refresh and revoke OAuth 2.0 tokens",
	})
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "client", Build: func() *cobra.Command { return client.NewCmdClient(f, nil) }},
		cmdutil.Subcommand{Name: "jwt-bearer", Build: func() *cobra.Command { return jwtbearer.NewCmdJWTBearer(f, nil) }},
		cmdutil.Subcommand{Name: "introspect", Build: func() *cobra.Command { return introspect.NewCmdIntrospectStyled(f, nil, printer.Style{HydraV1: true}) }},
		cmdutil.Subcommand{Name: "refresh", Build: func() *cobra.Command { return refresh.NewCmdRefresh(f, nil) }},
		cmdutil.Subcommand{Name: "revoke", Build: func() *cobra.Command { return revoke.NewCmdRevokeStyled(f, nil, printer.Style{HydraV1: true}) }},
		cmdutil.Subcommand{Name: "delete", Build: func() *cobra.Command { return tokendelete.NewCmdDeleteStyled(f, nil, printer.Style{HydraV1: true}) }},
		cmdutil.Subcommand{Name: "flush", Build: func() *cobra.Command { return flush.NewCmdFlushStyled(f, nil, printer.Style{HydraV1: true}) }},
		cmdutil.Subcommand{Name: "user", Build: func() *cobra.Command { return user.NewCmdUser(f, nil) }},
		cmdutil.Subcommand{Name: "device", Build: func() *cobra.Command { return device.NewCmdDevice(f, nil) }},
		cmdutil.Subcommand{Name: "decode", Build: func() *cobra.Command { return decode.NewCmdDecode(f, nil) }},
		cmdutil.Subcommand{Name: "cache", Build: func() *cobra.Command { return cache.NewCmdCache(f) }},
		cmdutil.Subcommand{Name: "userinfo", Build: func() *cobra.Command { return userinfo.NewCmdUserinfo(f, nil) }},
		cmdutil.Subcommand{Name: "verify", Build: func() *cobra.Command { return verify.NewCmdVerify(f, nil) }},
	)
	return cmd
}
