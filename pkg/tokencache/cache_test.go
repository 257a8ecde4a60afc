package tokencache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)} }
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testCache struct {
	*Cache
	clock *clock
	warn  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestCache(t *testing.T, storage string) *testCache {
	t.Helper()
	return openTestCache(t, storage, filepath.Join(t.TempDir(), "hydra", "tokens"), nil)
}

func openTestCache(t *testing.T, storage, dir string, kr Keyring) *testCache {
	t.Helper()
	clk := newClock()
	w := &syncBuffer{}
	c, err := Open(Options{Storage: storage, Dir: dir, Keyring: kr, Warn: w, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &testCache{Cache: c, clock: clk, warn: w}
}

func testKey() Key {
	return Key{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "my-client", Grant: "client_credentials", Scopes: []string{"read"}}
}

// grantN returns a Grant that counts its calls in n and returns tokens that
// live for life, with a refresh token if withRefresh.
func grantN(t *testing.T, n *int, life time.Duration, withRefresh bool, c *testCache) func(context.Context) (*Token, error) {
	var mu sync.Mutex
	return func(context.Context) (*Token, error) {
		mu.Lock()
		defer mu.Unlock()
		*n++
		now := c.clock.Now()
		raw := fmt.Sprintf(`{"access_token":"at-grant-%d","expires_in":%d,"token_type":"bearer"`, *n, int(life/time.Second))
		if withRefresh {
			raw += fmt.Sprintf(`,"refresh_token":"rt-grant-%d"`, *n)
		}
		tok, err := ParseResponse([]byte(raw+"}"), now)
		if err != nil {
			t.Error(err)
		}
		return tok, err
	}
}

func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		raw, _ := os.ReadFile(filepath.Join(dir, de.Name()))
		b.Write(raw)
	}
	return b.String()
}

// rotatingServer plays Hydra's refresh token rotation: each refresh token
// works once; spending one twice revokes the whole chain.
type rotatingServer struct {
	mu       sync.Mutex
	clock    *clock
	life     time.Duration
	valid    map[string]bool
	spent    map[string]bool
	revoked  bool
	refreshs atomic.Int32
	n        int
	delay    time.Duration
}

var errInvalidGrant = errors.New("invalid_grant: the refresh token was already used")

func newRotatingServer(clk *clock, life time.Duration, first string) *rotatingServer {
	return &rotatingServer{clock: clk, life: life, valid: map[string]bool{first: true}, spent: map[string]bool{}}
}

func (s *rotatingServer) refresh(ctx context.Context, rt string) (*Token, error) {
	s.refreshs.Add(1)
	if s.delay > 0 {
		time.Sleep(s.delay)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spent[rt] {
		// Reuse: Hydra revokes every token of the chain.
		s.revoked = true
		s.valid = map[string]bool{}
		return nil, errInvalidGrant
	}
	if !s.valid[rt] || s.revoked {
		return nil, errInvalidGrant
	}
	delete(s.valid, rt)
	s.spent[rt] = true
	s.n++
	next := fmt.Sprintf("rt-%d", s.n)
	s.valid[next] = true
	raw := fmt.Sprintf(`{"access_token":"at-refresh-%d","expires_in":%d,"refresh_token":%q,"token_type":"bearer"}`, s.n, int(s.life/time.Second), next)
	return ParseResponse([]byte(raw), s.clock.Now())
}

func (s *rotatingServer) works(rt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.valid[rt] && !s.revoked
}

func rejected(err error) bool { return errors.Is(err, errInvalidGrant) }

// seed stores an entry as if a grant had just run.
func seed(t *testing.T, c *testCache, key Key, tok *Token) {
	t.Helper()
	if err := c.store.save(newEntry(key, c.storage, tok)); err != nil {
		t.Fatal(err)
	}
}

func TestGetUsesFreshTokenWithoutCalls(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	grants := 0
	req := Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &grants, time.Hour, false, c),
		Refresh: func(context.Context, string) (*Token, error) { t.Fatal("refresh called"); return nil, nil }}
	first, err := c.Get(t.Context(), req)
	if err != nil || first.Source != FromGrant {
		t.Fatalf("first call: %+v %v", first, err)
	}
	for i := range 100 {
		c.clock.Add(30 * time.Second)
		if i == 99 {
			break
		}
		res, err := c.Get(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Source != FromCache || res.Token.AccessToken != first.Token.AccessToken {
			t.Fatalf("call %d: %v %q", i, res.Source, res.Token.AccessToken)
		}
	}
	if grants != 1 {
		t.Fatalf("%d grants for 100 calls within the lifetime, want 1", grants)
	}
	// 100 × 30 s later the hour token has < 60 s left: a new grant.
	c.clock.Add(10 * time.Minute)
	res, err := c.Get(t.Context(), req)
	if err != nil || res.Source != FromGrant || grants != 2 {
		t.Fatalf("after expiry: %+v %v, grants %d", res, err, grants)
	}
	if res.SaveErr != nil {
		t.Fatal(res.SaveErr)
	}
}

func TestGetRefreshesAndStoresRotatedRefreshToken(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	srv := newRotatingServer(c.clock, time.Hour, "rt-0")
	key := testKey()
	key.Grant = "authorization_code"
	seed(t, c, key, &Token{AccessToken: "at-0", RefreshToken: "rt-0", Subject: "alice", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Hour)})
	c.clock.Add(time.Hour)

	grants := 0
	req := Request{Key: key, MinTTL: -1, Refresh: srv.refresh, RefreshRejected: rejected, Grant: grantN(t, &grants, time.Hour, true, c)}
	res, err := c.Get(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != FromRefresh || res.Token.AccessToken != "at-refresh-1" || grants != 0 {
		t.Fatalf("got %v %q, %d grants", res.Source, res.Token.AccessToken, grants)
	}
	e, err := c.store.load(key.ID())
	if err != nil || e == nil {
		t.Fatal(e, err)
	}
	if e.Token.RefreshToken != "rt-1" || !srv.works("rt-1") {
		t.Fatalf("stored refresh token %q, want the rotated rt-1", e.Token.RefreshToken)
	}
	if e.Subject != "alice" {
		t.Errorf("the subject was lost on refresh: %q", e.Subject)
	}

	// --force-refresh spends the stored one, and stores the next.
	req.ForceRefresh = true
	res, err = c.Get(t.Context(), req)
	if err != nil || res.Source != FromRefresh || res.Token.AccessToken != "at-refresh-2" {
		t.Fatalf("forced: %+v %v", res, err)
	}
	if e, _ := c.store.load(key.ID()); e.Token.RefreshToken != "rt-2" {
		t.Fatalf("after the forced refresh the stored refresh token is %q", e.Token.RefreshToken)
	}
}

func TestGetKeepsRefreshTokenTheServerDidNotRotate(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKey()
	seed(t, c, key, &Token{AccessToken: "old", RefreshToken: "keep-me", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Minute)})
	c.clock.Add(time.Hour)
	res, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1,
		Refresh: func(_ context.Context, rt string) (*Token, error) {
			return ParseResponse([]byte(`{"access_token":"new","expires_in":600}`), c.clock.Now())
		},
		Grant: func(context.Context) (*Token, error) { t.Fatal("grant called"); return nil, nil }})
	if err != nil || res.Token.AccessToken != "new" {
		t.Fatal(res, err)
	}
	if e, _ := c.store.load(key.ID()); e.Token.RefreshToken != "keep-me" {
		t.Fatalf("refresh token %q, want the one the server kept valid", e.Token.RefreshToken)
	}
}

