package pgphelper

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/pgpsecret"
	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
)

// helper answers in-process, with hydra-pgp's main.
var helper = InProcess(pgpsecret.Main)

// keyServer serves key at path over TLS on loopback and returns its URL
// and a connection that trusts its certificate, and the paths requested.
func keyServer(t *testing.T, path string, key []byte) (string, cmdutil.Connection, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var paths []string
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the admin API's credentials were sent to the key server")
		}
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Write(key)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the TLS failure that a test causes
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return ts.URL, cmdutil.Connection{CACert: ca}, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), paths...)
	}
}

func TestLoadURL(t *testing.T) {
	key := pgptest.NewKey(t)
	base, conn, _ := keyServer(t, "/keys/k.asc", key.Public)
	f, _, _, _ := cmdtest.Factory(nil)

	r, err := (&Flags{Helper: helper, KeyURL: base + "/keys/k.asc"}).Load(context.Background(), f, conn)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := r.Encrypt(context.Background(), "abcdef")
	if got, err := key.Decrypt(enc); err != nil || got != "abcdef" {
		t.Fatalf("decrypted %q, %v", got, err)
	}

	// A 404 names the URL.
	_, err = (&Flags{Helper: helper, KeyURL: base + "/nope.asc"}).Load(context.Background(), f, conn)
	if err == nil || !strings.Contains(err.Error(), base+"/nope.asc") {
		t.Errorf("error %v, want the URL named", err)
	}
	// TLS is verified: without the CA, the fetch fails.
	_, err = (&Flags{Helper: helper, KeyURL: base + "/keys/k.asc"}).Load(context.Background(), f, cmdutil.Connection{})
	if err == nil || !strings.Contains(err.Error(), base+"/keys/k.asc") {
		t.Errorf("error %v, want a TLS failure naming the URL", err)
	}
	// Something else than a key.
	base2, conn2, _ := keyServer(t, "/k", []byte("<html>login</html>"))
	_, err = (&Flags{Helper: helper, KeyURL: base2 + "/k"}).Load(context.Background(), f, conn2)
	if err == nil || !strings.Contains(err.Error(), "not an OpenPGP public key") || !strings.Contains(err.Error(), base2+"/k") {
		t.Errorf("error %v", err)
	}
	// Not a URL.
	_, err = (&Flags{Helper: helper, KeyURL: "ftp://x/k"}).Load(context.Background(), f, conn)
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
		t.Errorf("error %v, want a usage error", err)
	}
}

func TestLoadKeybase(t *testing.T) {
	key := pgptest.NewKey(t)
	base, conn, paths := keyServer(t, "/alice_1/pgp_keys.asc", key.Public)
	f, _, _, _ := cmdtest.Factory(nil)
	r, err := (&Flags{Helper: helper, Keybase: "alice_1", KeybaseURL: base}).Load(context.Background(), f, conn)
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(); len(got) != 1 || got[0] != "/alice_1/pgp_keys.asc" {
		t.Errorf("requested %v", got)
	}
	if r.KeyID() == "" {
		t.Error("no key ID")
	}
	for _, bad := range []string{"../x", "a/b", "a?b", strings.Repeat("a", 17)} {
		_, err := (&Flags{Helper: helper, Keybase: bad, KeybaseURL: base}).Load(context.Background(), f, conn)
		if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
			t.Errorf("%q: error %v, want a usage error", bad, err)
		}
	}
	if len(paths()) != 1 {
		t.Errorf("a bad name was fetched: %v", paths())
	}
	_, err = (&Flags{Helper: helper, Keybase: "bob", KeybaseURL: base}).Load(context.Background(), f, conn)
	if err == nil || !strings.Contains(err.Error(), base+"/bob/pgp_keys.asc") {
		t.Errorf("error %v, want the URL named", err)
	}
}

func TestSeal(t *testing.T) {
	key := pgptest.NewKey(t)
	f, _, _, _ := cmdtest.Factory(nil)
	var note strings.Builder
	fl := &Flags{Helper: helper, Key: key.Base64()}
	if s, err := fl.Seal(context.Background(), f, cmdutil.Connection{}, &note, "", false); err != nil || s != "" || !strings.Contains(note.String(), "no new secret") {
		t.Errorf("no secret: %q, %v, note %q", s, err, note.String())
	}
	s, err := fl.Seal(context.Background(), f, cmdutil.Connection{}, &note, "new-secret", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := key.Decrypt(s); err != nil || got != "new-secret" {
		t.Errorf("decrypted %q, %v", got, err)
	}
	if s, err := (&Flags{Helper: helper}).Seal(context.Background(), f, cmdutil.Connection{}, &note, "x", false); s != "" || err != nil {
		t.Errorf("no flag: %q %v", s, err)
	}
}
