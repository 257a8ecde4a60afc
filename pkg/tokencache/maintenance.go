package tokencache

import (
	"errors"
	"strings"
)

// This file holds what "hydra token cache" and "hydra token revoke" do to
// the cache from outside Get: list, clear, and forget a revoked token.

// List returns the entries of the cache directory, without their tokens,
// and the files it bypassed. It never touches the keyring.
func List(cacheDir string) ([]*Entry, []error, error) {
	d, err := openDir(cacheDir)
	if err != nil {
		return nil, nil, err
	}
	entries, errs := d.list()
	for _, e := range entries {
		e.Token = nil
	}
	return entries, errs, nil
}

// Filter selects entries for Clear; empty fields match everything.
type Filter struct {
	ClientID string
	Issuer   string
}

// Match reports whether e is selected by f.
func (f Filter) Match(e *Entry) bool {
	if f.ClientID != "" && e.Key.ClientID != f.ClientID {
		return false
	}
	if f.Issuer != "" && !issuerMatches(e.Key.Issuer, f.Issuer) {
		return false
	}
	return true
}

// issuerMatches accepts the entry's token URL itself, or any URL of the
// same server given as --issuer, such as http://127.0.0.1:4444 for
// http://127.0.0.1:4444/oauth2/token.
func issuerMatches(entry, want string) bool {
	want = strings.TrimSuffix(normalizeURL(want), "/")
	entry = normalizeURL(entry)
	return entry == want || strings.HasPrefix(entry, want+"/")
}

// ClearResult is what Clear did.
type ClearResult struct {
	// Removed are the entries removed, without their tokens.
	Removed []*Entry
	// RemovedBad are the untrusted files removed by clearing everything.
	RemovedBad []string
	// Warnings are files that were not read, and so not removed.
	Warnings []error
	// Errors are entries that could not be removed.
	Errors []error
}

// Clear removes the entries that f selects, from disk and from the keyring
// (kr, or the system keyring when nil). The keyring is used only if an
// entry is kept there. Clearing everything also removes the files that
// cannot be trusted: that is how a user gets rid of them.
func Clear(cacheDir string, f Filter, kr Keyring) (*ClearResult, error) {
	d, err := openDir(cacheDir)
	if err != nil {
		return nil, err
	}
	entries, bad := d.list()
	kr = orSystem(kr)
	res := &ClearResult{}
	for _, e := range entries {
		if !f.Match(e) {
			continue
		}
		if err := storeOf(e, d, kr).remove(e.ID); err != nil {
			res.Errors = append(res.Errors, err)
			continue
		}
		e.Token = nil
		res.Removed = append(res.Removed, e)
	}
	for _, err := range bad {
		var b *BadFileError
		if f == (Filter{}) && errors.As(err, &b) && strings.HasSuffix(b.Path, ".json") && removeFile(b.Path) == nil {
			res.RemovedBad = append(res.RemovedBad, b.Path)
			continue
		}
		res.Warnings = append(res.Warnings, err)
	}
	return res, nil
}

// Revocation is a token revocation that Hydra accepted, as Forget needs to
// judge it.
type Revocation struct {
	// Token is the revoked token, access or refresh.
	Token string
	// ClientID is the client whose credentials revoked it. Hydra answers
	// 200 to another client's revocation of a token, and keeps the token
	// active.
	ClientID string
	// TokenURL is the token endpoint of the revoking client's server.
	TokenURL string
	// Confirmed is set when introspection showed the token inactive.
	Confirmed bool
}

// Forgotten is what Forget did with the entries that hold the token.
type Forgotten struct {
	// Removed are the entries removed, without their tokens.
	Removed []*Entry
	// Kept are entries of the token that were left, since the revocation
	// does not show that their tokens are dead; Why says why, for each.
	Kept []*Entry
	Why  []string
}

// Forget removes the entries whose access or refresh token was revoked,
// so that a revoked token is not handed out again. Hydra revokes a
// grant's access and refresh tokens together, so the whole entry goes.
//
// An entry is removed only when the revocation was made by the entry's
// own client, and either introspection confirmed it (r.Confirmed) or it
// was sent to the entry's own token server: there, for the client the
// token was issued to, Hydra's 200 means that the token is revoked
// (RFC 7009 §2.2). Another client's revocation is answered 200 too, and
// leaves the token active, as an inactive introspection alone can mean
// an expired access token whose refresh token is still good: such entries
// are kept. Keyring entries are read (through kr, or the system keyring
// when nil) only if there are any.
func Forget(cacheDir string, r Revocation, kr Keyring) (*Forgotten, error) {
	out := &Forgotten{}
	if r.Token == "" {
		return out, nil
	}
	d, err := openDir(cacheDir)
	if err != nil {
		return nil, err
	}
	kr = orSystem(kr)
	entries, _ := d.list()
	var errs []error
	for _, e := range entries {
		s := storeOf(e, d, kr)
		full := e
		if e.Storage == StorageKeyring {
			fe, err := s.load(e.ID)
			if err != nil || fe == nil {
				if err != nil {
					errs = append(errs, err)
				}
				continue
			}
			full = fe
		}
		if full.Token == nil || (full.Token.AccessToken != r.Token && full.Token.RefreshToken != r.Token) {
			continue
		}
		e.Token = nil
		switch {
		case e.Key.ClientID != r.ClientID:
			out.Kept, out.Why = append(out.Kept, e), append(out.Why, "it was issued to client "+e.Key.ClientID+", and a revocation by client "+r.ClientID+" leaves it active")
			continue
		case !r.Confirmed && normalizeURL(e.Key.Issuer) != normalizeURL(r.TokenURL):
			out.Kept, out.Why = append(out.Kept, e), append(out.Why, "it came from "+e.Key.Issuer+", not from "+r.TokenURL+", so the revocation is not confirmed")
			continue
		}
		if err := s.remove(e.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		out.Removed = append(out.Removed, e)
	}
	return out, errors.Join(errs...)
}

// Select returns the entries that f selects, with their tokens (read from
// the keyring, through kr or the system keyring when nil, for the entries
// kept there), for "cache clear --revoke". Entries whose token cannot be
// read are returned in errs, and the files that were bypassed in bad.
func Select(cacheDir string, f Filter, kr Keyring) (entries []*Entry, bad []error, errs []error, err error) {
	d, err := openDir(cacheDir)
	if err != nil {
		return nil, nil, nil, err
	}
	all, bad := d.list()
	kr = orSystem(kr)
	for _, e := range all {
		if !f.Match(e) {
			continue
		}
		if e.Storage == StorageKeyring {
			full, err := storeOf(e, d, kr).load(e.ID)
			if err != nil || full == nil || full.Token == nil {
				if err == nil {
					err = errors.New("the keyring holds no token for the entry of client " + e.Key.ClientID)
				}
				errs = append(errs, err)
				continue
			}
			e = full
		}
		entries = append(entries, e)
	}
	return entries, bad, errs, nil
}

// RemoveEntry removes one entry that Select returned.
func RemoveEntry(cacheDir string, e *Entry, kr Keyring) error {
	d, err := openDir(cacheDir)
	if err != nil {
		return err
	}
	return storeOf(e, d, orSystem(kr)).remove(e.ID)
}
