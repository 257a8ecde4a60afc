// Package list implements "hydra consent list": the consent sessions a
// subject granted, from Hydra's admin API.
package list

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format

	// Subject is the user whose consents are listed.
	Subject string
	// ClientID, when set, keeps only the consents granted to this client.
	ClientID string
}

// NewCmdList builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "list --subject <subject>",
		Short: "List the consent sessions a subject granted",
		Long: text.Doc(`
			List the consents that a subject (a user ID) granted to OAuth 2.0
			clients: the client, the scopes and audiences granted, when, and
			until when Hydra remembers the consent ("never expires" when it does for
			good, "not remembered" when the user is asked each time).

			The default is a table; --format json prints the admin API's
			consent sessions as sent, in one JSON array.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra consent list --subject alice@example.com
			$ hydra consent list --subject alice@example.com --client-id my-app --format json
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			if strings.TrimSpace(opts.Subject) == "" {
				return cmdutil.FlagErrorf("--subject is required: the user ID whose consents to list")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.Flags().StringVar(&opts.Subject, "subject", "", "The subject (user ID) whose consent sessions to list")
	cmd.Flags().StringVar(&opts.ClientID, "client-id", "", "List only the consents granted to the client with this `id` (--client works too)")
	cmdutil.FlagAlias(cmd, "client", "client-id")
	opts.Admin.CompleteClientIDFlag(cmd, f, "client-id")
	cmdutil.AddFormatFlag(cmd, &format, "a table")
	return cmd
}

func listRun(ctx context.Context, opts *Options) error {
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	all, total, err := client.ListAllConsentSessions(ctx, opts.Subject)
	if err != nil {
		return err
	}
	if total > len(all) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: Hydra counts %d consent sessions of %s but listed %d\n", total, opts.Subject, len(all))
	}
	sessions := Filter(all, opts.ClientID)
	if len(sessions) == 0 {
		what := ""
		if opts.ClientID != "" {
			what = " for client " + opts.ClientID
		}
		fmt.Fprintf(opts.IO.ErrOut, "no consent sessions of subject %s%s\n", opts.Subject, what)
	}
	if opts.Format.Name == "" {
		opts.Format.Name = printer.Table
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, s := range sessions {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(s.Raw)
	}
	b.WriteByte(']')
	p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
	return p.Print(opts.IO.Out, b.Bytes(), func() printer.TableData { return Table(sessions, time.Now()) })
}

// Filter keeps the sessions granted to clientID, or all when it is empty.
func Filter(sessions []*api.ConsentSession, clientID string) []*api.ConsentSession {
	if clientID == "" {
		return sessions
	}
	var out []*api.ConsentSession
	for _, s := range sessions {
		if s.ClientID() == clientID {
			out = append(out, s)
		}
	}
	return out
}

// Table is the table view of consent sessions.
func Table(sessions []*api.ConsentSession, now time.Time) printer.TableData {
	t := printer.TableData{Headers: []string{"CLIENT ID", "CLIENT NAME", "SCOPE", "AUDIENCE", "GRANTED AT", "REMEMBERED UNTIL"}}
	// Hydra v25.4 and later name each session's consent request, by which
	// "consent revoke --consent-request-id" revokes it alone; older servers
	// name none, and the column is left out.
	withID := slices.ContainsFunc(sessions, func(s *api.ConsentSession) bool { return s.ConsentRequestID != "" })
	if withID {
		t.Headers = append(t.Headers, "CONSENT REQUEST ID")
	}
	for _, s := range sessions {
		granted := text.Stamp(s.HandledAt)
		row := []string{
			s.ClientID(), s.Request.Client.ClientName, strings.Join(s.GrantScope, " "), strings.Join(s.GrantAudience, ","),
			granted, rememberedUntil(s, now),
		}
		if withID {
			row = append(row, s.ConsentRequestID)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func rememberedUntil(s *api.ConsentSession, now time.Time) string {
	switch {
	case !s.Remember:
		return "not remembered"
	case s.RememberFor <= 0:
		return "never expires"
	case s.HandledAt.IsZero():
		return fmt.Sprintf("%ds after it was granted", s.RememberFor)
	}
	until := s.HandledAt.Add(time.Duration(s.RememberFor) * time.Second).UTC()
	if until.Before(now) {
		return until.Format(time.RFC3339) + " (expired)"
	}
	return until.Format(time.RFC3339)
}
