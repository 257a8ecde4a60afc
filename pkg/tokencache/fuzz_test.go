package tokencache

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParseEntry reads any content as an entry file. It never panics, and
// what it accepts is a well-formed entry of this format: a disk entry has
// an access token, a keyring stub has none. A newer format is refused
// (neither read nor replaced); an empty file is no entry. Seeds are in
// testdata/fuzz/FuzzParseEntry.
func FuzzParseEntry(f *testing.F) {
	f.Add([]byte(`{"version":1,"id":"x","storage":"disk","token":{"access_token":"a"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := parseEntry(b, "entry.json")
		if err != nil {
			bad, ok := err.(*BadFileError)
			if !ok || e != nil || bad.Path != "entry.json" {
				t.Fatalf("%T %v %v", err, err, e)
			}
			if bad.Refused && !strings.Contains(bad.Reason, "newer") {
				t.Fatalf("refused for another reason than a newer format: %v", bad)
			}
			return
		}
		if e == nil {
			if len(b) != 0 {
				t.Fatalf("no entry and no error for %q", b)
			}
			return
		}
		if e.Version != entryVersion {
			t.Fatalf("version %d accepted", e.Version)
		}
		switch e.Storage {
		case StorageDisk:
			if e.Token == nil || e.Token.AccessToken == "" {
				t.Fatal("a disk entry without an access token was accepted")
			}
		case StorageKeyring:
			if e.Token != nil {
				t.Fatal("a keyring stub with a token was accepted")
			}
		default:
			t.Fatalf("storage %q accepted", e.Storage)
		}
	})
}

// FuzzKeyringLoad reads any first keyring item (and any second one) as an
// entry. It never panics; what it accepts passed the checksum and is an
// entry of this format for its own ID, with an access token. Seeds are in
// testdata/fuzz/FuzzKeyringLoad.
func FuzzKeyringLoad(f *testing.F) {
	body := `{"version":1,"id":"` + testKey().ID() + `","storage":"keyring","token":{"access_token":"a"}}`
	f.Add(keyringItem(body), "")
	f.Fuzz(func(t *testing.T, first, second string) {
		kr := newFakeKeyring()
		id := testKey().ID()
		kr.items[KeyringService+"/"+id] = first
		if second != "" {
			kr.items[KeyringService+"/"+id+".1"] = second
		}
		d, err := openDir(filepath.Join(t.TempDir(), "tokens"))
		if err != nil {
			t.Fatal(err)
		}
		s := &keyringStore{kr: kr, dir: d}
		e, err := s.load(id)
		if err != nil {
			if _, ok := err.(*BadFileError); !ok || e != nil {
				t.Fatalf("%T %v", err, err)
			}
			return
		}
		if e == nil || e.ID != id || e.Version != entryVersion || e.Token == nil || e.Token.AccessToken == "" {
			t.Fatalf("accepted %+v", e)
		}
	})
}

// FuzzParseResponse reads any token response as the cache keeps it. It
// never panics; what it accepts has an access token, keeps the response as
// sent, and expires after it was obtained, however large expires_in is.
// Seeds are in testdata/fuzz/FuzzParseResponse.
func FuzzParseResponse(f *testing.F) {
	obtained := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte) {
		tok, err := ParseResponse(raw, obtained)
		if err != nil {
			if tok != nil {
				t.Fatal("a token with an error")
			}
			return
		}
		if tok.AccessToken == "" || !bytes.Equal(tok.Response, raw) {
			t.Fatalf("accepted %q as %+v", raw, tok)
		}
		if !tok.Expiry.IsZero() && !tok.Expiry.After(obtained) {
			t.Fatalf("%q expires at %v, before it was obtained", raw, tok.Expiry)
		}
	})
}
