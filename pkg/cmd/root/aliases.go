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
	keyscreate "github.com/hydratoken/hydra/pkg/cmd/keys/create"
	keysdelete "github.com/hydratoken/hydra/pkg/cmd/keys/delete"
	keysget "github.com/hydratoken/hydra/pkg/cmd/keys/get"
	keysimport "github.com/hydratoken/hydra/pkg/cmd/keys/import"
	"github.com/hydratoken/hydra/pkg/cmd/token/client"
	tokendelete "github.com/hydratoken/hydra/pkg/cmd/token/delete"
	"github.com/hydratoken/hydra/pkg/cmd/token/device"
	"github.com/hydratoken/hydra/pkg/cmd/token/introspect"
	"github.com/hydratoken/hydra/pkg/cmd/token/revoke"
	"github.com/hydratoken/hydra/pkg/cmd/token/user"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// v2GroupID is the help group of Hydra v2's spellings.
const v2GroupID = "v2"

// v2Spelling is one command as Hydra v2 spells it: "hydra <verb> <noun>".
type v2Spelling struct {
	verb    string
	noun    string
	aliases []string // other nouns v2 accepts for the same command
	build   func(*cmdutil.Factory, printer.Style) *cobra.Command
	// v1 is the same command's path in this tool's (Hydra v1's) spelling,
	// such as "token introspect", whose examples are rewritten.
	v1 string
	// positional, when set, names a flag of the command that v2 takes as
	// its one positional argument instead: "delete access-tokens <id>" is
	// "token delete --client-id <id>".
	positional string
	// style gives Hydra v2's output flags and shapes where they differ
	// from the v1 spelling's. build hands it to the command, which prints
	// in that shape itself (printer.Style).
	style printer.Style
}

// v2Spellings maps Hydra v2's spellings to this tool's commands. It is the
// one place where they are wired: each entry builds a fresh instance of the
// same command, since a cobra command has one parent.
var v2Spellings = []v2Spelling{
	{verb: "introspect", noun: "token", v1: "token introspect", style: printer.Style{QuietActive: true, HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return introspect.NewCmdIntrospectStyled(f, nil, s)
	}},
	{verb: "perform", noun: "client-credentials", v1: "token client", style: printer.Style{Expiry: true, HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return client.NewCmdClientStyled(f, nil, s)
	}},
	{verb: "revoke", noun: "token", v1: "token revoke", style: printer.Style{IDs: printer.V2IDs}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return revoke.NewCmdRevokeStyled(f, nil, s)
	}},
	{verb: "delete", noun: "access-tokens", v1: "token delete", positional: "client-id", style: printer.Style{IDs: printer.V2IDs}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return tokendelete.NewCmdDeleteStyled(f, nil, s)
	}},
	// Hydra v2 names the client "oauth2-client" and accepts "client"; its
	// get, delete and import also accept the plurals, and list wants them.
	{verb: "create", noun: "oauth2-client", v1: "client create", aliases: []string{"client"}, style: printer.Style{HydraTable: true, HydraPaths: true, HydraDefaults: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return create.NewCmdCreateStyled(f, nil, s)
	}},
	{verb: "get", noun: "oauth2-client", v1: "client get", aliases: []string{"client", "clients", "oauth2-clients"}, style: printer.Style{HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return get.NewCmdGetStyled(f, nil, s)
	}},
	{verb: "list", noun: "oauth2-clients", v1: "client list", aliases: []string{"clients", "client", "oauth2-client"}, style: printer.Style{Envelope: true, HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return list.NewCmdListStyled(f, nil, s)
	}},
	{verb: "update", noun: "oauth2-client", v1: "client update", aliases: []string{"client"}, style: printer.Style{HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return update.NewCmdUpdateStyled(f, nil, s)
	}},
	{verb: "delete", noun: "oauth2-client", v1: "client delete", aliases: []string{"client", "clients", "oauth2-clients"}, style: printer.Style{IDs: printer.V2IDs}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return deletecmd.NewCmdDeleteStyled(f, nil, s)
	}},
	{verb: "import", noun: "oauth2-client", v1: "client import", aliases: []string{"client", "clients", "oauth2-clients"}, style: printer.Style{HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return importcmd.NewCmdImportStyled(f, nil, s)
	}},
	{verb: "perform", noun: "authorization-code", v1: "token user", style: printer.Style{Expiry: true, HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return user.NewCmdUserStyled(f, nil, s)
	}},
	// Hydra v25.4 and later: the device authorization grant. Its output
	// is Hydra v26.2.0's CLI's, which prints Go's oauth2.Token as
	// perform authorization-code does, and a secret goes in the form
	// (client_secret_post), as that CLI sends it.
	{verb: "perform", noun: "device-code", v1: "token device", style: printer.Style{Expiry: true, HydraTable: true, HydraPaths: true, HydraDefaults: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return device.NewCmdDeviceStyled(f, nil, s)
	}},
	// JSON Web Key Sets: Hydra v2 says "jwk" and accepts "jwks".
	{verb: "create", noun: "jwk", v1: "keys create", aliases: []string{"jwks"}, style: printer.Style{HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return keyscreate.NewCmdCreateStyled(f, nil, s)
	}},
	{verb: "get", noun: "jwk", v1: "keys get", aliases: []string{"jwks"}, style: printer.Style{HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return keysget.NewCmdGetStyled(f, nil, s)
	}},
	{verb: "delete", noun: "jwk", v1: "keys delete", aliases: []string{"jwks"}, style: printer.Style{IDs: printer.V2IDs}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return keysdelete.NewCmdDeleteStyled(f, nil, s)
	}},
	{verb: "import", noun: "jwk", v1: "keys import", aliases: []string{"jwks"}, style: printer.Style{HydraTable: true, HydraPaths: true}, build: func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
		return keysimport.NewCmdImportStyled(f, nil, s)
	}},
}

