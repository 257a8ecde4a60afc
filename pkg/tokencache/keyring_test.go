package tokencache

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeKeyring is an in-memory keyring with an optional size limit, like
// Windows' and macOS's.
type fakeKeyring struct {
	mu    sync.Mutex
	items map[string]string
	limit int
	err   error
}

func newFakeKeyring() *fakeKeyring { return &fakeKeyring{items: map[string]string{}} }

func (k *fakeKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return "", k.err
	}
	v, ok := k.items[service+"/"+user]
	if !ok {
		return "", ErrKeyringNotFound
	}
	return v, nil
}

func (k *fakeKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	if k.limit > 0 && len(secret) > k.limit {
		return fmt.Errorf("fake keyring: %d bytes is over the limit", len(secret))
	}
	k.items[service+"/"+user] = secret
	return nil
}

func (k *fakeKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	if _, ok := k.items[service+"/"+user]; !ok {
		return ErrKeyringNotFound
	}
	delete(k.items, service+"/"+user)
	return nil
}

// bigGrant returns a grant whose token response is about size bytes.
func bigGrant(c *testCache, size int) func() (*Token, error) {
	return func() (*Token, error) {
		raw := fmt.Sprintf(`{"access_token":"%s","expires_in":3600,"id_token":"%s","refresh_token":"rt"}`, strings.Repeat("a", size/2), strings.Repeat("i", size/2))
		return ParseResponse([]byte(raw), c.clock.Now())
	}
}

func TestKeyringStoreKeepsNoTokenOnDisk(t *testing.T) {
	kr := newFakeKeyring()
	c := openTestCache(t, StorageKeyring, filepath.Join(t.TempDir(), "tokens"), kr)
	n := 0
	res, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, c)})
	if err != nil || res.SaveErr != nil {
		t.Fatal(err, res.SaveErr)
	}
	disk := readAll(t, c.Dir())
	if strings.Contains(disk, res.Token.AccessToken) || strings.Contains(disk, "rt-grant-1") {
		t.Fatalf("a keyring entry put a token on disk:\n%s", disk)
	}
	if !strings.Contains(disk, `"storage":"keyring"`) || !strings.Contains(disk, "my-client") {
		t.Fatalf("the disk stub lacks the key fields:\n%s", disk)
	}
	again, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, c)})
	if err != nil || again.Source != FromCache || again.Token.RefreshToken != "rt-grant-1" {
		t.Fatalf("%+v %v", again, err)
	}
	// A disk cache does not see the keyring entry as a token; its entry
	// replaces the keyring's, which leaves no item behind.
	d := openTestCache(t, StorageDisk, c.Dir(), kr)
	if res, _ := d.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, d)}); res.Source != FromGrant {
		t.Fatal("a disk cache used a keyring stub")
	}
	if len(kr.items) != 0 {
		t.Fatalf("%d keyring items left behind by the disk entry", len(kr.items))
	}
}

func TestKeyringSplitsLargeEntries(t *testing.T) {
	kr := newFakeKeyring()
	kr.limit = 2600
	c := openTestCache(t, StorageKeyring, filepath.Join(t.TempDir(), "tokens"), kr)
	c.store.(*keyringStore).chunk = 2400
	tok, _ := bigGrant(c, 6000)()
	key := testKey()
	if err := c.store.save(newEntry(key, StorageKeyring, tok)); err != nil {
		t.Fatal(err)
	}
	if len(kr.items) < 3 {
		t.Fatalf("a 6 kB entry in %d items, want it split", len(kr.items))
	}
	e, err := c.store.load(key.ID())
	if err != nil || e.Token.AccessToken != tok.AccessToken {
		t.Fatalf("reading the split entry: %v", err)
	}
	// A smaller entry drops the parts it no longer needs.
	small := &Token{AccessToken: "small", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Hour)}
	if err := c.store.save(newEntry(key, StorageKeyring, small)); err != nil {
		t.Fatal(err)
	}
	if len(kr.items) != 1 {
		t.Fatalf("%d items after a small entry replaced a split one", len(kr.items))
	}
	// A missing part is detected, not trusted.
	c.store.save(newEntry(key, StorageKeyring, tok))
	delete(kr.items, KeyringService+"/"+key.ID()+".1")
	if _, err := c.store.load(key.ID()); err == nil || !strings.Contains(err.Error(), "part 2 of") {
		t.Fatalf("err = %v", err)
	}
	// As is a part that changed.
	c.store.save(newEntry(key, StorageKeyring, tok))
	kr.items[KeyringService+"/"+key.ID()+".2"] = "x" + kr.items[KeyringService+"/"+key.ID()+".2"][1:]
	if _, err := c.store.load(key.ID()); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("err = %v", err)
	}
	if err := c.store.remove(key.ID()); err != nil || len(kr.items) != 0 {
		t.Fatalf("remove left %d items: %v", len(kr.items), err)
	}
}

