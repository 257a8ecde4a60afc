//go:build unix

package tokencache

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBadFilesAreReportedAndBypassed covers each kind of cache file that
// must not be trusted: the token in it is never used, stderr says why, and
// a new token is obtained.
func TestBadFilesAreReportedAndBypassed(t *testing.T) {
	for _, tc := range []struct {
		name string
		// spoil damages the entry file at p.
		spoil func(t *testing.T, p string)
		want  []string
		// replaced says whether the new token replaces the bad file; a
		// file open to others is left for the user to fix.
		replaced bool
	}{
		{"corrupt JSON", func(t *testing.T, p string) { writeMode(t, p, `{"version":1,"id":`, 0o600) }, []string{"is corrupt"}, true},
		// An empty file is what discard leaves of an entry it could not
		// remove: no entry, and no warning.
		{"empty file", func(t *testing.T, p string) { writeMode(t, p, "", 0o600) }, nil, true},
		{"no access token", func(t *testing.T, p string) {
			writeMode(t, p, `{"version":1,"id":"`+testKey().ID()+`","storage":"disk","token":{"access_token":""}}`, 0o600)
		}, []string{"no access token"}, true},
		{"another key's entry", func(t *testing.T, p string) {
			raw, _ := os.ReadFile(p)
			writeMode(t, p, strings.Replace(string(raw), testKey().ID(), "00000000000000000000000000000000", 1), 0o600)
		}, []string{"another key"}, true},
		{"future format", func(t *testing.T, p string) {
			raw, _ := os.ReadFile(p)
			writeMode(t, p, strings.Replace(string(raw), `"version":1`, `"version":9`, 1), 0o600)
		}, []string{"entry format 9, newer than this hydra's 1", "not replaced"}, false},
		{"old format", func(t *testing.T, p string) {
			raw, _ := os.ReadFile(p)
			writeMode(t, p, strings.Replace(string(raw), `"version":1`, `"version":0`, 1), 0o600)
		}, []string{"entry format 0, not 1"}, true},
		{"readable by others", func(t *testing.T, p string) {
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"readable by group or others (mode 0644)", "fix it with: chmod 600 " + "PATH"}, false},
		{"readable by group", func(t *testing.T, p string) { os.Chmod(p, 0o640) }, []string{"mode 0640", "chmod 600"}, false},
		{"symbolic link", func(t *testing.T, p string) {
			other := filepath.Join(filepath.Dir(filepath.Dir(p)), "elsewhere.json")
			raw, _ := os.ReadFile(p)
			writeMode(t, other, string(raw), 0o600)
			os.Remove(p)
			if err := os.Symlink(other, p); err != nil {
				t.Fatal(err)
			}
		}, []string{"cannot be read"}, true},
		{"a directory", func(t *testing.T, p string) { os.Remove(p); os.Mkdir(p, 0o700) }, []string{"is not a regular file"}, false},
		{"a FIFO", func(t *testing.T, p string) {
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, []string{"is not a regular file"}, true},
		{"unreadable", func(t *testing.T, p string) {
			if os.Geteuid() == 0 {
				// Root reads a file at mode 0; an I/O error stands in.
				os.Remove(p)
				os.Mkdir(p, 0o700)
				return
			}
			os.Chmod(p, 0)
		}, []string{"not"}, false},
		{"owned by another user", func(t *testing.T, p string) {
			if os.Geteuid() != 0 {
				t.Skip("only root can give a file to another user")
			}
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, []string{"belongs to user ID 65534"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCache(t, StorageDisk)
			key := testKey()
			seed(t, c, key, &Token{AccessToken: "trusted-once", ObtainedAt: c.clock.Now(), Expiry: c.clock.Now().Add(time.Hour)})
			p := filepath.Join(c.Dir(), key.ID()+".json")
			tc.spoil(t, p)

			n := 0
			res, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, Grant: grantN(t, &n, time.Hour, false, c)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Source != FromGrant || res.Token.AccessToken == "trusted-once" || n != 1 {
				t.Fatalf("the bad file was trusted: %v %q", res.Source, res.Token.AccessToken)
			}
			warn := c.warn.String()
			for _, w := range tc.want {
				if !strings.Contains(warn, strings.ReplaceAll(w, "PATH", p)) {
					t.Errorf("stderr should say %q:\n%s", w, warn)
				}
			}
			if tc.want != nil && !strings.Contains(warn, p) {
				t.Errorf("stderr should name %s:\n%s", p, warn)
			}
			if tc.want == nil && warn != "" {
				t.Errorf("stderr should be empty:\n%s", warn)
			}
			// A file is reported once, though it is read before and under
			// the lock.
			if n := strings.Count(warn, "warning: token cache: "+p); tc.want != nil && n != 1 {
				t.Errorf("the file is reported %d times:\n%s", n, warn)
			}
			// A file that is refused is not replaced, and the caller hears
			// that the token was not stored.
			if !tc.replaced && res.SaveErr == nil {
				t.Errorf("SaveErr is nil, yet the token was not stored")
			}
			e, _ := c.dir.read(key.ID())
			if tc.replaced && (e == nil || e.Token.AccessToken != res.Token.AccessToken) {
				t.Errorf("the bad file was not replaced by the new entry")
			}
			if !tc.replaced && e != nil && e.Token.AccessToken == res.Token.AccessToken {
				t.Errorf("a refused file was overwritten")
			}
		})
	}
}

func TestBadDirectoryIsRefused(t *testing.T) {
	t.Run("open to others", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "tokens")
		os.Mkdir(dir, 0o755)
		os.Chmod(dir, 0o755)
		c := openTestCache(t, StorageDisk, dir, nil)
		if c.Storage() != StorageNone {
			t.Fatalf("storage %s, want none for a refused directory", c.Storage())
		}
		if w := c.warn.String(); !strings.Contains(w, "open to group or others (mode 0755)") || !strings.Contains(w, "chmod 700 "+dir) {
			t.Fatalf("stderr:\n%s", w)
		}
		n := 0
		if _, err := c.Get(t.Context(), Request{Key: testKey(), MinTTL: -1, Grant: grantN(t, &n, time.Hour, false, c)}); err != nil || n != 1 {
			t.Fatalf("the command should still get its token: %v", err)
		}
		if des, _ := os.ReadDir(dir); len(des) != 0 {
			t.Fatalf("wrote into a refused directory: %v", des)
		}
	})
	t.Run("a file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "tokens")
		os.WriteFile(p, nil, 0o600)
		c := openTestCache(t, StorageDisk, p, nil)
		if c.Storage() != StorageNone || !strings.Contains(c.warn.String(), "cannot be created") {
			t.Fatalf("%s\n%s", c.Storage(), c.warn)
		}
	})
	t.Run("owned by another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("only root can give a directory to another user")
		}
		dir := filepath.Join(t.TempDir(), "tokens")
		os.Mkdir(dir, 0o700)
		os.Chown(dir, 65534, 65534)
		c := openTestCache(t, StorageDisk, dir, nil)
		if c.Storage() != StorageNone || !strings.Contains(c.warn.String(), "belongs to user ID 65534") {
			t.Fatalf("%s\n%s", c.Storage(), c.warn)
		}
	})
}

func writeMode(t *testing.T, p, content string, mode os.FileMode) {
	t.Helper()
	os.Remove(p)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
}
