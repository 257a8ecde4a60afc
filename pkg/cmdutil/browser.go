package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/pkg/browser"
)

// EnvBrowser names the browser command, as in gh, git and xdg-open.
const EnvBrowser = "BROWSER"

// SystemBrowser opens URLs with the command in $BROWSER, or else with the
// desktop's opener through github.com/pkg/browser. Whatever the browser
// command prints goes to Stderr, never to stdout, which carries only results.
type SystemBrowser struct {
	Getenv func(string) string
	Stderr io.Writer
}

// Browse opens url. It returns when the browser command exits: for most
// openers that is at once, for a browser run in the foreground it is when
// that browser closes, so callers run it beside their own work.
func (b *SystemBrowser) Browse(url string) error {
	if env := strings.TrimSpace(b.Getenv(EnvBrowser)); env != "" {
		return b.runEnv(env, url)
	}
	// pkg/browser writes the opener's output to os.Stdout by default.
	browser.Stdout = b.Stderr
	browser.Stderr = b.Stderr
	return browser.OpenURL(url)
}

// runEnv runs $BROWSER: a colon-separated list of commands, each with
// arguments separated by spaces, where %s stands for the URL (else the URL
// is the last argument). The first command that succeeds wins.
func (b *SystemBrowser) runEnv(env, url string) error {
	var errs []error
	for _, entry := range strings.Split(env, ":") {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		args, placed := fields[1:], false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i], placed = strings.ReplaceAll(a, "%s", url), true
			}
		}
		if !placed {
			args = append(args, url)
		}
		cmd := exec.Command(fields[0], args...)
		cmd.Stdout, cmd.Stderr = b.Stderr, b.Stderr
		if err := cmd.Run(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fields[0], err))
			continue
		}
		return nil
	}
	if len(errs) == 0 {
		return fmt.Errorf("$%s names no command", EnvBrowser)
	}
	return fmt.Errorf("$%s: %w", EnvBrowser, errors.Join(errs...))
}
