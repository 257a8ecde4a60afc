package clear

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// revokeRun revokes the refresh and access tokens of each selected entry
// at its own token server, with its own client, and removes the entry only
// once that is done (and confirmed through introspection when the admin
// API is known). An entry that could not be revoked is kept, and the exit
// status is 1.
func revokeRun(ctx context.Context, opts *Options, dir string) error {
	entries, bad, unreadable, err := tokencache.Select(dir, opts.Filter, opts.Keyring)
	if err != nil {
		return err
	}
	w := opts.IO.ErrOut
	for _, e := range bad {
		fmt.Fprintf(w, "warning: %s\n", e)
	}
	for _, e := range unreadable {
		fmt.Fprintf(w, "error: kept an entry whose token cannot be read, so it cannot be revoked: %s\n", e)
	}
	if len(entries) == 0 {
		if len(unreadable) > 0 {
			return cmdutil.ErrSilent
		}
		if opts.Filter != (tokencache.Filter{}) {
			fmt.Fprintln(w, "No cached token matches.")
		} else {
			fmt.Fprintln(w, "The token cache is empty.")
		}
		return nil
	}

	// The credentials are read once (a secret may come from stdin), for
	// the first confidential entry, and lent to the others with their own
	// client ID.
	var confidential *shared.Auth
	auth := func(e *tokencache.Entry) (*shared.Auth, error) {
		if public(e) {
			return &shared.Auth{ClientID: e.Key.ClientID, Method: shared.AuthNone}, nil
		}
		if confidential == nil {
			c := opts.Credentials
			c.ClientID = e.Key.ClientID
			a, err := c.Resolve(opts.Factory, opts.CommandPath)
			if err != nil {
				return nil, err
			}
			confidential = a
		}
		a := *confidential
		a.ClientID = e.Key.ClientID
		return &a, nil
	}

	each := &cmdutil.Each{ErrOut: w, Noun: "cached tokens", Verb: "revoked", Total: len(entries), List: true}
	err = cmdutil.ForEach(ctx, each, slices.Values(entries), func(ctx context.Context, n int, e *tokencache.Entry) cmdutil.Step {
		label := fmt.Sprintf("the cached token of client %s (%s, %s)", e.Key.ClientID, e.Key.Grant, e.Key.Issuer)
		fail := func(err error) cmdutil.Step {
			// The entry's server or client alone: the next entries may
			// be another server's.
			return cmdutil.Step{Err: fmt.Errorf("%w\nIts entry is kept: 'hydra token cache clear --client-id %s' removes it without revoking", err, e.Key.ClientID), Label: label, PerItem: true}
		}
		a, err := auth(e)
		if err != nil {
			return fail(err)
		}
		conn := opts.Conn
		s, err := shared.Connect(opts.Factory, &conn, &shared.Credentials{TokenURL: e.Key.Issuer}, false)
		var usage *cmdutil.FlagError
		if errors.As(err, &usage) {
			// A flag that is wrong (an unreadable --ca-cert) is wrong for
			// every entry: a usage error, and nothing is revoked.
			return cmdutil.Step{Err: err, Fatal: true}
		}
		if err != nil {
			return fail(err)
		}
		s.Auth = a
		admin, err := opts.Admin.Client(opts.Factory, &conn, s.API, true)
		if err != nil {
			return fail(err)
		}
		// The refresh token first: Hydra then revokes the access tokens
		// issued with it, and a refresh cannot mint another meanwhile.
		type tok struct{ value, hint string }
		var toks []tok
		if e.Token.RefreshToken != "" {
			toks = append(toks, tok{e.Token.RefreshToken, "refresh_token"})
		}
		if e.Token.AccessToken != "" {
			toks = append(toks, tok{e.Token.AccessToken, "access_token"})
		}
		for _, t := range toks {
			if err := s.Revoke(ctx, t.value, t.hint); err != nil {
				return fail(fmt.Errorf("revoking its %s: %w", t.hint, err))
			}
		}
		if admin != nil {
			for _, t := range toks {
				in, err := admin.Introspect(ctx, t.value, nil)
				if err != nil {
					return fail(fmt.Errorf("the revocation was accepted, but checking its %s through introspection failed: %w", t.hint, err))
				}
				if in.Active {
					return fail(fmt.Errorf("the revocation was accepted, but its %s is still active: was it issued to client %s with these credentials?", t.hint, e.Key.ClientID))
				}
			}
		}
		if err := tokencache.RemoveEntry(dir, e, opts.Keyring); err != nil {
			return fail(fmt.Errorf("its tokens are revoked, but the entry could not be removed: %w", err))
		}
		verified := admin != nil
		return cmdutil.Step{Report: func(bool) {
			what := "refresh and access tokens"
			if len(toks) == 1 {
				what = toks[0].hint + " only"
			}
			if verified {
				fmt.Fprintf(w, "Revoked and removed %s: %s, confirmed inactive through introspection.\n", label, what)
			} else {
				fmt.Fprintf(w, "Revoked and removed %s: Hydra accepted the revocation of its %s (not verified: set %s or pass --admin-endpoint to check through introspection).\n", label, what, cmdutil.EnvAdminURL)
			}
		}}
	})
	if err == nil && len(unreadable) > 0 {
		err = cmdutil.ErrSilent
	}
	return err
}

// public reports whether the entry's token was obtained by a public client
// (token_endpoint_auth_method none): its ID is then the key's with that
// credential.
func public(e *tokencache.Entry) bool {
	k := e.Key
	k.Credential = cachewire.Credential(shared.AuthNone, "", nil)
	return k.ID() == e.ID
}
