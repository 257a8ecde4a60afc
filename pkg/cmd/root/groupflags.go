package root

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// acceptFlagsBeforeSubcommand lets every group take its subcommands' flags
// that take no value (-q, --skip-tls-verify, --fake-tls-termination, ...)
// before the subcommand's name, as Hydra's CLIs take their groups'
// persistent flags there: "hydra get -q oauth2-client ID" (v2), "hydra
// token --skip-tls-verify introspect TOKEN" and "hydra clients
// --fake-tls-termination list" (v1).
//
// cobra finds the subcommand (Command.Find) before it parses any flag, and
// steps over a flag that the group does not know as if it took the next
// word as its value: "oauth2-client" became -q's value, and "ID" named no
// command. A flag with a value already works there ("hydra get -e URL
// oauth2-client ID"). So each group is told, through a hidden flag of its
// own, which of its subcommands' flags take none; the subcommand then
// parses the whole command line with its own flags, wherever they stand,
// as it always did. The group's flags are local, so that no subcommand
// inherits one it does not have: a flag the subcommand lacks is still a
// usage error.
//
// It runs on the tree as built (finishTree), so that it is one mechanism for
// every flag, Hydra's and this tool's, of every group, v1's and v2's, but
// not the root, before which Hydra's CLIs take none either. A flag
// name that takes a value in one subcommand and none in another is left to
// cobra, as is a shorthand that two subcommands give different flags.
func acceptFlagsBeforeSubcommand(cmd *cobra.Command) map[string]*pflag.Flag {
	if !cmd.HasSubCommands() {
		noValue := map[string]*pflag.Flag{}
		cmd.Flags().VisitAll(func(fl *pflag.Flag) { noValue[fl.Name] = fl })
		return noValue
	}
	all := map[string]*pflag.Flag{}
	conflict := map[string]bool{}
	short := map[string]string{}
	for _, sub := range cmd.Commands() {
		for name, fl := range acceptFlagsBeforeSubcommand(sub) {
			if prev, ok := all[name]; ok && (prev.NoOptDefVal == "") != (fl.NoOptDefVal == "") {
				conflict[name] = true
			}
			if fl.Shorthand != "" {
				if n, ok := short[fl.Shorthand]; ok && n != name {
					conflict["-"+fl.Shorthand] = true
				}
				short[fl.Shorthand] = name
			}
			if _, ok := all[name]; !ok || all[name].Shorthand == "" {
				all[name] = fl
			}
		}
	}
	known := func(name, shorthand string) (bool, bool) {
		byName := cmd.Flags().Lookup(name) != nil || cmd.InheritedFlags().Lookup(name) != nil
		byShort := shorthand != "" && (cmd.Flags().ShorthandLookup(shorthand) != nil || cmd.InheritedFlags().ShorthandLookup(shorthand) != nil)
		return byName, byShort
	}
	// Hydra's CLIs take no such flag before the group itself ("hydra -q
	// get ..."): the root gets none.
	if !cmd.HasParent() {
		return all
	}
	for name, fl := range all {
		if fl.NoOptDefVal == "" || conflict[name] || name == "help" {
			continue
		}
		shorthand := fl.Shorthand
		if conflict["-"+shorthand] || shorthand == "h" {
			shorthand = ""
		}
		byName, byShort := known(name, shorthand)
		if byName {
			continue
		}
		if byShort {
			shorthand = ""
		}
		cmd.Flags().BoolP(name, shorthand, false, "Accepted before the subcommand, which it is for")
		_ = cmd.Flags().MarkHidden(name)
	}
	return all
}
