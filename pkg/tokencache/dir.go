package tokencache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/text"
)

// The storages of --cache-storage.
const (
	StorageDisk    = "disk"
	StorageKeyring = "keyring"
	StorageNone    = "none"
)

// Storages lists the storage names, the default first.
var Storages = []string{StorageDisk, StorageKeyring, StorageNone}

// entryVersion is the version of the entry format; entries of another
// version are bypassed.
const entryVersion = 1

// maxEntrySize bounds what is read from one entry file: a token response is
// a few kilobytes.
const maxEntrySize = 1 << 20

// Entry is one cached token with its key, as stored.
type Entry struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	Key     Key    `json:"key"`
	// Storage is where the token is: disk, or keyring, in which case the
	// file on disk holds only the fields that "cache list" shows.
	Storage         string    `json:"storage"`
	Subject         string    `json:"subject,omitempty"`
	ObtainedAt      time.Time `json:"obtained_at"`
	ExpiresAt       time.Time `json:"expires_at,omitzero"`
	HasRefreshToken bool      `json:"has_refresh_token"`
	// Token is absent from the file of a keyring entry.
	Token *Token `json:"token,omitempty"`
}

func newEntry(key Key, storage string, t *Token) *Entry {
	return &Entry{
		Version:         entryVersion,
		ID:              key.ID(),
		Key:             key.Normalize(),
		Storage:         storage,
		Subject:         firstNonEmpty(key.Subject, t.Subject),
		ObtainedAt:      t.ObtainedAt,
		ExpiresAt:       t.Expiry,
		HasRefreshToken: t.RefreshToken != "",
		Token:           t,
	}
}

// stub is the entry without its token, as kept on disk for a keyring entry.
func (e *Entry) stub() *Entry {
	s := *e
	s.Token = nil
	return &s
}

// BadFileError reports a cache file or directory that cannot be trusted:
// corrupt, unreadable, owned by another user, or readable by others.
type BadFileError struct {
	Path   string
	Reason string
	// Fix is a command that fixes it, such as a chmod, if there is one.
	Fix string
	// Refused is set for files readable by group or others: they are not
	// read, and not replaced either, until their mode is fixed.
	Refused bool
}

func (e *BadFileError) Error() string {
	msg := fmt.Sprintf("token cache: %s %s; not using it", e.Path, e.Reason)
	if e.Fix != "" {
		msg += "; fix it with: " + e.Fix
	}
	return msg
}

// DefaultDir returns the directory of the token cache:
// $XDG_CACHE_HOME/hydra/tokens, or the OS's cache directory (see
// os.UserCacheDir). getenv reads the environment.
func DefaultDir(getenv func(string) string) (string, error) {
	base := ""
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		b, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		base = b
	default:
		base = getenv("XDG_CACHE_HOME")
		if !filepath.IsAbs(base) {
			home := getenv("HOME")
			if home == "" {
				return "", errors.New("neither $XDG_CACHE_HOME nor $HOME is set")
			}
			base = filepath.Join(home, ".cache")
		}
	}
	return filepath.Join(base, "hydra", "tokens"), nil
}

// dir is the cache directory: entry files and lock files.
type dir struct {
	path string
}

// openDir creates the directory at 0700 if needed, and refuses it if it is
// not a directory, belongs to another user, or is open to group or others.
func openDir(path string) (*dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, &BadFileError{Path: path, Reason: "cannot be created (" + describeErr(err) + ")"}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &BadFileError{Path: path, Reason: "cannot be read (" + describeErr(err) + ")"}
	}
	if !fi.IsDir() {
		return nil, &BadFileError{Path: path, Reason: "is not a directory"}
	}
	if err := checkOwner(fi); err != nil {
		return nil, &BadFileError{Path: path, Reason: err.Error(), Fix: ownerFix(path), Refused: true}
	}
	if laxMode(fi) {
		return nil, &BadFileError{Path: path, Reason: fmt.Sprintf("is open to group or others (mode %04o)", fi.Mode().Perm()), Fix: "chmod 700 " + text.ShellQuote(path), Refused: true}
	}
	return &dir{path: path}, nil
}

func (d *dir) file(id string) string { return filepath.Join(d.path, id+".json") }

// read loads an entry file. A missing file is (nil, nil); a file that
// cannot be trusted is a *BadFileError.
func (d *dir) read(id string) (*Entry, error) {
	p := d.file(id)
	f, err := openNoFollow(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &BadFileError{Path: p, Reason: "cannot be read (" + describeErr(err) + ")"}
	}
	defer f.Close()
	e, err := readEntryFile(f, p)
	if e == nil || err != nil {
		return nil, err
	}
	if e.ID != id {
		return nil, &BadFileError{Path: p, Reason: "holds the entry of another key"}
	}
	return e, nil
}

