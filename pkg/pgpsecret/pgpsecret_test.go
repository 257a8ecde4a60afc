package pgpsecret

import (
	"context"
	"encoding/base64"
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

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
)

func TestEncryptRoundTrip(t *testing.T) {
	key := pgptest.NewKey(t)
	r, err := ParseBase64Key(key.Base64(), "--pgp-key")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := r.Encrypt("s3cr3t-value")
	if err != nil {
		t.Fatal(err)
	}
	// What Hydra's CLI prints: base64 of an ASCII-armored PGP MESSAGE.
	armored, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.HasPrefix(string(armored), "-----BEGIN PGP MESSAGE-----\n") || !strings.HasSuffix(string(armored), "-----END PGP MESSAGE-----") {
		t.Fatalf("not base64 of an armored message: %v\n%s", err, armored)
	}
	if strings.Contains(string(armored), "s3cr3t") {
		t.Fatal("the secret is in clear")
	}
	got, err := key.Decrypt(enc)
	if err != nil || got != "s3cr3t-value" {
		t.Fatalf("decrypted %q, %v", got, err)
	}
	enc2, _ := r.Encrypt("s3cr3t-value")
	if enc2 == enc {
		t.Error("two encryptions gave the same ciphertext")
	}

	// Hydra v1's encoding: base64 of the binary message.
	v1, err := r.EncryptV1("s3cr3t-value")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := base64.StdEncoding.DecodeString(v1); len(b) == 0 || b[0]&0x80 == 0 {
		t.Fatalf("not base64 of a binary OpenPGP message: %q", v1)
	}
	if got, err := key.Decrypt(v1); err != nil || got != "s3cr3t-value" {
		t.Fatalf("v1: decrypted %q, %v", got, err)
	}
}

func TestParseKey(t *testing.T) {
	key := pgptest.NewKey(t)
	// A binary (unarmored) key is taken too.
	block, err := armor.Decode(strings.NewReader(string(key.Public)))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := io.ReadAll(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseKey(bin, "k"); err != nil {
		t.Errorf("binary key: %v", err)
	}
	// A private key block encrypts to its public part, as in Hydra.
	if _, err := ParseKey(key.Private, "k"); err != nil {
		t.Errorf("private key block: %v", err)
	}

	for name, c := range map[string]struct {
		value string
		want  string
	}{
		"not base64":    {"not base64!", "--pgp-key is not base64"},
		"not a key":     {base64.StdEncoding.EncodeToString([]byte("hello")), "--pgp-key is not an OpenPGP public key"},
		"a message":     {base64.StdEncoding.EncodeToString([]byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA1==\n-----END PGP MESSAGE-----\n")), "not an OpenPGP public key"},
		"signing only":  {pgptest.NewSigningOnlyKey(t).Base64(), "cannot encrypt"},
		"pem, not pgp":  {base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2}})), "not an OpenPGP public key"},
		"empty armored": {base64.StdEncoding.EncodeToString([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n")), "--pgp-key"},
	} {
		_, err := ParseBase64Key(c.value, "--pgp-key")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

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

	r, err := (&Flags{KeyURL: base + "/keys/k.asc"}).Load(context.Background(), f, conn)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := r.Encrypt("abcdef")
	if got, err := key.Decrypt(enc); err != nil || got != "abcdef" {
		t.Fatalf("decrypted %q, %v", got, err)
	}

	// A 404 names the URL.
	_, err = (&Flags{KeyURL: base + "/nope.asc"}).Load(context.Background(), f, conn)
	if err == nil || !strings.Contains(err.Error(), base+"/nope.asc") {
		t.Errorf("error %v, want the URL named", err)
	}
	// TLS is verified: without the CA, the fetch fails.
	_, err = (&Flags{KeyURL: base + "/keys/k.asc"}).Load(context.Background(), f, cmdutil.Connection{})
	if err == nil || !strings.Contains(err.Error(), base+"/keys/k.asc") {
		t.Errorf("error %v, want a TLS failure naming the URL", err)
	}
	// Something else than a key.
	base2, conn2, _ := keyServer(t, "/k", []byte("<html>login</html>"))
	_, err = (&Flags{KeyURL: base2 + "/k"}).Load(context.Background(), f, conn2)
	if err == nil || !strings.Contains(err.Error(), "not an OpenPGP public key") || !strings.Contains(err.Error(), base2+"/k") {
		t.Errorf("error %v", err)
	}
	// Not a URL.
	_, err = (&Flags{KeyURL: "ftp://x/k"}).Load(context.Background(), f, conn)
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
		t.Errorf("error %v, want a usage error", err)
	}
}

func TestLoadKeybase(t *testing.T) {
	key := pgptest.NewKey(t)
	base, conn, paths := keyServer(t, "/alice_1/pgp_keys.asc", key.Public)
	f, _, _, _ := cmdtest.Factory(nil)
	r, err := (&Flags{Keybase: "alice_1", KeybaseURL: base}).Load(context.Background(), f, conn)
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
		_, err := (&Flags{Keybase: bad, KeybaseURL: base}).Load(context.Background(), f, conn)
		if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
			t.Errorf("%q: error %v, want a usage error", bad, err)
		}
	}
	if len(paths()) != 1 {
		t.Errorf("a bad name was fetched: %v", paths())
	}
	_, err = (&Flags{Keybase: "bob", KeybaseURL: base}).Load(context.Background(), f, conn)
	if err == nil || !strings.Contains(err.Error(), base+"/bob/pgp_keys.asc") {
		t.Errorf("error %v, want the URL named", err)
	}
}

func TestSeal(t *testing.T) {
	key := pgptest.NewKey(t)
	f, _, _, _ := cmdtest.Factory(nil)
	var note strings.Builder
	fl := &Flags{Key: key.Base64()}
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
	if s, err := (&Flags{}).Seal(context.Background(), f, cmdutil.Connection{}, &note, "x", false); s != "" || err != nil {
		t.Errorf("no flag: %q %v", s, err)
	}
}