// v1GroupID is the help group of Hydra v1's spellings that are not this
// tool's own.
const v1GroupID = "v1"

// v1Group is a group of commands as Hydra v1 spells it where that is not
// this tool's own spelling: "hydra clients create" beside this tool's
// "hydra client create".
type v1Group struct {
	name  string
	short string
	// own is this tool's spelling of the group, named in each verb's help.
	own   string
	verbs []v1Verb
}

// v1Verb is one verb of a v1Group, and the command it builds.
type v1Verb struct {
	name  string
	build func(*cmdutil.Factory, printer.Style) *cobra.Command
}

// v1Style is the output of Hydra v1's spellings: Hydra v1.11.10's lines,
// JSON and tables (printer.Style.HydraV1). The tool's own flags (--format,
// -q) keep the tool's shapes.
var v1Style = printer.Style{HydraV1: true}

// v1Groups maps Hydra v1's spellings that are not this tool's own to its
// commands, each built afresh with v1Style. The token verbs Hydra v1 had
// are this tool's own spelling too ("token introspect"), and take v1Style
// where they are added (pkg/cmd/token).
var v1Groups = []v1Group{{
	name: "clients", own: "client",
	short: "Hydra v1's spelling of client, printing what Hydra v1's CLI prints",
	verbs: []v1Verb{
		{"create", func(f *cmdutil.Factory, s printer.Style) *cobra.Command { return create.NewCmdCreateStyled(f, nil, s) }},
		{"get", func(f *cmdutil.Factory, s printer.Style) *cobra.Command { return get.NewCmdGetStyled(f, nil, s) }},
		{"list", func(f *cmdutil.Factory, s printer.Style) *cobra.Command { return list.NewCmdListStyled(f, nil, s) }},
		{"update", func(f *cmdutil.Factory, s printer.Style) *cobra.Command { return update.NewCmdUpdateStyled(f, nil, s) }},
		{"delete", func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
			return deletecmd.NewCmdDeleteStyled(f, nil, s)
		}},
		{"import", func(f *cmdutil.Factory, s printer.Style) *cobra.Command {
			return importcmd.NewCmdImportStyled(f, nil, s)
		}},
	},
}}

// addV1Spellings adds "hydra <group> <verb>" for every group of v1Groups.
func addV1Spellings(root *cobra.Command, f *cmdutil.Factory) {
	root.AddGroup(&cobra.Group{ID: v1GroupID, Title: "Hydra v1 spellings, with Hydra v1's output:"})
	for _, g := range v1Groups {
		f.AddSubcommands(root, cmdutil.Subcommand{Name: g.name, Build: func() *cobra.Command {
			parent := cmdutil.MakeGroup(&cobra.Command{
				Use:     g.name + " <command>",
				Short:   g.short,
				GroupID: v1GroupID,
			})
			for _, v := range g.verbs {
				f.AddSubcommands(parent, cmdutil.Subcommand{Name: v.name, Build: func() *cobra.Command {
					cmd := v.build(f, v1Style)
					own := "hydra " + g.own + " " + v.name
					cmd.Long = "Hydra v1's spelling of \"" + own + "\": without --format or -q, it prints\n" +
						"what Hydra v1.11.10's CLI prints.\n\n" + cmd.Long
					cmd.Example = strings.ReplaceAll(cmd.Example, own, "hydra "+g.name+" "+v.name)
					return cmd
				}})
			}
			return parent
		}})
	}
}