func TestGetRejectedRefreshTokenFallsBackToGrant(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKey()
	seed(t, c, key, &Token{AccessToken: "old", RefreshToken: "revoked", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Minute)})
	c.clock.Add(time.Hour)
	srv := newRotatingServer(c.clock, time.Hour, "something-else")
	grants := 0
	res, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, Refresh: srv.refresh, RefreshRejected: rejected, Grant: grantN(t, &grants, time.Hour, true, c)})
	if err != nil || res.Source != FromGrant || grants != 1 {
		t.Fatalf("%+v %v grants=%d", res, err, grants)
	}
	if !strings.Contains(c.warn.String(), "refresh token was refused") {
		t.Errorf("the refusal is not reported:\n%s", c.warn)
	}
	if e, _ := c.store.load(key.ID()); e.Token.RefreshToken != "rt-grant-1" {
		t.Fatalf("stored %q", e.Token.RefreshToken)
	}
}

func TestGetRefreshFailureKeepsEntry(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKey()
	seed(t, c, key, &Token{AccessToken: "old", RefreshToken: "rt", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Minute)})
	c.clock.Add(time.Hour)
	netErr := errors.New("connection refused")
	_, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, RefreshRejected: rejected,
		Refresh: func(context.Context, string) (*Token, error) { return nil, netErr },
		Grant:   func(context.Context) (*Token, error) { t.Fatal("grant called"); return nil, nil }})
	if !errors.Is(err, netErr) {
		t.Fatalf("err = %v", err)
	}
	if e, _ := c.store.load(key.ID()); e == nil || e.Token.RefreshToken != "rt" {
		t.Fatal("the entry was dropped after a failure that did not refuse the refresh token")
	}
}

