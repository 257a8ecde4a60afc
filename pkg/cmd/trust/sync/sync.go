// Package sync implements "hydra trust sync": it makes Hydra's trust
// relationships for one issuer and subject match the keys the issuer
// publishes now, so that its key rotations need no hand work.
package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// DefaultLifetime is the default of --expires-in.
const DefaultLifetime = 30 * 24 * time.Hour

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format

	// Issuer is the iss of the issuer's tokens; its OpenID discovery
	// document names its keys, unless JWKSURL does.
	Issuer  string
	JWKSURL string

	Subject         string
	AllowAnySubject bool
	Scopes          []string

	// ExpiresIn is the lifetime of the relationships created.
	ExpiresIn time.Duration
	// RenewBefore replaces a relationship that expires within this long.
	RenewBefore time.Duration

	// Prune deletes the relationships whose key the issuer no longer
	// publishes.
	Prune bool
	// DryRun prints the plan and changes nothing.
	DryRun bool
	// Force lets a prune delete a key that relationships of other
	// subjects share, which Hydra deletes with it.
	Force bool
}

// NewCmdSync builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdSync(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	var rel shared.RelationshipFlags
	var renewBefore string

	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Make Hydra trust an issuer's current keys",
		Long: text.Docf(`
			Make Hydra's trust relationships for one issuer and subject match the
			keys that the issuer publishes now, so that a CI system's key rotation
			needs no hand work. Run it from cron or CI: it is idempotent.

			The keys come from the issuer's OpenID discovery document
			(--issuer + /.well-known/openid-configuration, whose jwks_uri names
			them), or from --jwks-url. Signing keys with a kid are taken; others
			are named on stderr and left out.

			For each key:
			  create   a relationship, when Hydra has none for its kid;
			  replace  it (delete, then create), when its scope differs from --scope
			           or it expires within --renew-before (default: half of
			           --expires-in); Hydra has no update;
			  keep     it otherwise.
			A relationship whose key the issuer no longer publishes is deleted with
			--prune, and otherwise kept and named. An issuer that publishes no
			usable key is an error, and nothing is deleted.

			Relationships are matched by issuer, subject (or --allow-any-subject)
			and kid, since Hydra returns no key material: an issuer that reuses a
			kid for a new key is not noticed.

			Hydra stores one key per issuer and kid, shared by the relationships
			of every subject that name them, and deleting any of them deletes the
			key and all of them. Relationships of other subjects are kept: a
			replace creates those that shared the key again, with their subject,
			scope and expiry, and names each on stderr with its new ID. A prune
			leaves a key that other subjects' relationships share, and exits 1,
			unless --force, which lets Hydra delete theirs too.

			Ctrl-C or SIGTERM starts no new step; a replace under way is finished
			if Hydra answers in time, and otherwise stderr says what was deleted.

			--dry-run prints the plan and changes nothing. A summary goes to
			stderr; with --format, the plan or outcome is printed on stdout as
			data. The requests for the issuer's keys carry no -H header.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra trust sync --issuer https://token.actions.githubusercontent.com \
			    --subject repo:octo-org/app:ref:refs/heads/main --scope deploy --prune
			$ hydra trust sync --issuer https://gitlab.com --subject project_path:grp/app:ref_type:branch:ref:main \
			    --scope deploy --expires-in 30d --dry-run --format json
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			opts.Issuer, opts.Subject, opts.AllowAnySubject = rel.Issuer, rel.Subject, rel.AllowAnySubject
			if opts.Issuer == "" {
				return cmdutil.FlagErrorf("--issuer is required: the iss of the issuer's tokens, such as https://token.actions.githubusercontent.com")
			}
			if _, err := shared.CheckURL("--issuer", opts.Issuer); err != nil && opts.JWKSURL == "" {
				return cmdutil.FlagErrorf("--issuer %s is not a URL to discover keys from: pass --jwks-url", api.RedactURL(opts.Issuer))
			}
			if opts.JWKSURL != "" {
				if _, err := shared.CheckURL("--jwks-url", opts.JWKSURL); err != nil {
					return err
				}
			}
			if err := rel.CheckSubject("the tokens"); err != nil {
				return err
			}
			opts.ExpiresIn = DefaultLifetime
			if rel.ExpiresIn != "" {
				if opts.ExpiresIn, err = shared.ParseLifetime("--expires-in", rel.ExpiresIn); err != nil {
					return err
				}
			}
			opts.RenewBefore = opts.ExpiresIn / 2
			if renewBefore != "" {
				if opts.RenewBefore, err = shared.ParseLifetime("--renew-before", renewBefore); err != nil {
					return err
				}
				if opts.RenewBefore >= opts.ExpiresIn {
					return cmdutil.FlagErrorf("--renew-before (%s) must be shorter than --expires-in (%s), or every run would replace every relationship", opts.RenewBefore, opts.ExpiresIn)
				}
			}
			opts.Scopes = rel.ScopeList()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return syncRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "a summary on stderr only")
	fl := cmd.Flags()
	shared.AddRelationshipFlags(cmd, &rel, shared.RelationshipUsage{
		Of:        "the tokens",
		Issuer:    "The issuer: its tokens' iss `URL`, whose discovery document names its keys",
		ExpiresIn: "Lifetime of the relationships created, such as 720h or 30d (default 30d)",
	})
	fl.StringVar(&opts.JWKSURL, "jwks-url", "", "Take the keys from this `URL` instead of the discovery document")
	fl.StringVar(&renewBefore, "renew-before", "", "Replace a relationship that expires within this `duration` (default: half of --expires-in)")
	fl.BoolVar(&opts.Prune, "prune", false, "Delete the relationships whose key the issuer no longer publishes")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Print the plan and change nothing")
	fl.BoolVar(&opts.Force, "force", false, "Let --prune delete a key that other subjects' relationships share; Hydra deletes theirs with it")
	return cmd
}

// The actions of a plan.
const (
	ActionCreate  = "create"
	ActionReplace = "replace"
	ActionKeep    = "keep"
	ActionDelete  = "delete"
	// ActionStale is a relationship whose key is gone, kept without
	// --prune.
	ActionStale = "stale"
)

// Action is one step of the plan, and, once done, its outcome.
type Action struct {
	Action string `json:"action"`
	KID    string `json:"kid"`
	// ID is the relationship: the existing one, or the new one once
	// created.
	ID string `json:"id,omitempty"`
	// ReplacedID is the relationship a replace deleted.
	ReplacedID string `json:"replaced_id,omitempty"`
	ExpiresAt  string `json:"expires_at,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Done says whether the step was carried out.
	Done bool `json:"done"`
	// Deleted says that a replace deleted the old relationship, even if
	// its successor could not be created.
	Deleted bool `json:"deleted,omitempty"`
	// SharedWith are the relationships of other subjects that share the
	// key: Hydra deletes them with this one (see shared's data model).
	SharedWith []string `json:"shared_with,omitempty"`
	// Recreated are those a replace created again, each with its new ID.
	Recreated []Sharer `json:"recreated,omitempty"`
	// AlsoDeleted are those a --force prune deleted with this one.
	AlsoDeleted []Sharer `json:"also_deleted,omitempty"`

	key     *shared.Key
	sharers []*api.Trust
	// blocked marks a prune left undone because of sharers, without
	// --force.
	blocked bool
}

