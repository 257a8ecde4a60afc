package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// finishGrace is how long a replace under way at Ctrl-C or SIGTERM may
// still take: once its old relationship is deleted, stopping before the new
// one exists would leave the key untrusted. main ends the process one
// second after the signal (interruptGrace in cmd/hydra/main.go), and what
// happened must be printed before that.
var finishGrace = 600 * time.Millisecond

// apply carries out the plan: new keys first, then replacements, then
// deletions, so that a failure part-way leaves more trust in place rather
// than less. It stops at the first failure, and starts no step after
// Ctrl-C; a replace under way then gets finishGrace to end.
func apply(ctx context.Context, opts *Options, client *api.Client, res *Result) error {
	create := func(ctx context.Context, a *Action) error {
		expires, _ := time.Parse(time.RFC3339, a.ExpiresAt)
		req := api.TrustRequest{Issuer: opts.Issuer, Subject: opts.Subject, AllowAnySubject: opts.AllowAnySubject,
			Scope: opts.Scopes, JWK: a.key.JWK, ExpiresAt: expires}
		t, err := client.CreateTrust(ctx, req)
		if err != nil {
			return shared.CreateError(req, a.KID, err)
		}
		a.ID, a.ExpiresAt = t.ID, text.Stamp(t.ExpiresAt)
		return nil
	}
	for _, phase := range []string{ActionCreate, ActionReplace, ActionDelete} {
		for i := range res.Actions {
			a := &res.Actions[i]
			if a.Action != phase {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			switch phase {
			case ActionCreate:
				if err := create(ctx, a); err != nil {
					return fmt.Errorf("creating the relationship for key %q: %w", a.KID, err)
				}
				a.Done = true
			case ActionReplace:
				if err := replace(ctx, opts, client, a, create); err != nil {
					return err
				}
			case ActionDelete:
				if err := client.DeleteTrust(ctx, a.ID); err != nil {
					return fmt.Errorf("deleting the relationship %s for key %q: %w", a.ID, a.KID, shared.TrustError(a.ID, err))
				}
				a.Done = true
				// Hydra deleted the relationships that shared the key
				// with it (allowed by --force; see Plan).
				for _, o := range a.sharers {
					a.AlsoDeleted = append(a.AlsoDeleted, Sharer{ID: o.ID, Subject: o.Subject, AllowAnySubject: o.AllowAnySubject})
				}
			}
		}
	}
	// A step finished after Ctrl-C: all is done, but the run was
	// interrupted, and exits as such.
	return ctx.Err()
}

// replace deletes a relationship and creates its successor, since Hydra
// has no update and refuses a second relationship for the same issuer,
// subject and kid. Hydra's delete also takes the relationships of other
// subjects that share the key (see shared's data model): they are created
// again afterwards, with the same key, subject, scope and expiry.
func replace(ctx context.Context, opts *Options, client *api.Client, a *Action, create func(context.Context, *Action) error) error {
	fctx, done := cmdutil.Finishing(ctx, finishGrace)
	defer done()
	interrupted := func() string {
		if ctx.Err() != nil {
			return " (interrupted)"
		}
		return ""
	}
	if err := client.DeleteTrust(fctx, a.ReplacedID); err != nil {
		err = cutOffAsSuch(err)
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while deleting the relationship %s for key %q, to replace it: Hydra may have deleted it%s; run the sync again: %w", a.ReplacedID, a.KID, sharersClause(a.sharers, "and with it "), err)
		}
		return fmt.Errorf("replacing the relationship %s for key %q: deleting it: %w", a.ReplacedID, a.KID, shared.TrustError(a.ReplacedID, err))
	}
	a.Deleted = true
	if err := create(fctx, a); err != nil {
		err = cutOffAsSuch(err)
		return fmt.Errorf("replacing the relationship %s for key %q: it was deleted%s, but creating its successor failed%s, so Hydra no longer trusts this key for %s%s; run the sync again: %w",
			a.ReplacedID, a.KID, sharersClause(a.sharers, "with "), interrupted(), whose(opts.Subject, opts.AllowAnySubject), othersClause(a.sharers), err)
	}
	a.Done = true
	var lost []*api.Trust
	var firstErr error
	for _, o := range a.sharers {
		// Only what Hydra did delete is created again: a Hydra that
		// kept it (no cascade) answers 200.
		if _, err := client.GetTrust(fctx, o.ID); err == nil {
			continue
		}
		t, err := shared.Recreate(fctx, client, o, *a.key)
		if err != nil {
			err = cutOffAsSuch(err)
			lost = append(lost, o)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		a.Recreated = append(a.Recreated, Sharer{ReplacedID: o.ID, ID: t.ID, Subject: o.Subject, AllowAnySubject: o.AllowAnySubject})
	}
	if len(lost) > 0 {
		return fmt.Errorf("replacing the relationship %s for key %q: Hydra deleted %d relationships of other subjects with it, since they shared the key, and %d of them could not be created again%s, so Hydra no longer trusts this key for them: %s. Create each again with 'hydra trust create --issuer %s --kid %s' and its subject, scope and expiry: %w",
			a.ReplacedID, a.KID, len(a.sharers), len(lost), interrupted(), shared.DescribeAll(lost), printer.Printable(opts.Issuer), printer.Printable(a.KID), firstErr)
	}
	return nil
}

// errCutOff is a request of a replace that the end of finishGrace cut
// off: Hydra did not answer before the process had to exit. It is still a
// context.Canceled, so that the run exits 130, but its message is a
// sentence, not Go's `Post "URL": context canceled`.
type errCutOff struct{}

func (errCutOff) Error() string {
	return "Hydra did not answer before the interrupted run had to end"
}

func (errCutOff) Unwrap() error { return context.Canceled }

// cutOffAsSuch returns errCutOff for a request that the grace's end
// cancelled, and err otherwise.
func cutOffAsSuch(err error) error {
	if errors.Is(err, context.Canceled) {
		return errCutOff{}
	}
	return err
}

func whose(subject string, any bool) string {
	if any {
		return "any subject"
	}
	return fmt.Sprintf("subject %q", subject)
}

// sharersClause names the relationships that a delete took along, after
// prefix, for a message; "" when none.
func sharersClause(sharers []*api.Trust, prefix string) string {
	if len(sharers) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s%d relationships of other subjects that share its key: %s)", prefix, len(sharers), shared.DescribeAll(sharers))
}

func othersClause(sharers []*api.Trust) string {
	if len(sharers) == 0 {
		return ""
	}
	return ", nor for those other subjects"
}
