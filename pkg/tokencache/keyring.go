package tokencache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/hydratoken/hydra/pkg/text"
)

// KeyringService is the service name of the cache's keyring items.
const KeyringService = "hydra-token-cache"

// Keyring is the part of an OS keyring the cache uses. SystemKeyring is the
// real one; tests give a fake.
type Keyring interface {
	// Get returns the secret of an item, or ErrKeyringNotFound.
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	// Delete removes an item, or returns ErrKeyringNotFound.
	Delete(service, user string) error
}

// ErrKeyringNotFound is the error of Keyring.Get and Delete for a missing
// item.
var ErrKeyringNotFound = gokeyring.ErrNotFound

// SystemKeyring is the OS keyring, through github.com/zalando/go-keyring:
// the Secret Service over D-Bus on Linux and BSD, the Keychain on macOS,
// the Credential Manager on Windows. Nothing connects to it until it is
// used.
type SystemKeyring struct{}

func (SystemKeyring) Get(service, user string) (string, error) { return gokeyring.Get(service, user) }
func (SystemKeyring) Set(service, user, secret string) error {
	return gokeyring.Set(service, user, secret)
}
func (SystemKeyring) Delete(service, user string) error { return gokeyring.Delete(service, user) }

// keyringChunk is the largest secret written to one keyring item. macOS's
// Keychain takes about 3000 bytes for service, account and secret together
// (and go-keyring encodes the secret in base64), Windows' Credential
// Manager 2560 bytes of secret; the Secret Service has no limit. An entry
// larger than this is split across items.
func keyringChunk() int {
	switch runtime.GOOS {
	case "darwin", "ios":
		return 1800
	case "windows":
		return 2400
	}
	return 0
}

// keyringHeader starts the first item of an entry: the number of items and
// the SHA-256 of the whole entry, so that a torn or partial entry is
// detected instead of trusted.
const keyringHeader = "hydra-token-cache-v1"

// keyringStore keeps entries in the keyring, and a stub of each (no token)
// in the cache directory, so that listing never needs the keyring.
type keyringStore struct {
	kr    Keyring
	dir   *dir
	chunk int
}

func (s *keyringStore) itemName(id string, i int) string {
	if i == 0 {
		return id
	}
	return id + "." + strconv.Itoa(i)
}

func (s *keyringStore) load(id string) (*Entry, error) {
	first, err := s.kr.Get(KeyringService, id)
	if errors.Is(err, ErrKeyringNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, keyringError("reading", err)
	}
	head, body, ok := strings.Cut(first, "\n")
	fields := strings.Fields(head)
	if !ok || len(fields) != 3 || fields[0] != keyringHeader {
		return nil, &BadFileError{Path: "keyring item " + KeyringService + "/" + id, Reason: "is corrupt (no header)"}
	}
	n, err := strconv.Atoi(fields[1])
	if err != nil || n < 1 || n > 1000 {
		return nil, &BadFileError{Path: "keyring item " + KeyringService + "/" + id, Reason: "is corrupt (bad item count)"}
	}
	var b strings.Builder
	b.WriteString(body)
	for i := 1; i < n; i++ {
		part, err := s.kr.Get(KeyringService, s.itemName(id, i))
		if err != nil && !errors.Is(err, ErrKeyringNotFound) {
			return nil, keyringError("reading", err)
		}
		if err != nil {
			return nil, &BadFileError{Path: "keyring item " + KeyringService + "/" + id, Reason: fmt.Sprintf("is incomplete (part %d of %d is missing)", i+1, n)}
		}
		b.WriteString(part)
	}
	sum := sha256.Sum256([]byte(b.String()))
	if hex.EncodeToString(sum[:]) != fields[2] {
		return nil, &BadFileError{Path: "keyring item " + KeyringService + "/" + id, Reason: "is corrupt (checksum mismatch)"}
	}
	if err := checkVersion([]byte(b.String()), "keyring item "+KeyringService+"/"+id); err != nil {
		return nil, err
	}
	if s.dir.discarded(id) {
		// discard could not delete the items, and emptied the stub.
		return nil, nil
	}
	var e Entry
	if err := json.Unmarshal([]byte(b.String()), &e); err != nil || e.ID != id || e.Token == nil || e.Token.AccessToken == "" {
		return nil, &BadFileError{Path: "keyring item " + KeyringService + "/" + id, Reason: "is corrupt (not a cache entry)"}
	}
	return &e, nil
}

func (s *keyringStore) save(e *Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	data := string(b)
	var parts []string
	if s.chunk > 0 {
		for len(data) > s.chunk {
			parts, data = append(parts, data[:s.chunk]), data[s.chunk:]
		}
	}
	parts = append(parts, data)
	sum := sha256.Sum256(b)
	// The parts after the first go first: the first item, written last,
	// is what makes the new entry visible.
	for i := len(parts) - 1; i >= 1; i-- {
		if err := s.kr.Set(KeyringService, s.itemName(e.ID, i), parts[i]); err != nil {
			return keyringError("writing", err)
		}
	}
	head := fmt.Sprintf("%s %d %s\n", keyringHeader, len(parts), hex.EncodeToString(sum[:]))
	if err := s.kr.Set(KeyringService, e.ID, head+parts[0]); err != nil {
		return keyringError("writing", err)
	}
	// Parts left over from a longer entry.
	for i := len(parts); ; i++ {
		if err := s.kr.Delete(KeyringService, s.itemName(e.ID, i)); err != nil {
			break
		}
	}
	return s.dir.write(e.stub())
}

func (s *keyringStore) remove(id string) error {
	for i := 0; ; i++ {
		err := s.kr.Delete(KeyringService, s.itemName(id, i))
		if errors.Is(err, ErrKeyringNotFound) {
			break
		}
		if err != nil {
			return keyringError("removing from", err)
		}
	}
	return s.dir.remove(id)
}

// keyringError says that the keyring failed, and what to do instead; it
// never suggests that the token went to disk.
func keyringError(what string, err error) error {
	if errors.Is(err, gokeyring.ErrSetDataTooBig) {
		return fmt.Errorf("token cache: %s the OS keyring: the entry is too large for this keyring", what)
	}
	return fmt.Errorf("token cache: %s the OS keyring failed: %s\nIs a keyring (Secret Service, Keychain, Credential Manager) running and unlocked? Otherwise use --cache-storage disk, or none", what, text.OneLine(err.Error(), 300))
}
