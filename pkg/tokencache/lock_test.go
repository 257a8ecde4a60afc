package tokencache

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// concurrentRefresh runs n Gets at once against a cached token that has
// expired and one refresh token, each with its own Cache as separate
// processes would have, and returns the server and the results.
func concurrentRefresh(t *testing.T, n int) (*rotatingServer, []*Result, []error, *testCache) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tokens")
	c0 := openTestCache(t, StorageDisk, dir, nil)
	key := testKey()
	key.Grant = "authorization_code"
	seed(t, c0, key, &Token{AccessToken: "expired", RefreshToken: "rt-0", ObtainedAt: c0.clock.Now().Add(-time.Hour), Expiry: c0.clock.Now().Add(-time.Second)})
	srv := newRotatingServer(c0.clock, time.Hour, "rt-0")
	// The refresh takes a while, so that every caller finds the token
	// expired before the first refresh is stored.
	srv.delay = 100 * time.Millisecond

	results := make([]*Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		c := openTestCache(t, StorageDisk, dir, nil)
		c.clock = c0.clock
		c.now = c0.clock.Now
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			results[i], errs[i] = c.Get(ctx, Request{Key: key, MinTTL: -1, Refresh: srv.refresh, RefreshRejected: rejected,
				Grant: func(context.Context) (*Token, error) {
					return nil, context.Canceled // a person would have to sign in again
				}})
		}()
	}
	close(start)
	wg.Wait()
	return srv, results, errs, c0
}

func TestConcurrentRefreshSpendsTheRefreshTokenOnce(t *testing.T) {
	srv, results, errs, c := concurrentRefresh(t, 8)
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if results[i].Token.AccessToken != "at-refresh-1" {
			t.Errorf("caller %d got %q", i, results[i].Token.AccessToken)
		}
	}
	if got := srv.refreshs.Load(); got != 1 {
		t.Fatalf("the server saw %d refreshes, want 1", got)
	}
	e, _ := c.store.load(testKeyAuthCode().ID())
	if e == nil || e.Token.RefreshToken != "rt-1" || !srv.works("rt-1") {
		t.Fatalf("the stored refresh token does not work: %+v", e)
	}
}

// TestConcurrentRefreshWithoutLockFails shows what the lock prevents: with
// it turned off, as the tokencache_nolock test hook does, the callers spend
// the same refresh token several times, and Hydra-like rotation revokes the
// chain.
func TestConcurrentRefreshWithoutLockFails(t *testing.T) {
	lockingDisabled = true
	t.Cleanup(func() { lockingDisabled = false })
	srv, _, errs, c := concurrentRefresh(t, 8)
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	if srv.refreshs.Load() <= 1 {
		t.Fatalf("without the lock the server saw %d refresh, want several", srv.refreshs.Load())
	}
	e, _ := c.store.load(testKeyAuthCode().ID())
	if failed == 0 && e != nil && srv.works(e.Token.RefreshToken) {
		t.Fatal("without the lock nothing went wrong: this test cannot tell the lock works")
	}
	t.Logf("without the lock: %d refreshes, %d callers failed, chain revoked: %v", srv.refreshs.Load(), failed, srv.revoked)
}

func testKeyAuthCode() Key {
	k := testKey()
	k.Grant = "authorization_code"
	return k
}

// A waiter takes the token another process obtained while it waited, even
// when --min-ttl is longer than the token's whole lifetime: refreshing again
// would give no better token.
func TestWaiterTakesTokenObtainedWhileWaiting(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKeyAuthCode()
	seed(t, c, key, &Token{AccessToken: "old", RefreshToken: "rt-0", ObtainedAt: c.clock.Now().Add(-time.Hour), Expiry: c.clock.Now().Add(-time.Minute)})
	unlock, err := c.dir.lockKey(t.Context(), key.ID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *Result)
	go func() {
		res, err := c.Get(context.Background(), Request{Key: key, MinTTL: 24 * time.Hour,
			Refresh: func(context.Context, string) (*Token, error) { return nil, errors.New("refreshed again") },
			Grant:   func(context.Context) (*Token, error) { return nil, errors.New("granted again") }})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(c.warn.String(), "Waiting for another"); {
		if time.Now().After(deadline) {
			t.Fatal("Get never waited for the lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.clock.Add(time.Second)
	seed(t, c, key, &Token{AccessToken: "new", RefreshToken: "rt-1", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Hour)})
	unlock()
	if res := <-done; res == nil || res.Token.AccessToken != "new" || res.Source != FromCache {
		t.Fatalf("%+v", res)
	}
}

func TestLockWaitIsBoundedByContext(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	id := testKey().ID()
	unlock, err := c.dir.lockKey(t.Context(), id, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	other := openTestCache(t, StorageDisk, c.Dir(), nil)
	_, err = other.Get(ctx, Request{Key: testKey(), MinTTL: -1, Grant: func(context.Context) (*Token, error) { t.Fatal("grant ran without the lock"); return nil, nil }})
	if err == nil || !strings.Contains(err.Error(), "gave up waiting for the lock") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(other.warn.String(), "Waiting for another hydra process") {
		t.Errorf("no note about waiting:\n%s", other.warn)
	}
}