func TestKeyringUnavailableIsAnError(t *testing.T) {
	kr := newFakeKeyring()
	c := openTestCache(t, StorageKeyring, filepath.Join(t.TempDir(), "tokens"), kr)
	kr.err = errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided")
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "--cache-storage disk, or none") {
		t.Fatalf("Check: %v", err)
	}
	n := 0
	res, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, c)})
	if err != nil {
		t.Fatal(err)
	}
	if res.SaveErr == nil || !strings.Contains(res.SaveErr.Error(), "OS keyring failed") {
		t.Fatalf("SaveErr = %v", res.SaveErr)
	}
	if strings.Contains(readAll(t, c.Dir()), res.Token.AccessToken) {
		t.Fatal("the keyring failed and the token went to disk")
	}
}

func TestListAndClear(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tokens")
	kr := newFakeKeyring()
	disk := openTestCache(t, StorageDisk, dir, nil)
	ring := openTestCache(t, StorageKeyring, dir, kr)
	n := 0
	keys := []Key{
		{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "a", Grant: "client_credentials"},
		{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: "b", Grant: "client_credentials", Scopes: []string{"x"}},
		{Issuer: "http://127.0.0.1:5555/oauth2/token", ClientID: "a", Grant: "client_credentials"},
	}
	for i, k := range keys {
		c := disk
		if i == 1 {
			c = ring
		}
		if _, err := c.Get(t.Context(), Request{Key: k, MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, c)}); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "0123.json"), []byte("junk"), 0o600)

	entries, errs, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || len(errs) != 1 {
		t.Fatalf("%d entries, %d errors", len(entries), len(errs))
	}
	for _, e := range entries {
		if e.Token != nil {
			t.Fatal("List returned a token")
		}
	}

	res, err := Clear(dir, Filter{ClientID: "a", Issuer: "http://127.0.0.1:4444"}, kr)
	if err != nil || len(res.Removed) != 1 || res.Removed[0].Key.ClientID != "a" || res.Removed[0].Key.Issuer != keys[0].Issuer {
		t.Fatalf("clear by client and issuer: %+v %v", res, err)
	}
	if len(res.Warnings) != 1 || len(res.RemovedBad) != 0 {
		t.Fatalf("a filtered clear should leave the bad file: %+v", res)
	}
	res, _ = Clear(dir, Filter{ClientID: "b"}, kr)
	if len(res.Removed) != 1 || len(kr.items) != 0 {
		t.Fatalf("clearing the keyring entry left %d keyring items", len(kr.items))
	}
	res, _ = Clear(dir, Filter{}, kr)
	if len(res.Removed) != 1 || len(res.RemovedBad) != 1 {
		t.Fatalf("clear all: %+v", res)
	}
	if des, _ := os.ReadDir(dir); len(des) != 0 {
		for _, de := range des {
			if strings.HasSuffix(de.Name(), ".json") {
				t.Errorf("left after clear all: %s", de.Name())
			}
		}
	}
}

func TestForget(t *testing.T) {
	kr := newFakeKeyring()
	dir := filepath.Join(t.TempDir(), "tokens")
	disk := openTestCache(t, StorageDisk, dir, nil)
	ring := openTestCache(t, StorageKeyring, dir, kr)
	n := 0
	k2 := testKey()
	k2.ClientID = "other"
	res1, _ := disk.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, disk)})
	res2, _ := ring.Get(t.Context(), Request{Key: k2, MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, ring)})
	own := Revocation{ClientID: "my-client", TokenURL: testKey().Issuer}
	forget := func(r Revocation, tok string) *Forgotten {
		t.Helper()
		r.Token = tok
		f, err := Forget(dir, r, kr)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := forget(own, "unknown"); len(f.Removed)+len(f.Kept) != 0 {
		t.Fatalf("forgot %v", f)
	}
	// Another client's revocation leaves the token active: the entry stays,
	// even when introspection finds the (expired) access token inactive.
	if f := forget(Revocation{ClientID: "intruder", TokenURL: testKey().Issuer, Confirmed: true}, res1.Token.RefreshToken); len(f.Removed) != 0 || len(f.Kept) != 1 || !strings.Contains(f.Why[0], "client intruder") {
		t.Fatalf("another client's revocation: %+v", f)
	}
	// Its own client, at another server, unconfirmed: kept.
	if f := forget(Revocation{ClientID: "my-client", TokenURL: "https://elsewhere.example/oauth2/token"}, res1.Token.RefreshToken); len(f.Removed) != 0 || len(f.Kept) != 1 || !strings.Contains(f.Why[0], "not confirmed") {
		t.Fatalf("unconfirmed revocation: %+v", f)
	}
	if f := forget(own, res1.Token.RefreshToken); len(f.Removed) != 1 || f.Removed[0].Key.ClientID != "my-client" {
		t.Fatalf("forgetting the refresh token: %+v", f)
	}
	// Confirmed by introspection, through another URL of the server.
	if f := forget(Revocation{ClientID: "other", TokenURL: "http://127.0.0.1:1/oauth2/token", Confirmed: true}, res2.Token.AccessToken); len(f.Removed) != 1 || len(kr.items) != 0 {
		t.Fatalf("forgetting the keyring entry's access token: %+v, %d items left", f, len(kr.items))
	}
	if entries, _, _ := List(dir); len(entries) != 0 {
		t.Fatalf("%d entries left", len(entries))
	}
}

