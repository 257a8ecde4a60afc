// Package revoke implements "hydra login revoke": it ends a subject's login
// sessions, or one session by its ID.
package revoke

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin cmdutil.Admin

	// Subject ends every login session of this user; SessionID ends one
	// session instead.
	Subject   string
	SessionID string
}

// NewCmdRevoke builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "revoke (--subject <subject> | --sid <session-id>)",
		Short: "End a subject's login sessions, or one session",
		Long: text.Doc(`
			End login sessions, so that the next authorization request asks the
			user to log in again: every session of a subject (--subject), which
			logs the user out everywhere, or one session by its ID (--sid, the
			"sid" claim of an ID token), for which Hydra also performs OpenID
			Connect back-channel logout. --sid needs Hydra v2: Hydra v1 ends
			sessions by subject only.

			Tokens already issued stay valid: to revoke them, revoke the
			consents too ('hydra consent revoke').

			Hydra answers alike whether or not there was a session, and its admin
			API cannot list login sessions, so the confirmation on stderr says
			that the request was accepted, not that a session existed.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra login revoke --subject alice@example.com
			$ hydra login revoke --sid "$(hydra token decode "$ID_TOKEN" --format jsonpath=claims.sid)"
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case cmd.Flags().Changed("subject") && strings.TrimSpace(opts.Subject) == "",
				cmd.Flags().Changed("sid") && strings.TrimSpace(opts.SessionID) == "":
				return cmdutil.FlagErrorf("--subject and --sid must not be empty")
			case opts.Subject == "" && opts.SessionID == "":
				return cmdutil.FlagErrorf("name the sessions to end: --subject ID for all of a user's, or --sid ID for one")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.Flags().StringVar(&opts.Subject, "subject", "", "End every login session of this subject (user ID)")
	cmd.Flags().StringVar(&opts.SessionID, "sid", "", "End the login session with this ID")
	cmd.MarkFlagsMutuallyExclusive("subject", "sid")
	return cmd
}

func revokeRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	if err := client.RevokeLoginSessions(ctx, opts.Subject, opts.SessionID); err != nil {
		// Hydra v1 answers ?sid= with a bare 400 that names no way out.
		// The server's version is asked only then, so that the usual case
		// costs no request.
		var ae *api.Error
		if opts.SessionID != "" && errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest {
			if info := client.Server(ctx); info.Generation == api.V1 {
				ae.Advice = fmt.Sprintf("--sid needs Hydra v2, and the server is %s, which ends login sessions by subject only: pass --subject instead, which ends every login session of that user.", info.Name())
			}
		}
		return err
	}
	what := "every login session of subject " + opts.Subject
	if opts.SessionID != "" {
		what = "login session " + opts.SessionID
	}
	fmt.Fprintf(opts.IO.ErrOut, "Hydra ended %s, if there was any: it answers alike when there is none. Tokens already issued stay valid.\n", what)
	return nil
}
