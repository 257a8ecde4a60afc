// Package cmdutil holds what every command shares: the Factory of
// dependencies, connection flags, secret flags, list flags, and the typed
// errors that map to exit codes.
package cmdutil

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/iostreams"
)

// Factory holds the dependencies that commands build lazily. It is wired
// once in cmd/hydra; tests build their own.
type Factory struct {
	// IOStreams carries all input and output.
	IOStreams *iostreams.IOStreams

	// Getenv reads the environment. Tests replace it, so that no test
	// depends on the environment it runs in.
	Getenv func(string) string

	// Browser opens URLs for the authorization code flow.
	Browser Browser

	// deferred holds the subcommands that AddSubcommands has not built
	// yet, by parent, while a command line's branch is being built.
	deferred map[*cobra.Command][]Subcommand
}

// Browser opens a URL for the user.
type Browser interface {
	Browse(url string) error
}

// New returns the Factory for a real process.
func New(ios *iostreams.IOStreams) *Factory {
	return &Factory{
		IOStreams: ios,
		Getenv:    os.Getenv,
		Browser:   &SystemBrowser{Getenv: os.Getenv, Stderr: ios.ErrOut},
	}
}