// TestSystemKeyring stores, reads and clears an entry in a real Secret
// Service: gnome-keyring, in a D-Bus session of its own started with
// dbus-run-session, so that no desktop keyring is ever touched. It runs
// itself again inside that session.
func TestSystemKeyring(t *testing.T) {
	if os.Getenv("HYDRA_TEST_KEYRING_CHILD") == "" {
		for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
			if _, err := exec.LookPath(tool); err != nil {
				msg := "needs " + tool + " (Debian packages dbus and gnome-keyring; .ci/run installs them)"
				if os.Getenv("CI") != "" {
					t.Fatal(msg)
				}
				t.Skip(msg)
			}
		}
		home := t.TempDir()
		cmd := exec.Command("dbus-run-session", "--", "sh", "-c",
			`echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" -test.run '^TestSystemKeyring$' -test.v -test.count=1`, os.Args[0])
		cmd.Env = append(os.Environ(), "HYDRA_TEST_KEYRING_CHILD=1", "HOME="+home, "XDG_DATA_HOME="+home+"/data", "XDG_RUNTIME_DIR="+home)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestSystemKeyring") {
			t.Fatalf("the keyring test under dbus-run-session failed: %v\n%s", err, out)
		}
		return
	}

	dir := filepath.Join(t.TempDir(), "tokens")
	c := openTestCache(t, StorageKeyring, dir, nil)
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	n := 0
	key := testKey()
	key.Credential = "secret"
	req := Request{Key: key, MinTTL: -1, Grant: grantN(t, &n, time.Hour, true, c)}
	res, err := c.Get(t.Context(), req)
	if err != nil || res.SaveErr != nil {
		t.Fatal(err, res.SaveErr)
	}
	got, err := SystemKeyring{}.Get(KeyringService, key.ID())
	if err != nil || !strings.Contains(got, res.Token.AccessToken) {
		t.Fatalf("the Secret Service does not hold the entry: %v", err)
	}
	if strings.Contains(readAll(t, dir), res.Token.AccessToken) {
		t.Fatal("the token is on disk")
	}
	again := openTestCache(t, StorageKeyring, dir, nil)
	r2, err := again.Get(t.Context(), req)
	if err != nil || r2.Source != FromCache || r2.Token.RefreshToken != res.Token.RefreshToken {
		t.Fatalf("a second process did not read the keyring entry: %+v %v", r2, err)
	}
	// A large entry (a big ID token) also round-trips, split or not.
	big, _ := bigGrant(c, 20000)()
	ks := c.store.(*keyringStore)
	ks.chunk = 2400
	if err := ks.save(newEntry(key, StorageKeyring, big)); err != nil {
		t.Fatal(err)
	}
	if e, err := ks.load(key.ID()); err != nil || e.Token.AccessToken != big.AccessToken {
		t.Fatalf("split entry: %v", err)
	}
	cleared, err := Clear(dir, Filter{}, nil)
	if err != nil || len(cleared.Errors)+len(cleared.Warnings) != 0 || len(cleared.Removed) != 1 {
		t.Fatalf("clear: %+v %v", cleared, err)
	}
	if _, err := (SystemKeyring{}).Get(KeyringService, key.ID()); !errors.Is(err, ErrKeyringNotFound) {
		t.Fatalf("the keyring item survived clear: %v", err)
	}
	if _, err := (SystemKeyring{}).Get(KeyringService, key.ID()+".1"); !errors.Is(err, ErrKeyringNotFound) {
		t.Fatalf("a part survived clear: %v", err)
	}
}
