// Package shared holds what the "hydra trust" commands share: the table
// view of trust relationships, their errors, the walk over every page, ID
// completion, the issuer's keys, and lifetimes.
package shared

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// All fetches every trust relationship, of one issuer when issuer is set,
// following the next-page tokens (api.Pages, with its limits).
func All(ctx context.Context, client *api.Client, issuer string) ([]*api.Trust, error) {
	return api.Collect(client.AllTrusts(ctx, issuer))
}

// Subject is how a trust relationship's subject shows in tables and
// messages: "(any)" for one that allows any subject.
func Subject(t *api.Trust) string {
	if t.AllowAnySubject {
		return "(any)"
	}
	return t.Subject
}

// Table is the table view of trust relationships.
func Table(trusts []*api.Trust) printer.TableData {
	t := printer.TableData{Headers: []string{"ID", "ISSUER", "SUBJECT", "KEY ID", "SCOPE", "EXPIRES"}}
	for _, tr := range trusts {
		expires := text.Stamp(tr.ExpiresAt)
		if expires != "" {
			if tr.ExpiresAt.Before(time.Now()) {
				expires += " (expired)"
			}
		}
		t.Rows = append(t.Rows, []string{tr.ID, tr.Issuer, Subject(tr), tr.PublicKey.KID, strings.Join(tr.Scope, " "), expires})
	}
	return t
}

// Trusts is how trust relationships print: their JSON as the server sent
// it, the ID for -q/--quiet, and Table.
var Trusts = printer.Kind[*api.Trust]{
	Raw:   func(t *api.Trust) []byte { return t.Raw },
	ID:    func(t *api.Trust) string { return t.ID },
	Table: Table,
}

// CheckIDs rejects an empty ID or one with a "/", which no request path can
// carry to Hydra.
func CheckIDs(ids []string) error {
	for _, id := range ids {
		switch {
		case strings.TrimSpace(id) == "":
			return cmdutil.FlagErrorf("a trust relationship ID must not be empty")
		case strings.Contains(id, "/"):
			return cmdutil.FlagErrorf("trust relationship ID %q contains a /, which Hydra's admin API cannot address", id)
		}
	}
	return nil
}

// TrustError rewords the admin API's answers about one trust relationship:
// a missing one is named, with what to do. Other errors pass through.
func TrustError(id string, err error) error {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	// A 404 without a JSON error body is a wrong endpoint, which
	// api.Error already explains.
	if apiErr.StatusCode == http.StatusNotFound && (apiErr.Code != "" || apiErr.Description != "") {
		return fmt.Errorf("no trust relationship with ID %q: %w\nList them with 'hydra trust list'", id, err)
	}
	return err
}

// CreateError rewords the admin API's refusal of a new trust relationship.
func CreateError(r api.TrustRequest, kid string, err error) error {
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict {
		who := fmt.Sprintf("subject %q", r.Subject)
		if r.AllowAnySubject {
			who = "any subject"
		}
		return fmt.Errorf("Hydra already trusts key %q of issuer %s for %s: %w\nSee it with '%s'; to change its scope or lifetime, delete it first, or let 'hydra trust sync' replace it", kid, r.Issuer, who, err, text.Command("hydra", "trust", "list", "--issuer", r.Issuer))
	}
	return err
}

// CompleteIDs completes trust relationship IDs through the admin
// connection, with the issuer, subject and key ID as the description.
func CompleteIDs(f *cmdutil.Factory, a *cmdutil.Admin) cobra.CompletionFunc {
	return a.CompleteWith(f, func(ctx context.Context, c *api.Client, args []string, toComplete string) []cobra.Completion {
		page, err := c.ListTrusts(ctx, api.ListTrustsOptions{PageSize: 500})
		if err != nil {
			return nil
		}
		var out []cobra.Completion
		for _, t := range page.Trusts {
			if !strings.HasPrefix(t.ID, toComplete) || slices.Contains(args, t.ID) || printer.Printable(t.ID) != t.ID {
				continue
			}
			desc := printer.Printable(fmt.Sprintf("%s %s %s", t.Issuer, Subject(t), t.PublicKey.KID))
			out = append(out, cobra.CompletionWithDesc(t.ID, desc))
		}
		return out
	})
}
