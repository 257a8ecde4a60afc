package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/token/introspect"
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
}

// v2Spellings maps Hydra v2's spellings to this tool's commands. It is the
// one place where they are wired: each entry builds a fresh instance of the
// same command, since a cobra command has one parent.
var v2Spellings = []v2Spelling{
	{verb: "introspect", noun: "token", build: func(f *cmdutil.Factory) *cobra.Command {
		return introspect.NewCmdIntrospect(f, nil)
	}},
	{verb: "perform", noun: "authorization-code", build: func(f *cmdutil.Factory) *cobra.Command {
		return user.NewCmdUser(f, nil)
	}},
}

// addV2Spellings adds "hydra <verb> <noun>" for every entry of v2Spellings.
func addV2Spellings(root *cobra.Command, f *cmdutil.Factory) {
	root.AddGroup(&cobra.Group{ID: v2GroupID, Title: "Hydra v2 spellings of the commands above:"})
	verbs := map[string]*cobra.Command{}
	for _, s := range v2Spellings {
		parent, ok := verbs[s.verb]
		if !ok {
			parent = &cobra.Command{
				Use:     s.verb + " <noun>",
				Short:   "Hydra v2 spellings: hydra " + s.verb + " <noun>",
				GroupID: v2GroupID,
				Args:    cmdutil.NoArgs,
			}
			verbs[s.verb] = parent
			root.AddCommand(parent)
		}
		cmd := s.build(f)
		// Keep the arguments of the original Use line: "introspect <token>"
		// becomes "token <token>".
		_, args, _ := strings.Cut(cmd.Use, " ")
		cmd.Use = strings.TrimSpace(s.noun + " " + args)
		cmd.Aliases = s.aliases
		parent.AddCommand(cmd)
	}
}