// v2VerbAliases are the other names Hydra v2 gives a verb: "hydra ls
// oauth2-clients" is "hydra list oauth2-clients".
var v2VerbAliases = map[string][]string{"list": {"ls"}}

// addV2Spellings adds "hydra <verb> <noun>" for every entry of v2Spellings.
func addV2Spellings(root *cobra.Command, f *cmdutil.Factory) {
	root.AddGroup(&cobra.Group{ID: v2GroupID, Title: "Hydra v2 spellings of the commands above:"})
	var verbs []string
	byVerb := map[string][]v2Spelling{}
	for _, s := range v2Spellings {
		if _, ok := byVerb[s.verb]; !ok {
			verbs = append(verbs, s.verb)
		}
		byVerb[s.verb] = append(byVerb[s.verb], s)
	}
	for _, verb := range verbs {
		spellings := byVerb[verb]
		f.AddSubcommands(root, cmdutil.Subcommand{Name: verb, Aliases: v2VerbAliases[verb], Build: func() *cobra.Command {
			return newCmdVerb(f, verb, spellings)
		}})
	}
}

// newCmdVerb builds Hydra v2's "hydra <verb>", whose subcommands are the
// nouns of spellings.
func newCmdVerb(f *cmdutil.Factory, verb string, spellings []v2Spelling) *cobra.Command {
	var nouns []string
	for _, s := range spellings {
		nouns = append(nouns, s.noun)
	}
	parent := cmdutil.MakeGroup(&cobra.Command{
		Use:     verb + " <noun>",
		Aliases: v2VerbAliases[verb],
		Short:   "Hydra v2's " + verb + " " + strings.Join(nouns, ", "),
		GroupID: v2GroupID,
	})
	for _, s := range spellings {
		f.AddSubcommands(parent, cmdutil.Subcommand{Name: s.noun, Aliases: s.aliases, Build: func() *cobra.Command {
			return newCmdSpelling(f, s)
		}})
	}
	return parent
}

// newCmdSpelling builds the command of s, in Hydra v2's spelling.
func newCmdSpelling(f *cmdutil.Factory, s v2Spelling) *cobra.Command {
	cmd := s.build(f, s.style)
	// Keep the arguments of the original Use line: "introspect <token>"
	// becomes "token <token>".
	_, args, _ := strings.Cut(cmd.Use, " ")
	cmd.Use = strings.TrimSpace(s.noun + " " + args)
	cmd.Example = v2Example(cmd.Example, s)
	if s.positional != "" {
		positionalFromFlag(cmd, s.noun, s.positional)
	}
	cmd.Aliases = s.aliases
	// Hydra v2's endpoint variable, ORY_SDK_URL, is read by its rule.
	cmdutil.MarkV2Spelling(cmd)
	return cmd
}

// positionalFromFlag makes cmd take the value of its flag as its one
// positional argument, the flag itself hidden.
func positionalFromFlag(cmd *cobra.Command, noun, flag string) {
	what := strings.ReplaceAll(flag, "-", " ")
	cmd.Use = noun + " <" + flag + ">"
	// The flag stays accepted, hidden, for scripts that mix the spellings.
	cmd.Args = func(c *cobra.Command, args []string) error {
		switch {
		case len(args) > 1:
			return cmdutil.FlagErrorf("%s takes one %s, as its argument", c.CommandPath(), what)
		case len(args) == 1 && c.Flags().Changed(flag):
			return cmdutil.FlagErrorf("give the %s once, as the argument, not also as --%s", what, flag)
		case len(args) == 0 && !c.Flags().Changed(flag):
			return cmdutil.FlagErrorf("%s takes one %s, as its argument", c.CommandPath(), what)
		}
		return nil
	}
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
		if len(args) == 1 {
			if err := c.Flags().Set(flag, args[0]); err != nil {
				return cmdutil.FlagErrorWrap(err)
			}
		}
		return run(c, nil)
	}
}

// v2Example rewrites a command's examples into the v2 spelling: "hydra
// token delete --client-id ID" becomes "hydra delete access-tokens ID".
func v2Example(example string, s v2Spelling) string {
	if example == "" || s.v1 == "" {
		return example
	}
	v2 := "hydra " + s.verb + " " + s.noun
	if s.positional != "" {
		example = strings.ReplaceAll(example, "hydra "+s.v1+" --"+s.positional+" ", v2+" ")
	}
	return strings.ReplaceAll(example, "hydra "+s.v1, v2)
}
