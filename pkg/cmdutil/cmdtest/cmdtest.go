// Package cmdtest runs commands in tests the way the root command and main
// run them, so that each command's tests need not rebuild that harness.
package cmdtest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// Factory returns a Factory whose streams are buffers and whose environment
// is env and nothing else, so that no test depends on the environment it
// runs in. It returns the buffers of stdin, stdout and stderr too. A nil env
// is an empty environment.
func Factory(env map[string]string) (f *cmdutil.Factory, stdin, stdout, stderr *bytes.Buffer) {
	ios, stdin, stdout, stderr := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}, stdin, stdout, stderr
}

// Run executes cmd with args as the root command would: a flag that cobra
// cannot parse is a usage error, and cobra prints neither the error nor the
// usage text, since main prints errors itself. It returns the command's
// error. Anything else cobra writes, such as help, goes to cmd's output as
// set before the call.
func Run(cmd *cobra.Command, args ...string) error {
	_, err := cmdutil.ExecuteC(context.Background(), cmd, args)
	return err
}

// Options runs args through the command that newCmd builds, in the
// environment env, and returns the options that would reach its run
// function, or the error that stopped them first. newCmd is a command's
// NewCmdX constructor.
func Options[O any](newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, env map[string]string, args ...string) (*O, error) {
	f, _, _, _ := Factory(env)
	var got *O
	err := Run(newCmd(f, func(_ context.Context, o *O) error {
		got = o
		return nil
	}), args...)
	return got, err
}

// WantUsageError stops the test unless err is a usage error, one that
// exits 2, whose message contains substr.
func WantUsageError(t testing.TB, err error, substr string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), substr) || cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
		t.Fatalf("err = %v, want a usage error with %q", err, substr)
	}
}

// ArgvCase is one row of an argv → options table: a command line, and
// either a check of the options it gives or the usage error it must fail
// with.
type ArgvCase[O any] struct {
	Argv    string
	Check   func(t *testing.T, o *O)
	WantErr string
}

// RunArgvCases runs each case through the command that newCmd builds, in an
// empty environment, as a subtest named after its command line.
func RunArgvCases[O any](t *testing.T, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command, cases []ArgvCase[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Argv, func(t *testing.T) {
			got, err := Options(newCmd, nil, strings.Fields(tc.Argv)...)
			if tc.WantErr != "" {
				WantUsageError(t, err, tc.WantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.Check(t, got)
		})
	}
}
