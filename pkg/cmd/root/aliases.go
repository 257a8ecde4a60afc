package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/client/create"
	deletecmd "github.com/hydratoken/hydra/pkg/cmd/client/delete"
	"github.com/hydratoken/hydra/pkg/cmd/client/get"
	importcmd "github.com/hydratoken/hydra/pkg/cmd/client/import"
	"github.com/hydratoken/hydra/pkg/cmd/client/list"
	"github.com/hydratoken/hydra/pkg/cmd/client/update"
	"github.com/hydratoken/hydra/pkg/cmd/token/client"
	tokendelete "github.com/hydratoken/hydra/pkg/cmd/token/delete"
	"github.com/hydratoken/hydra/pkg/cmd/token/introspect"
	"github.com/hydratoken/hydra/pkg/cmd/token/revoke"
	"github.com/hydratoken/hydra/pkg/cmd/token/user"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// v2GroupID is the help group of Hydra v2's spellings.
const v2GroupID = "v2"

// v2Spelling is one command as Hydra v2 spells it: "hydra <verb> <noun>".
type v2Spelling struct {
	verb    string
	noun    string
	aliases []string // other nouns v2 accepts for the same command
	build   func(*cmdutil.Factory) *cobra.Command
	// positional, when set, names a flag of the command that v2 takes as
	// its one positional argument instead: "delete access-tokens <id>" is
	// "token delete --client-id <id>".
	positional string
}

// v2Spellings maps Hydra v2's spellings to this tool's commands. It is the
// one place where they are wired: each entry builds a fresh instance of the
// same command, since a cobra command has one parent.
var v2Spellings = []v2Spelling{
	{verb: "introspect", noun: "token", build: func(f *cmdutil.Factory) *cobra.Command {
		return introspect.NewCmdIntrospect(f, nil)
	}},
	{verb: "perform", noun: "client-credentials", build: func(f *cmdutil.Factory) *cobra.Command {
		return client.NewCmdClient(f, nil)
	}},
	{verb: "revoke", noun: "token", build: func(f *cmdutil.Factory) *cobra.Command {
		return revoke.NewCmdRevoke(f, nil)
	}},
	{verb: "delete", noun: "access-tokens", positional: "client-id", build: func(f *cmdutil.Factory) *cobra.Command {
		return tokendelete.NewCmdDelete(f, nil)
	}},
	// Hydra v2 names the client "oauth2-client" and accepts "client"; its
	// get, delete and import also accept the plurals, and list wants them.
	{verb: "create", noun: "oauth2-client", aliases: []string{"client"}, build: func(f *cmdutil.Factory) *cobra.Command {
		return create.NewCmdCreate(f, nil)
	}},
	{verb: "get", noun: "oauth2-client", aliases: []string{"client", "clients", "oauth2-clients"}, build: func(f *cmdutil.Factory) *cobra.Command {
		return get.NewCmdGet(f, nil)
	}},
	{verb: "list", noun: "oauth2-clients", aliases: []string{"clients", "client", "oauth2-client"}, build: func(f *cmdutil.Factory) *cobra.Command {
		return list.NewCmdList(f, nil)
	}},
	{verb: "update", noun: "oauth2-client", aliases: []string{"client"}, build: func(f *cmdutil.Factory) *cobra.Command {
		return update.NewCmdUpdate(f, nil)
	}},
	{verb: "delete", noun: "oauth2-client", aliases: []string{"client", "clients", "oauth2-clients"}, build: func(f *cmdutil.Factory) *cobra.Command {
		return deletecmd.NewCmdDelete(f, nil)
	}},
	{verb: "import", noun: "oauth2-client", aliases: []string{"client", "clients", "oauth2-clients"}, build: func(f *cmdutil.Factory) *cobra.Command {
		return importcmd.NewCmdImport(f, nil)
	}},
	{verb: "perform", noun: "authorization-code", build: func(f *cmdutil.Factory) *cobra.Command {
		return user.NewCmdUser(f, nil)
	}},
}

// addV2Spellings adds "hydra <verb> <noun>" for every entry of v2Spellings.
func addV2Spellings(root *cobra.Command, f *cmdutil.Factory) {
	root.AddGroup(&cobra.Group{ID: v2GroupID, Title: "Hydra v2 spellings of the commands above:"})
	verbs := map[string]*cobra.Command{}
	nouns := map[string][]string{}
	for _, s := range v2Spellings {
		parent, ok := verbs[s.verb]
		if !ok {
			parent = cmdutil.MakeGroup(&cobra.Command{
				Use:     s.verb + " <noun>",
				GroupID: v2GroupID,
			})
			verbs[s.verb] = parent
			root.AddCommand(parent)
		}
		nouns[s.verb] = append(nouns[s.verb], s.noun)
		parent.Short = "Hydra v2's " + s.verb + " " + strings.Join(nouns[s.verb], ", ")
		cmd := s.build(f)
		// Keep the arguments of the original Use line: "introspect <token>"
		// becomes "token <token>".
		_, args, _ := strings.Cut(cmd.Use, " ")
		cmd.Use = strings.TrimSpace(s.noun + " " + args)
		if s.positional != "" {
			positionalFromFlag(cmd, s.noun, s.positional)
		}
		cmd.Aliases = s.aliases
		parent.AddCommand(cmd)
	}
}

// positionalFromFlag makes cmd take the value of its flag as its one
// positional argument, the flag itself hidden.
func positionalFromFlag(cmd *cobra.Command, noun, flag string) {
	cmd.Use = noun + " <" + flag + ">"
	cmd.Args = cmdutil.ExactArgs(1, "one "+strings.ReplaceAll(flag, "-", " "))
	_ = cmd.Flags().MarkHidden(flag)
	if complete, ok := cmd.GetFlagCompletionFunc(flag); ok {
		cmd.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return complete(c, args, toComplete)
		}
	}
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if c.Flags().Changed(flag) {
			return cmdutil.FlagErrorf("give the %s once, as the argument, not also as --%s", strings.ReplaceAll(flag, "-", " "), flag)
		}
		if err := c.Flags().Set(flag, args[0]); err != nil {
			return cmdutil.FlagErrorWrap(err)
		}
		return run(c, nil)
	}
}