func TestGetGrantErrorStoresNothing(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	boom := errors.New("invalid_client")
	if _, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: func(context.Context) (*Token, error) { return nil, boom }}); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if e, _ := c.store.load(testKey().ID()); e != nil {
		t.Fatal("stored an entry after a failed grant")
	}
}

func TestGetWarnsAboutTokensThatWillNotBeReused(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	n := 0
	if _, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: 2 * time.Hour, Grant: grantN(t, &n, time.Hour, false, c)}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.warn.String(), "not more than --min-ttl 2h0m0s") {
		t.Errorf("no warning:\n%s", c.warn)
	}
}

func TestStorageNoneKeepsNothing(t *testing.T) {
	c := newTestCache(t, StorageNone)
	n := 0
	req := Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, false, c)}
	for range 3 {
		if res, err := c.Get(t.Context(), req); err != nil || res.Source != FromGrant {
			t.Fatal(res, err)
		}
	}
	// A one-shot process asks once: storage none keeps nothing, not even
	// in memory.
	if n != 3 {
		t.Fatalf("%d grants, want 3", n)
	}
	if c.Dir() != "" {
		t.Fatal("storage none uses a directory")
	}
}

func TestOpenUnknownStorage(t *testing.T) {
	if _, err := Open(Options{Storage: "file", Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "disk, keyring, none") {
		t.Fatalf("err = %v", err)
	}
}

func TestDiskLayoutAndModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix modes; the profile directory is private to the user")
	}
	base := t.TempDir()
	dir := filepath.Join(base, "hydra", "tokens")
	c := openTestCache(t, StorageDisk, dir, nil)
	n := 0
	if _, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, c)}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v, %v", fi.Mode(), err)
	}
	fi, err = os.Stat(filepath.Join(dir, testKey().ID()+".json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("entry mode %v, %v", fi.Mode(), err)
	}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", de.Name())
		}
	}
}

func TestDefaultDir(t *testing.T) {
	env := map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}
	d, err := DefaultDir(func(k string) string { return env[k] })
	if err != nil || d != filepath.Join("/x/cache", "hydra", "tokens") {
		t.Fatalf("%s %v", d, err)
	}
	env["XDG_CACHE_HOME"] = "relative"
	if d, _ := DefaultDir(func(k string) string { return env[k] }); d != filepath.Join("/home/u", ".cache", "hydra", "tokens") {
		t.Fatalf("relative XDG_CACHE_HOME: %s", d)
	}
}
