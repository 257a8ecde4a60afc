package tokencache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hydratoken/hydra/pkg/text"
)

// Options configure Open.
type Options struct {
	// Storage is disk, keyring or none.
	Storage string
	// Dir is the cache directory; see DefaultDir.
	Dir string
	// Keyring is the keyring of keyring storage; nil means SystemKeyring.
	Keyring Keyring
	// Warn receives warnings about cache files that are bypassed, and
	// notes about waiting for another process. Nil discards them.
	Warn io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Cache finds, refreshes and stores tokens. It is safe for use by several
// goroutines and, through its lock files, by several processes.
type Cache struct {
	storage string
	dir     *dir
	store   store
	warn    io.Writer
	now     func() time.Time

	mu      sync.Mutex
	refused map[string]bool
	memory  map[string]*Token
}

// store is where entries are kept: disk or keyring.
type store interface {
	// load returns the entry, nil if there is none, or a *BadFileError
	// for one that cannot be trusted.
	load(id string) (*Entry, error)
	save(e *Entry) error
	remove(id string) error
}

type diskStore struct {
	dir *dir
	// kr is the keyring of an entry that a disk entry replaces, whose
	// keyring items would otherwise be left behind.
	kr Keyring
}

func (s *diskStore) load(id string) (*Entry, error) {
	e, err := s.dir.read(id)
	if e != nil && e.Storage != StorageDisk {
		// The stub of a keyring entry: there is no token on disk.
		return nil, nil
	}
	return e, err
}
func (s *diskStore) save(e *Entry) error {
	if s.kr != nil {
		if old, _ := s.dir.read(e.ID); old != nil && old.Storage == StorageKeyring {
			// Best effort: the disk entry replaces the stub either way.
			_ = (&keyringStore{kr: s.kr, dir: s.dir}).remove(e.ID)
		}
	}
	return s.dir.write(e)
}

func (s *diskStore) remove(id string) error { return s.dir.remove(id) }

// Open opens the cache. A cache directory that cannot be trusted is
// reported on Warn and bypassed: the cache then behaves as storage none.
// An unknown storage is an error.
func Open(opts Options) (*Cache, error) {
	c := &Cache{storage: opts.Storage, warn: opts.Warn, now: opts.Now, refused: map[string]bool{}, memory: map[string]*Token{}}
	if c.warn == nil {
		c.warn = io.Discard
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch opts.Storage {
	case StorageNone:
		return c, nil
	case StorageDisk, StorageKeyring:
	default:
		return nil, fmt.Errorf("unknown token cache storage %q: valid storages are %s", opts.Storage, strings.Join(Storages, ", "))
	}
	if opts.Dir == "" {
		return nil, errors.New("token cache: no cache directory")
	}
	d, err := openDir(opts.Dir)
	if err != nil {
		fmt.Fprintf(c.warn, "warning: %s\n", err)
		c.storage = StorageNone
		return c, nil
	}
	c.dir = d
	kr := opts.Keyring
	if kr == nil {
		kr = SystemKeyring{}
	}
	if opts.Storage == StorageDisk {
		c.store = &diskStore{dir: d, kr: kr}
	} else {
		c.store = &keyringStore{kr: kr, dir: d, chunk: keyringChunk()}
	}
	return c, nil
}

// Storage is the storage in use: the one asked for, or none when the cache
// directory was bypassed.
func (c *Cache) Storage() string { return c.storage }

// Dir is the cache directory, or "" when none is used.
func (c *Cache) Dir() string {
	if c.dir == nil {
		return ""
	}
	return c.dir.path
}

// Source says where Get's token came from.
type Source int

const (
	// FromCache is a cached access token, used with no network at all.
	FromCache Source = iota
	// FromRefresh is a token obtained with the cached refresh token.
	FromRefresh
	// FromGrant is a token obtained by running the grant.
	FromGrant
)

func (s Source) String() string {
	return [...]string{"cache", "refresh", "grant"}[s]
}

// Request is one call of Get.
type Request struct {
	Key Key
	// MinTTL is how much lifetime a cached access token must have left to
	// be used; negative means DefaultMargin.
	MinTTL time.Duration
	// ForceRefresh skips the cached access token: the token is refreshed,
	// or the grant runs, even if the cached one is fresh.
	ForceRefresh bool
	// Refresh spends a refresh token. Nil when the grant's tokens cannot
	// be refreshed.
	Refresh func(ctx context.Context, refreshToken string) (*Token, error)
	// RefreshRejected tells a refusal of the refresh token itself (such as
	// RFC 6749's invalid_grant: expired, revoked or spent) from other
	// failures. After a refusal the entry is dropped and the grant runs;
	// after another failure the error is returned and the entry kept.
	RefreshRejected func(error) bool
	// Grant obtains a token from scratch.
	Grant func(ctx context.Context) (*Token, error)
}

// Result is what Get obtained.
type Result struct {
	Token  *Token
	Source Source
	// SaveErr is set when a new token could not be stored. The token is
	// valid; if it carries a refresh token, the caller must show it, as
	// it exists nowhere else.
	SaveErr error
}

// Get returns a token for the request's key:
//
//   - a cached access token with more than MinTTL left, without locking
//     and without calling anything;
//   - otherwise, under the key's lock, the entry is read again (another
//     process may just have refreshed it) and, if still not fresh enough,
//     refreshed with its refresh token, or else obtained with Grant;
//   - the new token is stored before Get returns, and only then is the
//     lock released, so that a rotated refresh token is never lost and
//     never spent twice.
func (c *Cache) Get(ctx context.Context, req Request) (*Result, error) {
	if req.Grant == nil {
		return nil, errors.New("tokencache: Request.Grant is nil")
	}
	key := req.Key.Normalize()
	id := key.ID()
	start := c.now()

	if c.store == nil {
		return c.getInMemory(ctx, id, req)
	}

	if !req.ForceRefresh {
		if e := c.load(id); e != nil && e.Token.FreshFor(start, req.MinTTL) {
			return &Result{Token: e.Token, Source: FromCache}, nil
		}
	}

	unlock, err := c.dir.lockKey(ctx, id, func(p string) {
		fmt.Fprintf(c.warn, "Waiting for another hydra process that is getting the same token (lock %s)...\n", p)
	})
	if err != nil {
		return nil, err
	}
	defer unlock()

	e := c.load(id)
	if e != nil {
		now := c.now()
		// Another process obtained this token while this one waited for
		// the lock: it is as new as a refresh here would make it (even
		// when its whole lifetime is under --min-ttl), and what a forced
		// refresh asks for has been done.
		justObtained := e.Token.ObtainedAt.After(start) && e.Token.Expiry.After(now)
		if justObtained || (!req.ForceRefresh && e.Token.FreshFor(now, req.MinTTL)) {
			return &Result{Token: e.Token, Source: FromCache}, nil
		}
	}

	var tok *Token
	source := FromGrant
	if e != nil && e.Token.RefreshToken != "" && req.Refresh != nil {
		t, err := req.Refresh(ctx, e.Token.RefreshToken)
		switch {
		case err == nil:
			if t.RefreshToken == "" {
				// RFC 6749 §6: the server may keep the old refresh
				// token valid and send no new one.
				t.RefreshToken = e.Token.RefreshToken
			}
			if t.Subject == "" {
				t.Subject = e.Token.Subject
			}
			tok, source = t, FromRefresh
		case req.RefreshRejected != nil && req.RefreshRejected(err):
			fmt.Fprintf(c.warn, "The cached refresh token was refused (%s); getting a new token.\n", text.OneLine(err.Error(), 300))
			if rerr := c.store.remove(id); rerr != nil {
				fmt.Fprintf(c.warn, "warning: %s\n", rerr)
			}
		default:
			return nil, err
		}
	}
	if tok == nil {
		t, err := req.Grant(ctx)
		if err != nil {
			return nil, err
		}
		tok = t
	}
	c.warnShortLived(tok, req.MinTTL)
	res := &Result{Token: tok, Source: source}
	if c.isRefused(id) {
		return res, nil
	}
	if err := c.store.save(newEntry(key, c.storage, tok)); err != nil {
		res.SaveErr = err
	}
	return res, nil
}

// warnShortLived says when a new token will not be reused by the next
// call, so that a cache that never hits is not a mystery.
func (c *Cache) warnShortLived(t *Token, minTTL time.Duration) {
	switch {
	case t.Expiry.IsZero():
		fmt.Fprintf(c.warn, "warning: token cache: the server sent no expires_in, so the token will not be reused\n")
	case minTTL >= 0 && !t.FreshFor(t.ObtainedAt, minTTL):
		fmt.Fprintf(c.warn, "warning: token cache: the token lives %s, not more than --min-ttl %s, so it will not be reused\n", t.Lifetime(), minTTL)
	}
}

// getInMemory is storage none: nothing outlives the process.
func (c *Cache) getInMemory(ctx context.Context, id string, req Request) (*Result, error) {
	c.mu.Lock()
	t := c.memory[id]
	c.mu.Unlock()
	if !req.ForceRefresh && t.FreshFor(c.now(), req.MinTTL) {
		return &Result{Token: t, Source: FromCache}, nil
	}
	tok, err := req.Grant(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.memory[id] = tok
	c.mu.Unlock()
	return &Result{Token: tok, Source: FromGrant}, nil
}

// load reads an entry, reporting and bypassing one that cannot be trusted.
func (c *Cache) load(id string) *Entry {
	e, err := c.store.load(id)
	if err == nil {
		return e
	}
	var bad *BadFileError
	if errors.As(err, &bad) {
		fmt.Fprintf(c.warn, "warning: %s\n", bad)
		if bad.Refused {
			c.mu.Lock()
			c.refused[id] = true
			c.mu.Unlock()
		}
		return nil
	}
	// The keyring failed: report it, and never fall back to disk.
	fmt.Fprintf(c.warn, "warning: %s\n", err)
	return nil
}

func (c *Cache) isRefused(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refused[id]
}

// Check fails when the storage cannot be used at all, such as a keyring
// that is not running, before any token is obtained.
func (c *Cache) Check() error {
	ks, ok := c.store.(*keyringStore)
	if !ok {
		return nil
	}
	_, err := ks.kr.Get(KeyringService, "probe")
	if err != nil && !errors.Is(err, ErrKeyringNotFound) {
		return keyringError("reading", err)
	}
	return nil
}

// Remove deletes the entry of key, if any.
func (c *Cache) Remove(key Key) error {
	if c.store == nil {
		c.mu.Lock()
		delete(c.memory, key.ID())
		c.mu.Unlock()
		return nil
	}
	return c.store.remove(key.ID())
}

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
	if kr == nil {
		kr = SystemKeyring{}
	}
	res := &ClearResult{}
	for _, e := range entries {
		if !f.Match(e) {
			continue
		}
		var s store = &diskStore{dir: d}
		if e.Storage == StorageKeyring {
			s = &keyringStore{kr: kr, dir: d}
		}
		if err := s.remove(e.ID); err != nil {
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

// Forget removes the entries whose access or refresh token is tok, so that
// a revoked token is not handed out again. Hydra revokes a grant's access
// and refresh tokens together, so the whole entry goes. Keyring entries are
// read (through kr, or the system keyring when nil) only if there are any.
func Forget(cacheDir, tok string, kr Keyring) ([]*Entry, error) {
	if tok == "" {
		return nil, nil
	}
	d, err := openDir(cacheDir)
	if err != nil {
		return nil, err
	}
	if kr == nil {
		kr = SystemKeyring{}
	}
	entries, _ := d.list()
	var removed []*Entry
	var errs []error
	for _, e := range entries {
		var s store = &diskStore{dir: d}
		full := e
		if e.Storage == StorageKeyring {
			ks := &keyringStore{kr: kr, dir: d}
			fe, err := ks.load(e.ID)
			if err != nil || fe == nil {
				if err != nil {
					errs = append(errs, err)
				}
				continue
			}
			s, full = ks, fe
		}
		if full.Token == nil || (full.Token.AccessToken != tok && full.Token.RefreshToken != tok) {
			continue
		}
		if err := s.remove(e.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		e.Token = nil
		removed = append(removed, e)
	}
	return removed, errors.Join(errs...)
}