func readEntryFile(f *os.File, p string) (*Entry, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, &BadFileError{Path: p, Reason: "cannot be read (" + describeErr(err) + ")"}
	}
	if !fi.Mode().IsRegular() {
		return nil, &BadFileError{Path: p, Reason: "is not a regular file"}
	}
	if err := checkOwner(fi); err != nil {
		return nil, &BadFileError{Path: p, Reason: err.Error()}
	}
	if laxMode(fi) {
		return nil, &BadFileError{Path: p, Reason: fmt.Sprintf("is readable by group or others (mode %04o)", fi.Mode().Perm()), Fix: "chmod 600 " + text.ShellQuote(p), Refused: true}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxEntrySize+1))
	if err != nil {
		return nil, &BadFileError{Path: p, Reason: "cannot be read (" + describeErr(err) + ")"}
	}
	if len(b) > maxEntrySize {
		return nil, &BadFileError{Path: p, Reason: "is too large to be a cache entry"}
	}
	return parseEntry(b, p)
}

// parseEntry reads an entry file's content. An empty file is no entry: it
// is what discard leaves of an entry that it could not remove.
func parseEntry(b []byte, p string) (*Entry, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if err := checkVersion(b, p); err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, &BadFileError{Path: p, Reason: "is corrupt (not a JSON cache entry)"}
	}
	switch e.Storage {
	case StorageDisk:
		if e.Token == nil || e.Token.AccessToken == "" {
			return nil, &BadFileError{Path: p, Reason: "is corrupt (no access token)"}
		}
	case StorageKeyring:
		if e.Token != nil {
			return nil, &BadFileError{Path: p, Reason: "is corrupt (a keyring entry with a token on disk)"}
		}
	default:
		return nil, &BadFileError{Path: p, Reason: fmt.Sprintf("is corrupt (unknown storage %q)", e.Storage)}
	}
	return &e, nil
}

// checkVersion refuses an entry of a newer format, written by a newer
// hydra: it is neither read nor replaced, so that the newer hydra keeps
// its token. An older or missing version is corrupt, and replaced.
func checkVersion(b []byte, p string) error {
	var v struct {
		Version json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return &BadFileError{Path: p, Reason: "is corrupt (not a JSON cache entry)"}
	}
	n, err := strconv.ParseInt(string(v.Version), 10, 64)
	switch {
	case err != nil:
		return &BadFileError{Path: p, Reason: "is corrupt (no entry format)"}
	case n > entryVersion:
		return &BadFileError{Path: p, Reason: fmt.Sprintf("has entry format %d, newer than this hydra's %d (a newer hydra wrote it, and it is not replaced)", n, entryVersion), Refused: true}
	case n != entryVersion:
		return &BadFileError{Path: p, Reason: fmt.Sprintf("has entry format %d, not %d", n, entryVersion)}
	}
	return nil
}

// write stores an entry atomically: a temporary file at 0600 in the same
// directory, synced, then renamed over the old one. Readers see the old
// entry or the new one, never half of one.
func (d *dir) write(e *Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(d.path, ".tmp-"+e.ID+"-*")
	if err != nil {
		return fmt.Errorf("token cache: writing to %s: %s", d.path, describeErr(err))
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// CreateTemp makes the file at 0600; say so for umasks that differ.
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("token cache: %s: %s", tmp, describeErr(err))
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("token cache: writing %s: %s", tmp, describeErr(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("token cache: writing %s: %s", tmp, describeErr(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("token cache: writing %s: %s", tmp, describeErr(err))
	}
	if err := os.Rename(tmp, d.file(e.ID)); err != nil {
		return fmt.Errorf("token cache: replacing %s: %s", d.file(e.ID), describeErr(err))
	}
	ok = true
	return nil
}

// remove deletes an entry file; a missing one is not an error.
func (d *dir) remove(id string) error {
	err := os.Remove(d.file(id))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("token cache: removing %s: %s", d.file(id), describeErr(err))
	}
	return nil
}

// empty truncates an entry file in place, which reads as no entry. It
// works where remove does not: in a directory that is not writable, or
// with a file size limit.
func (d *dir) empty(id string) error {
	f, err := openNoFollowWrite(d.file(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return errors.Join(f.Truncate(0), f.Sync(), f.Close())
}

// discarded reports whether the file of id was emptied by empty.
func (d *dir) discarded(id string) bool {
	fi, err := os.Lstat(d.file(id))
	return err == nil && fi.Mode().IsRegular() && fi.Size() == 0
}

// list reads every entry file, in ID order. Files that cannot be trusted
// come back as errors beside the entries.
func (d *dir) list() ([]*Entry, []error) {
	des, err := os.ReadDir(d.path)
	if err != nil {
		return nil, []error{&BadFileError{Path: d.path, Reason: "cannot be read (" + describeErr(err) + ")"}}
	}
	var out []*Entry
	var errs []error
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		e, err := d.read(strings.TrimSuffix(name, ".json"))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if e != nil {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	return out, errs
}

// describeErr says what went wrong with a file without Go's operation
// prefix, which repeats the path.
func describeErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

func laxMode(fi os.FileInfo) bool {
	return runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func removeFile(p string) error {
	err := os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
