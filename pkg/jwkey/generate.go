package jwkey

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// SigningAlgorithms are the algorithms GenerateSigningKey makes keys for:
// those Hydra v2.3.0 accepts for private_key_jwt (not EdDSA).
var SigningAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}

// rsaBits is the size of generated RSA keys.
const rsaBits = 3072

// GenerateSigningKey makes a new private signing key for alg, as a JWK with
// its alg, "use": "sig", and its RFC 7638 thumbprint as kid.
func GenerateSigningKey(alg string) (*jose.JSONWebKey, error) {
	var key crypto.Signer
	var err error
	switch {
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		key, err = rsa.GenerateKey(rand.Reader, rsaBits)
	case alg == "ES256":
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case alg == "ES384":
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case alg == "ES512":
		key, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	if key == nil || !slices.Contains(SigningAlgorithms, alg) {
		return nil, fmt.Errorf("unsupported algorithm %q: valid ones are %s", alg, strings.Join(SigningAlgorithms, ", "))
	}
	jwk := &jose.JSONWebKey{Key: key, Algorithm: alg, Use: "sig"}
	if jwk.KeyID, err = Thumbprint(jwk); err != nil {
		return nil, err
	}
	return jwk, nil
}

// PublicSet returns the JWK Set of the public halves of keys, as JSON.
func PublicSet(keys ...*jose.JSONWebKey) (json.RawMessage, error) {
	set := jose.JSONWebKeySet{}
	for _, k := range keys {
		pub := k.Public()
		if !pub.Valid() {
			return nil, errors.New("the key has no public half")
		}
		set.Keys = append(set.Keys, pub)
	}
	return json.Marshal(set)
}

// WritePrivateKey writes the private key, as a JWK (with its kid and alg,
// which a PEM file cannot carry), to a new file at path that only its
// owner can read. It refuses to overwrite a file. remove deletes the file
// again, for a caller whose next step failed.
func WritePrivateKey(path string, key *jose.JSONWebKey) (remove func() error, err error) {
	b, err := json.MarshalIndent(key, "", "  ")
	if err != nil {
		return nil, err
	}
	return WriteSecretFile(path, append(b, '\n'), false)
}

// WriteSecretFile writes data, which holds private keys, to path, at mode
// 0600 from its first byte. It refuses to overwrite a file unless
// overwrite is set; then it writes a new file beside it and renames it
// over, so that the old file's mode is not kept and a failed write leaves
// the old file whole. remove deletes the file again, for a caller whose
// next step failed.
func WriteSecretFile(path string, data []byte, overwrite bool) (remove func() error, err error) {
	if overwrite {
		return replaceFile(path, data)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s exists: %w", path, ErrExists)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	remove = func() error { return os.Remove(path) }
	if _, err := f.Write(data); err != nil {
		f.Close()
		_ = remove()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		_ = remove()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return remove, nil
}

// ReadPublicSet reads a JWK Set (or one JWK) to register as a client's
// jwks, and refuses private keys: the server needs only the public halves,
// and a private key sent to it would be a leaked one. The set is returned
// as given (one JWK wrapped in a set), so that no member is lost; an empty
// set passes. alg is the keys' common "alg", or empty when they have none
// or several.
func ReadPublicSet(name string, data []byte) (set json.RawMessage, alg string, err error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] != '{' {
		return nil, "", fmt.Errorf("%s: want a JWK Set or a JWK in JSON, not PEM or DER", name)
	}
	if members, isSet, err := Members(trimmed); err == nil && isSet && len(members) == 0 {
		return json.RawMessage(trimmed), "", nil
	}
	keys, format, err := Read(name, trimmed, Public, "a public key")
	if err != nil {
		return nil, "", err
	}
	for i, k := range keys {
		if i == 0 {
			alg = k.Algorithm
		} else if k.Algorithm != alg {
			alg = ""
		}
	}
	if format == JWK {
		return json.RawMessage(`{"keys":[` + string(trimmed) + `]}`), alg, nil
	}
	return json.RawMessage(trimmed), alg, nil
}

func replaceFile(path string, data []byte) (remove func() error, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("creating a file beside %s: %w", path, unwrapPath(err))
	}
	tmp := f.Name()
	// CreateTemp makes the file at 0600; Chmod says so, whatever the umask.
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	return func() error { return os.Remove(path) }, nil
}

// unwrapPath drops the path from a *fs.PathError, whose message repeats
// what the caller names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ErrExists is WriteSecretFile's error for a file that is there already.
var ErrExists = errors.New("the private key is never written over a file; choose another path")
