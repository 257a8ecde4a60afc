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
	// store is nil for storage none: nothing is kept, and Get runs the
	// grant. A one-shot process never asks twice for the same token.
	store store
	warn  io.Writer
	now   func() time.Time

	mu      sync.Mutex
	refused map[string]string
	warned  map[string]bool
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
	if old, _ := s.dir.read(e.ID); old != nil && old.Storage == StorageKeyring {
		// Best effort: the disk entry replaces the stub either way.
		_ = (&keyringStore{kr: s.kr, dir: s.dir}).remove(e.ID)
	}
	return s.dir.write(e)
}

func (s *diskStore) remove(id string) error { return s.dir.remove(id) }

// orSystem is kr, or the OS keyring when kr is nil.
func orSystem(kr Keyring) Keyring {
	if kr == nil {
		return SystemKeyring{}
	}
	return kr
}

// storeOf is the store that holds e: its disk file, or the keyring.
func storeOf(e *Entry, d *dir, kr Keyring) store {
	if e.Storage == StorageKeyring {
		return &keyringStore{kr: kr, dir: d}
	}
	return &diskStore{dir: d, kr: kr}
}

// Open opens the cache. A cache directory that cannot be trusted is
// reported on Warn and bypassed: the cache then behaves as storage none.
// An unknown storage is an error.
func Open(opts Options) (*Cache, error) {
	c := &Cache{storage: opts.Storage, warn: opts.Warn, now: opts.Now, refused: map[string]string{}, warned: map[string]bool{}}
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
		c.warnf("warning: %s\n", err)
		c.storage = StorageNone
		return c, nil
	}
	c.dir = d
	kr := orSystem(opts.Keyring)
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
	// SaveErr is set when a new token was not stored. The token is valid;
	// if it carries a refresh token, the caller must show it, as it exists
	// nowhere else.
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
//     never spent twice. When it cannot be stored, the old entry is
//     removed (or, failing that, emptied): its refresh token is spent, and
//     its access token outdated.
func (c *Cache) Get(ctx context.Context, req Request) (*Result, error) {
	if req.Grant == nil {
		return nil, errors.New("tokencache: Request.Grant is nil")
	}
	if c.store == nil {
		tok, err := req.Grant(ctx)
		if err != nil {
			return nil, err
		}
		c.warnShortLived(tok, req.MinTTL)
		return &Result{Token: tok, Source: FromGrant}, nil
	}
	key := req.Key.Normalize()
	id := key.ID()
	start := c.now()

	if !req.ForceRefresh {
		if e := c.load(id); e != nil && e.Token.FreshFor(start, req.MinTTL) {
			return &Result{Token: e.Token, Source: FromCache}, nil
		}
	}

	unlock, err := c.dir.lockKey(ctx, id, func(p string) {
		c.warnf("Waiting for another hydra process that is getting the same token (lock %s)...\n", p)
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
			c.warnf("The cached refresh token was refused (%s); getting a new token.\n", text.OneLine(err.Error(), 300))
			if rerr := c.discard(id); rerr != nil {
				c.warnf("warning: %s\n", rerr)
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
	if why := c.refusedWhy(id); why != "" {
		res.SaveErr = fmt.Errorf("token cache: %s is left as it is", why)
		return res, nil
	}
	if err := c.store.save(newEntry(key, c.storage, tok)); err != nil {
		res.SaveErr = err
		if e != nil || source == FromRefresh {
			if derr := c.discard(id); derr != nil {
				res.SaveErr = fmt.Errorf("%w\n%w", err, derr)
			} else if source == FromRefresh {
				res.SaveErr = fmt.Errorf("%w; the old entry was removed, as its refresh token is spent", err)
			} else {
				res.SaveErr = fmt.Errorf("%w; the old entry was removed, as it is outdated", err)
			}
		} else {
			// A failed save may have left part of the new entry behind.
			_ = c.discard(id)
		}
	}
	return res, nil
}

// discard removes an entry whose tokens must not be used again, such as a
// spent refresh token. When it cannot be removed (a directory that is not
// writable), its file is emptied in place, which reads as no entry.
func (c *Cache) discard(id string) error {
	err := c.store.remove(id)
	if err == nil {
		return nil
	}
	if c.dir.empty(id) == nil {
		return nil
	}
	return fmt.Errorf("%w\nThe cached entry still holds a spent refresh token: remove it with: rm %s (or: hydra token cache clear)", err, text.ShellQuote(c.dir.file(id)))
}

// warnShortLived says when a new token will not be reused by the next
// call, so that a cache that never hits is not a mystery.
func (c *Cache) warnShortLived(t *Token, minTTL time.Duration) {
	if c.store == nil {
		return
	}
	switch {
	case t.Expiry.IsZero():
		c.warnf("warning: token cache: the server sent no expires_in, so the token will not be reused\n")
	case minTTL >= 0 && !t.FreshFor(t.ObtainedAt, minTTL):
		c.warnf("warning: token cache: the token lives %s, not more than --min-ttl %s, so it will not be reused\n", t.Lifetime(), minTTL)
	}
}

// warnf writes a warning once: an entry is read twice in one call (before
// and under the lock), and its problem is worth one line.
func (c *Cache) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.warned[msg] {
		return
	}
	c.warned[msg] = true
	io.WriteString(c.warn, msg)
}

// load reads an entry, reporting and bypassing one that cannot be trusted.
func (c *Cache) load(id string) *Entry {
	e, err := c.store.load(id)
	if err == nil {
		return e
	}
	var bad *BadFileError
	if errors.As(err, &bad) {
		c.warnf("warning: %s\n", bad)
		if bad.Refused {
			c.mu.Lock()
			c.refused[id] = bad.Path
			c.mu.Unlock()
		}
		return nil
	}
	// The keyring failed: report it, and never fall back to disk.
	c.warnf("warning: %s\n", err)
	return nil
}

// refusedWhy names the file of id that must not be replaced, or "".
func (c *Cache) refusedWhy(id string) string {
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
		return nil
	}
	return c.store.remove(key.ID())
}
