package shared

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
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s exists: the private key is never written over a file; choose another path", path)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	remove = func() error { return os.Remove(path) }
	if _, err := f.Write(append(b, '\n')); err != nil {
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
	var probe struct {
		Keys *[]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(trimmed, &probe); err == nil && probe.Keys != nil && len(*probe.Keys) == 0 {
		return json.RawMessage(trimmed), "", nil
	}
	keys, _, err := ParseKeys(name, data)
	if err != nil {
		return nil, "", err
	}
	for i, k := range keys {
		if !k.IsPublic() {
			return nil, "", fmt.Errorf("%s holds a private key (kid %q): register only the public keys; 'hydra keys get --format json' prints a set's public keys", name, k.KeyID)
		}
		if i == 0 {
			alg = k.Algorithm
		} else if k.Algorithm != alg {
			alg = ""
		}
	}
	if probe.Keys == nil {
		return json.RawMessage(`{"keys":[` + string(trimmed) + `]}`), alg, nil
	}
	return json.RawMessage(trimmed), alg, nil
}
