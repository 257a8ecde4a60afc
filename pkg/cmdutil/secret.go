package cmdutil

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
)

// Secret is a secret that can be given three ways: on argv (--NAME), from a
// file or stdin (--NAME-file FILE, where "-" is stdin), or from an
// environment variable. The environment is read only when the command runs,
// never as a flag default, so that --help cannot show it.
type Secret struct {
	// Flag is the flag's name, such as "client-secret".
	Flag string
	// Env is the environment variable read when neither flag is given.
	Env string

	Value string
	File  string

	// cmd is the command the flags belong to, to tell whether it has a
	// -q that silences the warning about argv.
	cmd *cobra.Command
}

// AddSecretFlags registers --NAME and --NAME-file on cmd.
func AddSecretFlags(cmd *cobra.Command, s *Secret, flag, env, what string) {
	s.Flag, s.Env, s.cmd = flag, env, cmd
	fl := cmd.Flags()
	fl.StringVar(&s.Value, flag, "", fmt.Sprintf("%s; prefer %s or --%s-file, since argv is visible to other users (env: %s)", what, env, flag, env))
	fl.StringVar(&s.File, flag+"-file", "", fmt.Sprintf("Read the %s from `file`, or from stdin when '-' (prompted for, unechoed, on a terminal); trailing white space is trimmed", strings.ToLower(what[:1])+what[1:]))
	cmd.MarkFlagsMutuallyExclusive(flag, flag+"-file")
}

// AddAccessTokenFlags registers --access-token and --access-token-file on
// cmd, with EnvAccessToken as the fallback: the bearer token for an admin API
// behind an authorizing proxy.
func AddAccessTokenFlags(cmd *cobra.Command, s *Secret) {
	AddSecretFlags(cmd, s, "access-token", EnvAccessToken, "Bearer token for an admin API behind an authorizing proxy")
}

// SecretSource says where a resolved secret came from.
type SecretSource int

const (
	SourceNone SecretSource = iota
	SourceArgv
	SourceFile
	SourceEnv
)

// Resolve returns the secret, reading the file or stdin when asked. The
// trailing newline of a file is trimmed. When the secret came from argv, a
// one-line warning goes to stderr unless quiet.
func (s *Secret) Resolve(f *Factory, quiet bool) (string, SecretSource, error) {
	switch {
	case s.Value != "":
		if !quiet {
			instead := "--" + s.Flag + "-file"
			if s.Env != "" {
				instead = s.Env + " or " + instead
			}
			silence := ""
			if s.cmd != nil && s.cmd.Flags().Lookup("quiet") != nil {
				silence = " (-q silences this)"
			}
			fmt.Fprintf(f.IOStreams.ErrOut, "warning: --%s puts the secret in argv, where other users of this machine can see it; use %s instead%s\n", s.Flag, instead, silence)
		}
		return s.Value, SourceArgv, nil
	case s.File != "":
		v, err := readSecret(f, s.File, strings.ReplaceAll(s.Flag, "-", " "))
		if err != nil {
			return "", SourceNone, fmt.Errorf("--%s-file: %w", s.Flag, err)
		}
		if v == "" {
			return "", SourceNone, fmt.Errorf("--%s-file %s is empty", s.Flag, s.File)
		}
		return v, SourceFile, nil
	case s.Env != "" && f.Getenv(s.Env) != "":
		return f.Getenv(s.Env), SourceEnv, nil
	}
	return "", SourceNone, nil
}

// ReadSecretFile reads a secret from path, or from stdin when path is "-",
// and trims trailing white space: the newline an editor or echo adds, a
// CRLF's carriage return, and stray spaces, none of which a secret ends in.
func ReadSecretFile(f *Factory, path string) (string, error) {
	var r io.Reader
	if path == "-" {
		r = f.IOStreams.In
	} else {
		file, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer file.Close()
		r = file
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return "", err
	}
	return strings.TrimRightFunc(string(b), unicode.IsSpace), nil
}

// readSecret is ReadSecretFile, except that from a terminal on stdin it
// prompts on stderr and reads one line without echo, so that a secret
// typed or pasted there is neither shown nor left on the screen. what
// names the secret in the prompt, such as "client secret".
func readSecret(f *Factory, path, what string) (string, error) {
	if path != "-" || !f.IOStreams.IsStdinTTY() {
		return ReadSecretFile(f, path)
	}
	v, err := f.IOStreams.ReadPassword(fmt.Sprintf("Enter the %s (input is hidden): ", what))
	if err != nil {
		return "", err
	}
	return strings.TrimRightFunc(v, unicode.IsSpace), nil
}
