// Package revoke implements "hydra consent revoke": it revokes the consent
// sessions a subject granted to one client, or to all of them, and the
// tokens issued under them.
package revoke

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/consent/list"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin cmdutil.Admin

	// Subject is the user whose consents are revoked.
	Subject string
	// ClientID is the client whose consents are revoked; All revokes them
	// for every client instead.
	ClientID string
	All      bool
}

// NewCmdRevoke builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "revoke --subject <subject> (--client-id <id> | --all)",
		Short: "Revoke the consent a subject granted to a client, or to all clients",
		Long: text.Doc(`
			Revoke the consent sessions that a subject (a user ID) granted to one
			client (--client-id), or to every client (--all), and with them every
			access and refresh token issued under those consents. The next
			authorization request of that client asks the user for consent again.

			Revoking for every client must be asked for with --all: an omitted
			client never means all of them. --client is the former spelling of
			--client-id, and still works.

			Hydra answers alike whether or not there was anything to revoke, so
			the command lists the subject's consent sessions before and after:
			it says how many were revoked, and fails if any is still listed.
			Confirmations go to stderr; nothing goes to stdout.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra consent revoke --subject alice@example.com --client-id my-app
			$ hydra consent revoke --subject alice@example.com --all
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Subject) == "" {
				return cmdutil.FlagErrorf("--subject is required: the user ID whose consents to revoke")
			}
			switch {
			case cmd.Flags().Changed("client-id") && strings.TrimSpace(opts.ClientID) == "":
				return cmdutil.FlagErrorf("--client-id is empty; to revoke the consents of every client, pass --all")
			case opts.ClientID == "" && !opts.All:
				return cmdutil.FlagErrorf("name the client with --client-id ID, or revoke the consents of every client with --all")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.Flags().StringVar(&opts.Subject, "subject", "", "The subject (user ID) whose consent sessions to revoke")
	cmd.Flags().StringVar(&opts.ClientID, "client-id", "", "Revoke the consents granted to the client with this `id` (--client works too)")
	cmdutil.FlagAlias(cmd, "client", "client-id")
	cmd.Flags().BoolVar(&opts.All, "all", false, "Revoke the consents granted to every client")
	cmd.MarkFlagsMutuallyExclusive("client-id", "all")
	opts.Admin.CompleteClientIDFlag(cmd, f, "client-id")
	return cmd
}

func revokeRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	before, _, err := client.ListAllConsentSessions(ctx, opts.Subject)
	if err != nil {
		return fmt.Errorf("listing the consent sessions before revoking: %w", err)
	}
	n := len(list.Filter(before, opts.ClientID))
	if err := client.RevokeConsentSessions(ctx, opts.Subject, opts.ClientID, opts.All); err != nil {
		return err
	}
	after, _, err := client.ListAllConsentSessions(ctx, opts.Subject)
	if err != nil {
		return fmt.Errorf("the revocation was sent, but listing the consent sessions to check it failed: %w", err)
	}
	what := "of subject " + opts.Subject
	if opts.ClientID != "" {
		what += " for client " + opts.ClientID
	}
	if left := len(list.Filter(after, opts.ClientID)); left > 0 {
		return fmt.Errorf("Hydra answered the revocation as a success, but still lists %d consent sessions %s", left, what)
	}
	if n == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: Hydra listed no consent session %s, before or after the revocation: check the subject and client ID\n", what)
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "Revoked %d consent sessions %s, and the tokens issued under them; Hydra lists none now.\n", n, what)
	return nil
}
