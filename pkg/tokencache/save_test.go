package tokencache

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// failingStore is a store whose save fails (as with a full disk, a file
// size limit or a directory that is not writable), and whose remove fails
// too when removeErr is set.
type failingStore struct {
	store
	removeErr error
}

func (s failingStore) save(*Entry) error { return errors.New("token cache: writing: file too large") }
func (s failingStore) remove(id string) error {
	if s.removeErr != nil {
		return s.removeErr
	}
	return s.store.remove(id)
}

// TestGetSaveFailureDropsSpentRefreshToken: when the rotated refresh token
// cannot be stored, the entry holding the spent one goes, so that the next
// call runs the grant instead of spending it again (which makes Hydra
// revoke the whole chain, including the token the user was told to keep),
// and never prints the outdated access token.
func TestGetSaveFailureDropsSpentRefreshToken(t *testing.T) {
	for _, tc := range []struct {
		name      string
		removeErr error
	}{
		{"removed", nil},
		// The directory is not writable: the file is emptied in place.
		{"emptied", errors.New("permission denied")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, storage := range []string{StorageDisk, StorageKeyring} {
				var c *testCache
				if storage == StorageKeyring {
					c = openTestCache(t, storage, filepath.Join(t.TempDir(), "tokens"), newFakeKeyring())
				} else {
					c = newTestCache(t, storage)
				}
				key := testKey()
				seed(t, c, key, &Token{AccessToken: "old", RefreshToken: "rt-0", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Hour)})
				srv := newRotatingServer(c.clock, time.Hour, "rt-0")
				real := c.store
				c.store = failingStore{store: real, removeErr: tc.removeErr}
				grants := 0
				// --min-ttl 2h: the cached token is not fresh enough.
				res, err := c.Get(t.Context(), Request{Key: key, MinTTL: 2 * time.Hour, Refresh: srv.refresh, RefreshRejected: rejected, Grant: grantN(t, &grants, time.Hour, true, c)})
				if err != nil || res.Source != FromRefresh || res.SaveErr == nil {
					t.Fatalf("%s: %+v %v", storage, res, err)
				}
				if !strings.Contains(res.SaveErr.Error(), "old entry was removed") {
					t.Errorf("%s: SaveErr does not say the old entry went: %v", storage, res.SaveErr)
				}
				c.store = real
				if e, err := real.load(key.ID()); e != nil || err != nil {
					t.Fatalf("%s: the entry with the spent refresh token is still there: %+v %v", storage, e, err)
				}
				// The next call, without --min-ttl, neither prints the old
				// access token nor spends rt-0 again.
				res, err = c.Get(t.Context(), Request{Key: key, MinTTL: -1, Refresh: func(_ context.Context, rt string) (*Token, error) {
					t.Fatalf("%s: refreshed with %s", storage, rt)
					return nil, nil
				}, Grant: grantN(t, &grants, time.Hour, true, c)})
				if err != nil || res.Source != FromGrant || res.Token.AccessToken == "old" || grants != 1 {
					t.Fatalf("%s: next call: %+v %v grants=%d", storage, res, err, grants)
				}
			}
		})
	}
}

// TestGetSaveFailureReportsWhatCannotBeRemoved: when the entry can be
// neither removed nor emptied, the error says how to remove it.
func TestGetSaveFailureReportsWhatCannotBeRemoved(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKey()
	seed(t, c, key, &Token{AccessToken: "old", RefreshToken: "rt-0", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Minute)})
	c.clock.Add(time.Hour)
	p := filepath.Join(c.Dir(), key.ID()+".json")
	// A symbolic link cannot be emptied through (O_NOFOLLOW).
	target := filepath.Join(t.TempDir(), "elsewhere")
	raw, _ := os.ReadFile(p)
	os.WriteFile(target, raw, 0o600)
	real := c.store
	c.store = failingStore{store: real, removeErr: errors.New("permission denied")}
	srv := newRotatingServer(c.clock, time.Hour, "rt-0")
	// The entry is read, then replaced by a link before the save fails.
	c.store = &swapOnSave{failingStore: c.store.(failingStore), swap: func() { os.Remove(p); os.Symlink(target, p) }}
	n := 0
	res, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, Refresh: srv.refresh, RefreshRejected: rejected, Grant: grantN(t, &n, time.Hour, true, c)})
	if err != nil || res.SaveErr == nil || !strings.Contains(res.SaveErr.Error(), "rm "+p) {
		t.Fatalf("%+v %v", res, err)
	}
}

type swapOnSave struct {
	failingStore
	swap func()
}

func (s *swapOnSave) save(e *Entry) error { s.swap(); return s.failingStore.save(e) }

// TestWarningsOncePerRun: an entry read before and under the lock is
// reported once.
func TestWarningsOncePerRun(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKey()
	p := filepath.Join(c.Dir(), key.ID()+".json")
	writeMode(t, p, `{"version":1,"tok`, 0o600)
	n := 0
	if _, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, Grant: grantN(t, &n, time.Hour, false, c)}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(c.warn.String(), "is corrupt"); got != 1 {
		t.Fatalf("reported %d times:\n%s", got, c.warn)
	}
}

// TestNewerFormatIsLeftAlone: an entry of a newer hydra is neither used
// nor replaced, on disk and in the keyring.
func TestNewerFormatIsLeftAlone(t *testing.T) {
	kr := newFakeKeyring()
	for _, storage := range []string{StorageDisk, StorageKeyring} {
		c := openTestCache(t, storage, filepath.Join(t.TempDir(), "tokens"), kr)
		key := testKey()
		seed(t, c, key, &Token{AccessToken: "newer", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Hour)})
		newer := func(s string) string { return strings.Replace(s, `"version":1`, `"version":2`, 1) }
		if storage == StorageDisk {
			p := filepath.Join(c.Dir(), key.ID()+".json")
			raw, _ := os.ReadFile(p)
			writeMode(t, p, newer(string(raw)), 0o600)
		} else {
			_, body, _ := strings.Cut(kr.items[KeyringService+"/"+key.ID()], "\n")
			kr.items[KeyringService+"/"+key.ID()] = keyringItem(newer(body))
		}
		n := 0
		res, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, Grant: grantN(t, &n, time.Hour, false, c)})
		if err != nil || res.Token.AccessToken == "newer" || res.SaveErr == nil {
			t.Fatalf("%s: %+v %v", storage, res, err)
		}
		if !strings.Contains(c.warn.String(), "newer than this hydra's 1") {
			t.Errorf("%s: %s", storage, c.warn)
		}
		if storage == StorageDisk {
			raw, _ := os.ReadFile(filepath.Join(c.Dir(), key.ID()+".json"))
			if !strings.Contains(string(raw), `"version":2`) {
				t.Errorf("the newer entry was replaced")
			}
		} else if !strings.Contains(kr.items[KeyringService+"/"+key.ID()], `"version":2`) {
			t.Errorf("the newer keyring entry was replaced")
		}
	}
}

// keyringItem is the first keyring item of a one-part entry.
func keyringItem(body string) string {
	sum := sha256.Sum256([]byte(body))
	return fmt.Sprintf("%s 1 %x\n%s", keyringHeader, sum, body)
}
