// Package completion implements "hydra completion <shell>": the shell
// completion scripts. The scripts are cobra's; they call back into
// "hydra __complete", so completions follow the binary that is installed
// rather than the script's age.
package completion

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// Shells lists the shells that have a completion script, in the order help
// text names them.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// FileName is the name under which a shell expects a completion script for
// the command name: what "make completions" writes and packages install.
func FileName(shell, name string) string {
	switch shell {
	case "bash":
		return name + ".bash"
	case "zsh":
		return "_" + name
	case "fish":
		return name + ".fish"
	case "powershell":
		return name + ".ps1"
	}
	return ""
}

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO *iostreams.IOStreams

	// Root is the command tree the script completes.
	Root *cobra.Command
	// Shell is one of Shells.
	Shell string
	// NoDescriptions leaves the descriptions out of the completions.
	NoDescriptions bool
}

// NewCmdCompletion builds "hydra completion". runF replaces the run
// function in tests of flag parsing.
func NewCmdCompletion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "completion <shell>",
		Short: "Print the shell completion script for bash, zsh, fish or powershell",
		Long: text.Doc(`
			Print the script that completes hydra's commands, flags and flag values,
			such as the values of --format, in bash, zsh, fish or powershell.

			The deb and rpm packages and "make install" install the scripts where each
			shell finds them; the release archives carry them under completions/. To
			install one by hand:

			bash (needs the bash-completion package):

			    mkdir -p ~/.local/share/bash-completion/completions
			    hydra completion bash > ~/.local/share/bash-completion/completions/hydra

			or, for the current shell only: source <(hydra completion bash)

			zsh: write _hydra into a directory on $fpath, before compinit runs in ~/.zshrc:

			    mkdir -p ~/.zfunc && hydra completion zsh > ~/.zfunc/_hydra
			    # in ~/.zshrc: fpath=(~/.zfunc $fpath); autoload -U compinit; compinit

			fish:

			    hydra completion fish > ~/.config/fish/completions/hydra.fish

			powershell: add this line to your profile ($PROFILE):

			    hydra completion powershell | Out-String | Invoke-Expression

			Open a new shell for the completions to take effect.
		`),
		Example: text.Doc(`
			$ source <(hydra completion bash)
			$ hydra completion zsh > ~/.zfunc/_hydra
			$ hydra completion fish --no-descriptions > ~/.config/fish/completions/hydra.fish
		`),
		Args: cmdutil.ExactArgs(1, "one shell: "+strings.Join(Shells, ", ")),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return Shells, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(Shells, args[0]) {
				return cmdutil.FlagErrorf("unsupported shell %q: valid shells are %s", args[0], strings.Join(Shells, ", "))
			}
			opts.Shell = args[0]
			opts.Root = cmd.Root()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Generate(opts.Root, opts.Shell, opts.IO.Out, !opts.NoDescriptions)
		},
	}
	cmd.Flags().BoolVar(&opts.NoDescriptions, "no-descriptions", false, "Complete without the descriptions of flags and values")
	return cmd
}

// Generate writes root's completion script for shell to w. descriptions
// includes the descriptions of commands, flags and values where the shell
// can show them.
func Generate(root *cobra.Command, shell string, w io.Writer, descriptions bool) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, descriptions)
	case "zsh":
		if descriptions {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, descriptions)
	case "powershell":
		if descriptions {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return fmt.Errorf("unsupported shell %q: valid shells are %s", shell, strings.Join(Shells, ", "))
}
