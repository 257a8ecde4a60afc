// Package revoke implements "hydra consent revoke": it revokes the consent
// sessions a subject granted to one client, or to all of them, and the
// tokens issued under them.
package revoke

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
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
	// ConsentRequestID revokes the one consent session of that consent
	// request instead (Hydra v25.4 and later).
	ConsentRequestID string
}

// NewCmdRevoke builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "revoke --subject <subject> (--client-id <id> | --all | --consent-request-id <id>)",
		Short: "Revoke the consent a subject granted to a client, or to all clients",
		Long: text.Doc(`
			Revoke the consent sessions that a subject (a user ID) granted to one
			client (--client-id), or to every client (--all), and with them every
			access and refresh token issued under those consents. The next
			authorization request of that client asks the user for consent again.

			Revoking for every client must be asked for with --all: an omitted
			client never means all of them. --client is the former spelling of
			--client-id, and still works.

			--consent-request-id revokes one consent session, as "consent list"
			shows its CONSENT REQUEST ID, and the tokens issued under it. Hydra
			v25.4 and later serve this; the command refuses older servers.

			Hydra answers alike whether or not there was anything to revoke, so
			the command lists the subject's consent sessions before and after:
			it says how many were revoked, and fails if any is still listed.
			Confirmations go to stderr; nothing goes to stdout.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra consent revoke --subject alice@example.com --client-id my-app
			$ hydra consent revoke --subject alice@example.com --all
			$ hydra consent revoke --subject alice@example.com --consent-request-id 8f23579e804e4d2e
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Subject) == "" {
				return cmdutil.FlagErrorf("--subject is required: the user ID whose consents to revoke")
			}
			switch {
			case cmd.Flags().Changed("consent-request-id") && strings.TrimSpace(opts.ConsentRequestID) == "":
				return cmdutil.FlagErrorf("--consent-request-id is empty: give the ID that \"consent list\" shows")
			case opts.ConsentRequestID != "":
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
	cmd.Flags().StringVar(&opts.ConsentRequestID, "consent-request-id", "", "Revoke only the consent session of this consent request `id` (Hydra v25.4 and later)")
	cmd.MarkFlagsMutuallyExclusive("client-id", "all", "consent-request-id")
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
	if opts.ConsentRequestID != "" {
		return revokeOne(ctx, opts, client, before)
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

// revokeOne revokes the consent session of opts.ConsentRequestID, which
// before, the subject's sessions, must list: Hydra answers 204 whether or
// not there was one. It refuses a server older than Hydra v25.4, and checks
// afterwards that the one session, and no other, is gone.
func revokeOne(ctx context.Context, opts *Options, client *api.Client, before []*api.ConsentSession) error {
	id := opts.ConsentRequestID
	info := client.Server(ctx)
	since := api.RevokeConsentSessionSince
	if major, minor, ok := info.Release(); (ok && (major < since[0] || major == since[0] && minor < since[1])) || info.Generation == api.V1 {
		return fmt.Errorf("revoking one consent session by --consent-request-id needs Hydra v%d.%d or later, but the admin API at %s is %s; nothing was revoked: revoke by --client-id or --all instead",
			since[0], since[1], api.StripQuery(client.BaseURL), info.Name())
	}
	target := -1
	for i, s := range before {
		if s.ConsentRequestID == id {
			target = i
			break
		}
	}
	named := slices.ContainsFunc(before, func(s *api.ConsentSession) bool { return s.ConsentRequestID != "" })
	if target < 0 && len(before) > 0 && !named {
		// A build from source names no release: its list tells.
		return fmt.Errorf("revoking one consent session by --consent-request-id needs Hydra v%d.%d or later, but the admin API at %s lists consent sessions without their consent request IDs, as older releases do; nothing was revoked: revoke by --client-id or --all instead",
			since[0], since[1], api.StripQuery(client.BaseURL))
	}
	if target < 0 {
		return fmt.Errorf("Hydra lists no consent session of subject %s with consent request ID %s, so nothing was revoked: \"consent list --subject %s\" shows the IDs",
			opts.Subject, id, opts.Subject)
	}
	if err := client.RevokeConsentSession(ctx, id); err != nil {
		return err
	}
	after, _, err := client.ListAllConsentSessions(ctx, opts.Subject)
	if err != nil {
		return fmt.Errorf("the revocation was sent, but listing the consent sessions to check it failed: %w", err)
	}
	for _, s := range after {
		if s.ConsentRequestID == id {
			return fmt.Errorf("Hydra answered the revocation as a success, but still lists the consent session %s of subject %s", id, opts.Subject)
		}
	}
	if gone := len(before) - 1 - len(after); gone > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %d other consent sessions of subject %s are no longer listed either\n", gone, opts.Subject)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Revoked consent session %s of subject %s for client %s, and the tokens issued under it; Hydra lists it no more.\n",
		id, opts.Subject, before[target].ClientID())
	return nil
}
