// Package root builds the "hydra" command tree.
package root

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/build"
	"github.com/hydratoken/hydra/pkg/cmd/client"
	"github.com/hydratoken/hydra/pkg/cmd/completion"
	"github.com/hydratoken/hydra/pkg/cmd/consent"
	"github.com/hydratoken/hydra/pkg/cmd/keys"
	"github.com/hydratoken/hydra/pkg/cmd/login"
	"github.com/hydratoken/hydra/pkg/cmd/token"
	"github.com/hydratoken/hydra/pkg/cmd/trust"
	"github.com/hydratoken/hydra/pkg/cmd/version"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/text"
)

// newCmdRoot builds the root command and adds its subcommands through
// f.AddSubcommands: at once, or deferred when f defers them.
func newCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hydra <command> <subcommand> [flags]",
		Short: "Get, inspect and manage OAuth 2.0 tokens and clients of an Ory Hydra server",
		Long: text.Doc(`
			Get, introspect, refresh and revoke OAuth 2.0 tokens, and manage OAuth 2.0
			clients, against an Ory Hydra server's public and admin APIs: Hydra v1,
			v2 and v26 servers alike (the admin API's version is detected).

			Commands answer to Hydra v1's spellings (hydra token client) and to
			Hydra v2's (hydra perform client-credentials).

			--format, where a command has it, takes json, json-pretty, yaml,
			table, jsonpath=EXPR or jsonpointer=PTR (RFC 6901). EXPR is one
			RFC 9535 JSONPath ($.client_id), kubectl's brace form wrapped whole
			({.client_id}), or a gjson path (client_id), as Hydra v2's CLI takes;
			kubectl templates ({range}, text around an expression) are a usage
			error. Several values print one a line. A path that selects nothing
			is an error, never an empty {}, except where a command says that it
			still succeeds (a value shown once then goes to stderr).
		`),
		Example: text.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444 HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token introspect "$TOKEN"
		`),
		SilenceErrors: true,
		SilenceUsage:  true,
		// The version is read only when asked for: see build.Get.
		Version: "",
	}
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cmdutil.FlagErrorWrap(err)
	})
	// --version, answered without building the version string at start-up.
	cmd.Flags().Bool("version", false, "Show the version, commit and build date")
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if v, _ := c.Flags().GetBool("version"); v {
			_, err := c.OutOrStdout().Write([]byte(version.Line(build.Get())))
			return err
		}
		if len(args) > 0 {
			return cmdutil.UnknownCommandError(c, args[0])
		}
		return c.Help()
	}
	cmd.Args = cobra.ArbitraryArgs
	// SuggestionsFor reads this as it is; cobra defaults it only on its own
	// path, which RunE above replaces.
	cmd.SuggestionsMinimumDistance = 2

	cmd.AddGroup(
		&cobra.Group{ID: "core", Title: "Commands:"},
		&cobra.Group{ID: "other", Title: "Other commands:"},
	)
	core := func(c *cobra.Command) *cobra.Command { c.GroupID = "core"; return c }
	other := func(c *cobra.Command) *cobra.Command { c.GroupID = "other"; return c }
	// Our own completion command replaces cobra's default, so that it
	// follows this tool's help and error conventions.
	cmd.CompletionOptions.DisableDefaultCmd = true
	f.AddSubcommands(cmd,
		cmdutil.Subcommand{Name: "token", Build: func() *cobra.Command { return core(token.NewCmdToken(f)) }},
		cmdutil.Subcommand{Name: "client", Build: func() *cobra.Command { return core(client.NewCmdClient(f)) }},
		cmdutil.Subcommand{Name: "trust", Build: func() *cobra.Command { return core(trust.NewCmdTrust(f)) }},
		cmdutil.Subcommand{Name: "keys", Build: func() *cobra.Command { return core(keys.NewCmdKeys(f)) }},
		cmdutil.Subcommand{Name: "consent", Build: func() *cobra.Command { return core(consent.NewCmdConsent(f)) }},
		cmdutil.Subcommand{Name: "login", Build: func() *cobra.Command { return core(login.NewCmdLogin(f)) }},
		cmdutil.Subcommand{Name: "version", Build: func() *cobra.Command { return other(version.NewCmdVersion(f, nil)) }},
		cmdutil.Subcommand{Name: "completion", Build: func() *cobra.Command { return other(completion.NewCmdCompletion(f, nil)) }},
	)
	cmd.SetHelpCommandGroupID("other")
	addV2Spellings(cmd, f)
	addV1Spellings(cmd, f)
	return cmd
}

// NewCmdRoot builds the whole command tree, for docs, completion scripts
// and tests.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := newCmdRoot(f)
	finishTree(cmd)
	return cmd
}

// finishTree applies, to every command built, what the root adds to each:
// Hydra v1's flags, the flags each group takes before its subcommand, and
// the trimmed examples.
func finishTree(cmd *cobra.Command) {
	addV1Flags(cmd)
	acceptFlagsBeforeSubcommand(cmd)
	trimExamples(cmd)
}

// trimExamples drops the final newline of every command's Example, which
// text.Doc leaves and cobra's help template follows with a blank line of
// its own: without this, two blank lines separate Examples from Flags.
func trimExamples(cmd *cobra.Command) {
	cmd.Example = strings.TrimRight(cmd.Example, "\n")
	for _, c := range cmd.Commands() {
		trimExamples(c)
	}
}

// Execute runs the command line args, with f's streams and environment,
// and returns the exit code. main calls it, and so does every test that
// runs the tool in-process, so that both see the same parsing, error
// printing and exit codes. Cancelling ctx is Ctrl-C.
//
// Only the branch of the command tree that args name is built (see
// cmdutil.Factory.BuildBranch): a process pays for the command it runs.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	f.DeferSubcommands()
	cmd := newCmdRoot(f)
	f.BuildBranch(cmd, args)
	finishTree(cmd)
	return cmdutil.ExecuteCommand(ctx, cmd, f.IOStreams.ErrOut, args)
}
