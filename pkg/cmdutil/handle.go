package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// HandleError prints err, if any, on w in the way its type calls for, and
// returns the exit code. It is the one place that maps errors to exit codes.
func HandleError(w io.Writer, cmd *cobra.Command, err error) int {
	if err == nil {
		return ExitOK
	}
	err = AsUsageError(err)
	code := ExitCodeOf(err)
	switch {
	case errors.Is(err, ErrSilent):
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "interrupted")
	case code == ExitUsage:
		fmt.Fprintf(w, "error: %s\n", err)
		path := "hydra"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", path)
	default:
		fmt.Fprintf(w, "error: %s\n", err)
	}
	return code
}

// AsUsageError returns err as a usage error when it is one that cobra
// reports as a plain error: an unknown command, a wrong number of
// arguments, flags used together that exclude each other. Tests that run
// commands call it too, so that they see what main sees.
func AsUsageError(err error) error {
	var flagErr *FlagError
	if err == nil || errors.As(err, &flagErr) || !isCobraUsageError(err) {
		return err
	}
	return FlagErrorWrap(plainCobraError(err))
}

func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command ", "unknown flag", "unknown shorthand flag", "invalid argument ", "accepts ", "requires at least ", "flag needs an argument", "if any flags in the group", "required flag"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, "mutually exclusive") {
			return true
		}
	}
	return false
}

// plainCobraError rewords cobra's message for mutually exclusive flags,
// "if any flags in the group [a b] are set none of the others can be; [a b]
// were all set", as "give only one of --a and --b". The pattern is compiled
// here, on the error path, rather than at start-up.
func plainCobraError(err error) error {
	exclusive := regexp.MustCompile(`^if any flags in the group \[[^\]]*\] are set none of the others can be; \[([^\]]*)\] were all set$`)
	m := exclusive.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	flags := strings.Fields(m[1])
	for i, f := range flags {
		flags[i] = "--" + f
	}
	return fmt.Errorf("give only one of %s", strings.Join(flags, " and "))
}
