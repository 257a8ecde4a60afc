// Package cmdutil holds what every command shares: the Factory of
// dependencies, connection flags, secret flags, list flags, and the typed
// errors that map to exit codes.
package cmdutil

import (
	"os"
	"sync"

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

	// warned records the warnings given once per run (see firstTime),
	// under warnedMu. A copy of the Factory made after the first warning
	// shares it.
	warned map[string]bool

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

// warnedMu guards the warned sets of every Factory: a lock held for a map
// lookup, taken a few times a run.
var warnedMu sync.Mutex

// firstTime reports whether key is seen for the first time in this run,
// for warnings given once: a command that connects to one host through
// several clients warns once.
func (f *Factory) firstTime(key string) bool {
	warnedMu.Lock()
	defer warnedMu.Unlock()
	if f.warned[key] {
		return false
	}
	if f.warned == nil {
		f.warned = map[string]bool{}
	}
	f.warned[key] = true
	return true
}
