package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// v1NoOps are flags that Hydra v1's CLI took but ignored. Scripts still pass
// them: they are accepted, hidden from help, and each use gets a
// deprecation note on stderr. path is the command's, below the root.
var v1NoOps = []struct {
	path, flag, note string
}{
	{"token introspect", "client-id", "Hydra v1 ignored it too: introspection goes through the admin API, which takes no client credentials"},
	{"token introspect", "client-secret", "Hydra v1 ignored it too: introspection goes through the admin API, which takes no client credentials"},
}

// v1GroupBools are the bool flags that Hydra v1's groups took before the
// verb: "hydra clients --fake-tls-termination list", "hydra token
// --skip-tls-verify introspect". Each verb that sends requests has them as
// its own flags, which parse them wherever they stand; the group declares
// them, hidden, so that the verb after them is found (cobra takes the word
// after a flag the group does not know for that flag's value).
var v1GroupBools = []struct {
	group string
	flags []string
}{
	{"clients", []string{"fake-tls-termination", "skip-tls-verify"}},
	{"token", []string{"fake-tls-termination", "skip-tls-verify"}},
}

// failAfterNote explains Hydra v1's global --fail-after on a command that
// sends no request. Every command that sends one has --fail-after among its
// connection flags (cmdutil.AddConnectionFlags), where it bounds retries.
const failAfterNote = "this command sends no request to retry"

// addV1Flags wires v1NoOps, and Hydra v1's global --fail-after, into the
// command tree: the one place for v1 flags that mean nothing here. It runs
// after every command, v2 spellings included, is added. (cobra's own
// deprecation notes go to stdout when a command's output is set, so the
// notes are printed here, on stderr.)
//
// --fail-after is a hidden persistent flag of the root, so that a v1 script
// may pass it to any command; a command's own --fail-after, which the
// connection flags add, shadows it.
func addV1Flags(root *cobra.Command) {
	for _, n := range v1NoOps {
		cmd, _, err := root.Find(strings.Fields(n.path))
		if err != nil || cmd == root || cmd.Flags().Lookup(n.flag) != nil {
			continue
		}
		cmd.Flags().String(n.flag, "", "Ignored, as in Hydra v1")
		_ = cmd.Flags().MarkHidden(n.flag)
		noteOnUse(cmd, n.flag, n.note)
	}
	for _, g := range v1GroupBools {
		cmd, _, err := root.Find([]string{g.group})
		if err != nil || cmd == root {
			continue
		}
		for _, name := range g.flags {
			if cmd.PersistentFlags().Lookup(name) != nil {
				continue
			}
			cmd.PersistentFlags().Bool(name, false, "Hydra v1's place for the verb's flag of the same name")
			_ = cmd.PersistentFlags().MarkHidden(name)
		}
	}
	root.PersistentFlags().Duration("fail-after", 0, "Hydra v1's limit on retries, for commands that send requests")
	_ = root.PersistentFlags().MarkHidden("fail-after")
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.RunE != nil && c != root && c.LocalNonPersistentFlags().Lookup("fail-after") == nil {
			noteOnUse(c, "fail-after", failAfterNote)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// noteOnUse prints, on stderr, that flag is deprecated and ignored, when a
// run of cmd sets it.
func noteOnUse(cmd *cobra.Command, flag, note string) {
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if fl := c.Flags().Lookup(flag); fl != nil && fl.Changed {
			fmt.Fprintf(c.ErrOrStderr(), "warning: --%s is deprecated and ignored: %s\n", flag, note)
		}
		return run(c, args)
	}
}
