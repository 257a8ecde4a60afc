package jwtbearer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hydratoken/hydra/pkg/tokencache"
)

// SpentFile is the name of the record of the assertions this machine
// spent, beside the token cache's directory
// ($XDG_CACHE_HOME/hydra/spent-assertions.json).
const SpentFile = "spent-assertions.json"

// spentRecord is the record of the assertions that this user spent on
// this machine: for each, a hash of its iss and jti (never the assertion,
// nor its claims), when it was spent, and when it expires, after which it
// is dropped. It is private: a file at 0600 in a directory at 0700.
type spentRecord struct {
	path string
}

type spentEntry struct {
	SpentAt time.Time `json:"spent_at"`
	Exp     time.Time `json:"exp"`
}

// openSpent finds the record; nil when there is no cache directory.
func openSpent(getenv func(string) string) *spentRecord {
	dir, err := tokencache.DefaultDir(getenv)
	if err != nil {
		return nil
	}
	return &spentRecord{path: filepath.Join(filepath.Dir(dir), SpentFile)}
}

// spentID is the record's key of an assertion: a hash of its iss and
// jti, or "" when it has no jti.
func spentID(assertion string) string {
	c := readClaims(assertion)
	if c.JTI == "" {
		return ""
	}
	h := sha256.Sum256([]byte(c.Iss + "\x00" + c.JTI))
	return hex.EncodeToString(h[:])
}

func (r *spentRecord) read() map[string]spentEntry {
	m := map[string]spentEntry{}
	b, err := os.ReadFile(r.path)
	if err != nil {
		return m
	}
	_ = json.Unmarshal(b, &m)
	return m
}

// spentAt says when the assertion was spent here, if it was.
func (r *spentRecord) spentAt(assertion string, now time.Time) (time.Time, bool) {
	if r == nil {
		return time.Time{}, false
	}
	id := spentID(assertion)
	if id == "" {
		return time.Time{}, false
	}
	e, ok := r.read()[id]
	if !ok || !e.Exp.After(now) {
		return time.Time{}, false
	}
	return e.SpentAt, true
}

// add records the assertion as spent at now, and drops the expired
// entries. Two steps that spend assertions at the same moment may lose
// one record: Hydra still refuses the replay, only later.
func (r *spentRecord) add(assertion string, now time.Time) error {
	if r == nil {
		return nil
	}
	id := spentID(assertion)
	if id == "" {
		return nil
	}
	exp := readTimes(assertion).Exp
	if exp.IsZero() {
		exp = now.Add(hydraMaxTTL)
	}
	m := r.read()
	for k, e := range m {
		if !e.Exp.After(now) {
			delete(m, k)
		}
	}
	m[id] = spentEntry{SpentAt: now.UTC(), Exp: exp}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	dir := filepath.Dir(r.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if fi, err := os.Lstat(r.path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", r.path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.CreateTemp(dir, ".spent-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), r.path)
}

// replayed is the error for an assertion spent here already, at at.
func (o *Options) replayed(assertion string, at time.Time) error {
	msg := fmt.Sprintf("the assertion was already used: this machine spent it at %s, and Hydra accepts each assertion once (its jti)", at.Format(time.RFC3339))
	var advice string
	switch o.source {
	case FromKubernetes:
		advice = rotationAdvice(assertion, o.kubernetesFile(), time.Now())
	case FromGitLab:
		advice = fmt.Sprintf("A GitLab job gets one ID token in $%s for all its steps: pass --cache (or set HYDRA_TOKEN_CACHE=disk) in every step, so that later steps reuse the token the first one bought.", o.gitLabVariable())
	case "file", "env":
		advice = "Get a fresh assertion from its issuer, or pass --cache, so that the token it bought is reused."
	default:
		advice = "Get a fresh one."
	}
	if o.Cache.Enabled {
		advice = "The token it bought is no longer in the token cache, or has expired: get a fresh assertion."
		if o.source == FromKubernetes {
			advice = rotationAdvice(assertion, o.kubernetesFile(), time.Now()) + " (The cached token has expired or is gone.)"
		}
	}
	return fmt.Errorf("%s\n%s", msg, advice)
}