// Sharer is a relationship of another subject that shares a key.
type Sharer struct {
	// ReplacedID is its old ID, when it was created again as ID.
	ReplacedID      string `json:"replaced_id,omitempty"`
	ID              string `json:"id"`
	Subject         string `json:"subject,omitempty"`
	AllowAnySubject bool   `json:"allow_any_subject,omitempty"`
}

// Result is the plan and what became of it.
type Result struct {
	Issuer          string   `json:"issuer"`
	Subject         string   `json:"subject,omitempty"`
	AllowAnySubject bool     `json:"allow_any_subject"`
	Scope           []string `json:"scope"`
	JWKSURL         string   `json:"jwks_url"`
	DryRun          bool     `json:"dry_run"`
	Actions         []Action `json:"actions"`
}

func syncRun(ctx context.Context, opts *Options) error {
	fetcher, err := shared.NewFetcher(opts.Factory, opts.Admin.Conn)
	if err != nil {
		return err
	}
	var jwksURL *url.URL
	source := "--jwks-url"
	if opts.JWKSURL != "" {
		jwksURL, _ = shared.CheckURL("--jwks-url", opts.JWKSURL)
	} else {
		if jwksURL, err = fetcher.Discover(ctx, opts.Issuer); err != nil {
			return err
		}
		source = "the discovery document's jwks_uri (or pass --jwks-url)"
	}
	keys, skipped, err := fetcher.JWKS(ctx, jwksURL, source)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s: left out %s\n", api.StripQuery(jwksURL), s)
	}
	if len(keys) == 0 {
		return fmt.Errorf("%s holds no signing key with a kid: nothing to trust, and nothing was changed", api.StripQuery(jwksURL))
	}
	if opts.AllowAnySubject {
		if w := shared.AnySubjectWarning(opts.Issuer); w != "" {
			fmt.Fprintln(opts.IO.ErrOut, w)
		}
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	existing, err := shared.All(ctx, client, opts.Issuer)
	if err != nil {
		return err
	}
	res := &Result{
		Issuer: opts.Issuer, Subject: opts.Subject, AllowAnySubject: opts.AllowAnySubject,
		Scope: append([]string{}, opts.Scopes...), JWKSURL: api.StripQuery(jwksURL), DryRun: opts.DryRun,
	}
	res.Actions = Plan(opts, keys, existing, time.Now())
	if !opts.DryRun {
		err = apply(ctx, opts, client, res)
		if err == nil {
			err = blockedPrunes(res)
		}
	}
	summarize(opts.IO.ErrOut, res)
	if err != nil && errors.Is(err, context.Canceled) && err != ctx.Err() {
		// main prints only "interrupted" for Ctrl-C, and what was
		// deleted must not go unsaid.
		fmt.Fprintf(opts.IO.ErrOut, "error: %s\n", err)
	}
	if opts.Format.Name != "" {
		raw, merr := json.Marshal(res)
		if merr != nil {
			return merr
		}
		p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
		if perr := p.Print(opts.IO.Out, raw, func() printer.TableData { return table(res) }); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}

// Plan decides what to do with each key and each matching relationship.
// Relationships of other subjects are not touched: Hydra deletes those that
// share the key of a relationship deleted here, so a replace creates them
// again, and a prune leaves such a key alone unless --force.
func Plan(opts *Options, keys []shared.Key, existing []*api.Trust, now time.Time) []Action {
	mine := map[string]*api.Trust{}
	var order []*api.Trust
	for _, t := range existing {
		if t.Issuer != opts.Issuer || t.AllowAnySubject != opts.AllowAnySubject || (!opts.AllowAnySubject && t.Subject != opts.Subject) {
			continue
		}
		if _, dup := mine[t.PublicKey.KID]; !dup {
			mine[t.PublicKey.KID] = t
			order = append(order, t)
		}
	}
	expires := now.Add(opts.ExpiresIn).Truncate(time.Second)
	var actions []Action
	published := map[string]bool{}
	for i := range keys {
		k := &keys[i]
		published[k.KID] = true
		t := mine[k.KID]
		switch {
		case t == nil:
			actions = append(actions, Action{Action: ActionCreate, KID: k.KID, ExpiresAt: text.Stamp(expires), Reason: "new key", key: k})
		case !sameScopes(t.Scope, opts.Scopes):
			actions = append(actions, withSharers(Action{Action: ActionReplace, KID: k.KID, ReplacedID: t.ID, ExpiresAt: text.Stamp(expires),
				Reason: fmt.Sprintf("scope %q, want %q", strings.Join(t.Scope, " "), strings.Join(opts.Scopes, " ")), key: k}, t, existing))
		case t.ExpiresAt.Before(now.Add(opts.RenewBefore)):
			actions = append(actions, withSharers(Action{Action: ActionReplace, KID: k.KID, ReplacedID: t.ID, ExpiresAt: text.Stamp(expires),
				Reason: "expires at " + text.Stamp(t.ExpiresAt), key: k}, t, existing))
		default:
			actions = append(actions, Action{Action: ActionKeep, KID: k.KID, ID: t.ID, ExpiresAt: text.Stamp(t.ExpiresAt)})
		}
	}
	for _, t := range order {
		if published[t.PublicKey.KID] {
			continue
		}
		a := withSharers(Action{Action: ActionStale, KID: t.PublicKey.KID, ID: t.ID, ExpiresAt: text.Stamp(t.ExpiresAt), Reason: "the issuer no longer publishes this key; --prune deletes it"}, t, existing)
		switch {
		case opts.Prune && len(a.sharers) > 0 && !opts.Force:
			// Its key cannot be created again, since the issuer no
			// longer publishes it.
			a.blocked = true
			a.Reason = fmt.Sprintf("the issuer no longer publishes this key, but %d relationships of other subjects share it, and Hydra would delete them with it: %s; --force deletes them too",
				len(a.sharers), shared.DescribeAll(a.sharers))
		case opts.Prune:
			a.Action, a.Reason = ActionDelete, "the issuer no longer publishes this key"
		}
		actions = append(actions, a)
	}
	return actions
}

// withSharers records the relationships of other subjects that share t's
// key, which Hydra deletes with t.
func withSharers(a Action, t *api.Trust, existing []*api.Trust) Action {
	a.sharers = shared.Sharers(t, existing)
	for _, o := range a.sharers {
		a.SharedWith = append(a.SharedWith, o.ID)
	}
	return a
}

func sameScopes(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// blockedPrunes is the error for the relationships --prune left in place
// because relationships of other subjects share their key.
func blockedPrunes(res *Result) error {
	var kids []string
	for _, a := range res.Actions {
		if a.blocked {
			kids = append(kids, fmt.Sprintf("%q", a.KID))
		}
	}
	if len(kids) == 0 {
		return nil
	}
	return fmt.Errorf("not pruned: key %s, which relationships of other subjects share: Hydra would delete theirs too. Pass --force to delete them all", strings.Join(kids, ", "))
}

// summarize writes one line per step and a count, for people and CI logs.
func summarize(w io.Writer, res *Result) {
	who := fmt.Sprintf("subject %q", res.Subject)
	if res.AllowAnySubject {
		who = "any subject"
	}
	counts := map[string]int{}
	var b strings.Builder
	for _, a := range res.Actions {
		verb := a.Action
		switch {
		case a.Action == ActionKeep:
			verb = "kept"
		case a.Action == ActionStale:
			verb = "kept stale"
		case a.Action == ActionReplace && a.Deleted && !a.Done:
			verb = "deleted, not replaced,"
		case a.Done:
			verb += "d"
		case res.DryRun:
			verb = "would " + verb
		default:
			verb = "not " + verb + "d"
		}
		counts[a.Action]++
		fmt.Fprintf(&b, "%s key %s", verb, printer.Printable(a.KID))
		if a.ID != "" {
			fmt.Fprintf(&b, ": %s", a.ID)
		}
		if a.ReplacedID != "" {
			fmt.Fprintf(&b, " (replacing %s)", a.ReplacedID)
		}
		if a.ExpiresAt != "" && a.Action != ActionDelete {
			fmt.Fprintf(&b, ", expires %s", a.ExpiresAt)
		}
		if a.Reason != "" {
			fmt.Fprintf(&b, " [%s]", printer.Printable(a.Reason))
		}
		b.WriteByte('\n')
		for _, o := range a.Recreated {
			fmt.Fprintf(&b, "  re-created the relationship %s of %s as %s: it shared key %s, so Hydra deleted it with %s\n",
				o.ReplacedID, printer.Printable(whose(o.Subject, o.AllowAnySubject)), o.ID, printer.Printable(a.KID), a.ReplacedID)
		}
		for _, o := range a.AlsoDeleted {
			fmt.Fprintf(&b, "  also deleted the relationship %s of %s: it shared key %s (--force)\n",
				o.ID, printer.Printable(whose(o.Subject, o.AllowAnySubject)), printer.Printable(a.KID))
		}
	}
	if res.DryRun {
		fmt.Fprintf(&b, "dry run, nothing changed: %s for %s: would create %d, replace %d, delete %d; %d kept, %d stale\n", printer.Printable(res.Issuer), printer.Printable(who),
			counts[ActionCreate], counts[ActionReplace], counts[ActionDelete], counts[ActionKeep], counts[ActionStale])
	} else {
		done := map[string]int{}
		for _, a := range res.Actions {
			switch {
			case a.Done:
				done[a.Action]++
			case a.Deleted:
				// A replace cut short after its delete.
				done[ActionDelete]++
			}
		}
		fmt.Fprintf(&b, "%s for %s: created %d, replaced %d, deleted %d; %d kept, %d stale\n", printer.Printable(res.Issuer), printer.Printable(who),
			done[ActionCreate], done[ActionReplace], done[ActionDelete], counts[ActionKeep], counts[ActionStale])
	}
	_, _ = io.WriteString(w, b.String())
}

func table(res *Result) printer.TableData {
	t := printer.TableData{Headers: []string{"ACTION", "KEY ID", "TRUST ID", "EXPIRES", "DONE", "REASON"}}
	for _, a := range res.Actions {
		id := a.ID
		if id == "" {
			id = a.ReplacedID
		}
		t.Rows = append(t.Rows, []string{a.Action, a.KID, id, a.ExpiresAt, fmt.Sprint(a.Done), a.Reason})
	}
	return t
}
