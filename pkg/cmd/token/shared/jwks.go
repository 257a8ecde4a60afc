package shared

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-jose/go-jose/v4"
	"github.com/tidwall/gjson"
)

// JWTParts is a compact JWS taken apart, unverified.
type JWTParts struct {
	// Header and Claims are the decoded JSON objects.
	Header, Claims []byte
}

// SplitJWT takes a compact JWS apart without verifying it, and explains
// what other tokens are: Hydra's opaque tokens, encrypted JWTs, garbage.
func SplitJWT(token string) (*JWTParts, error) {
	parts := strings.Split(token, ".")
	switch {
	case strings.HasPrefix(token, "ory_") || len(parts) == 2 && !strings.HasPrefix(token, "ey"):
		return nil, errors.New("this is an opaque token, not a JWT: Hydra's default access and refresh tokens can only be introspected (hydra token introspect)")
	case len(parts) == 5:
		return nil, errors.New("this is an encrypted JWT (JWE): it cannot be decoded without the recipient's key")
	case len(parts) != 3:
		return nil, fmt.Errorf("this is not a JWT: a JWT has three dot-separated parts, this has %d", len(parts))
	}
	header, err := jwtSegment(parts[0], "header")
	if err != nil {
		return nil, err
	}
	claims, err := jwtSegment(parts[1], "claims")
	if err != nil {
		return nil, err
	}
	return &JWTParts{Header: header, Claims: claims}, nil
}

func jwtSegment(s, what string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("this is not a JWT: its %s is not base64url", what)
	}
	if !gjson.ValidBytes(b) || !gjson.ParseBytes(b).IsObject() {
		return nil, fmt.Errorf("this is not a JWT: its %s is not a JSON object", what)
	}
	return b, nil
}

// signatureAlgs are the algorithms a public key can verify. HMAC is not
// among them, and go-jose knows no "none": a token with either is refused
// before any key is tried.
var signatureAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// InvalidError says why a token is not valid: its signature, its header or
// its claims. It is the token's fault, not the keys' or the network's.
type InvalidError struct{ Reason string }

func (e *InvalidError) Error() string { return e.Reason }

func invalidf(format string, args ...any) error {
	return &InvalidError{Reason: fmt.Sprintf(format, args...)}
}

// KeySet holds the public keys that an issuer publishes, and verifies JWT
// signatures with them. It is safe for concurrent use. When a token names
// a kid that the set lacks, the keys are loaded again, once per KeySet: the
// issuer may have rotated its keys since they were loaded, and one reload
// is enough to see that, while a reload per token would let a stream of
// forged kids hammer the issuer.
type KeySet struct {
	// Source names where the keys come from, for messages: "the keys at
	// URL" or "--jwks-file FILE".
	Source string

	load     func(ctx context.Context) ([]byte, error)
	keys     atomic.Pointer[keyIndex]
	mu       sync.Mutex
	reloaded bool
	// reloadErr is why the one reload failed, if it did.
	reloadErr error
}

// keyIndex is one immutable load of the keys.
type keyIndex struct {
	byKID map[string][]publicKey
	all   []publicKey
}

// publicKey is one verification key and the algorithms it allows.
type publicKey struct {
	kid  string
	key  any
	algs []jose.SignatureAlgorithm
}

// NewKeySet returns a KeySet that gets its JWK set's JSON from load.
func NewKeySet(source string, load func(ctx context.Context) ([]byte, error)) *KeySet {
	return &KeySet{Source: source, load: load}
}

// Load loads the keys. It fails when they cannot be got, or when the set
// holds no key that can verify a signature.
func (k *KeySet) Load(ctx context.Context) error {
	idx, err := k.fetch(ctx)
	if err != nil {
		return err
	}
	k.keys.Store(idx)
	return nil
}

func (k *KeySet) fetch(ctx context.Context) (*keyIndex, error) {
	raw, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	idx, err := parseKeySet(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.Source, err)
	}
	return idx, nil
}

// parseKeySet indexes the usable keys of a JWK set by kid.
func parseKeySet(raw []byte) (*keyIndex, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil || set.Keys == nil {
		return nil, errors.New(`not a JWK set: a JSON object with a "keys" array is expected`)
	}
	idx := &keyIndex{byKID: map[string][]publicKey{}}
	var skipped []string
	for i, kr := range set.Keys {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(kr); err != nil {
			// One key of a kind go-jose does not know does not cost the
			// others.
			skipped = append(skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		if jwk.Use == "enc" {
			continue
		}
		pk, ok := publicOf(jwk)
		if !ok {
			continue
		}
		idx.all = append(idx.all, pk)
		idx.byKID[pk.kid] = append(idx.byKID[pk.kid], pk)
	}
	if len(idx.all) == 0 {
		msg := "the JWK set holds no public signing key (RSA, EC or Ed25519)"
		if len(skipped) > 0 {
			msg += ": " + strings.Join(skipped, "; ")
		}
		return nil, errors.New(msg)
	}
	return idx, nil
}

// publicOf returns the public half of jwk with the algorithms it allows:
// its "alg" alone when it names one, else those of its key type. A
// symmetric key is never used: an issuer publishes public keys, and an
// HMAC key in a public set would let anyone sign.
func publicOf(jwk jose.JSONWebKey) (publicKey, bool) {
	pub := jwk.Public()
	if !pub.Valid() {
		return publicKey{}, false
	}
	var algs []jose.SignatureAlgorithm
	switch key := pub.Key.(type) {
	case *rsa.PublicKey:
		algs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512}
	case *ecdsa.PublicKey:
		switch key.Curve {
		case elliptic.P256():
			algs = []jose.SignatureAlgorithm{jose.ES256}
		case elliptic.P384():
			algs = []jose.SignatureAlgorithm{jose.ES384}
		case elliptic.P521():
			algs = []jose.SignatureAlgorithm{jose.ES512}
		}
	case ed25519.PublicKey:
		algs = []jose.SignatureAlgorithm{jose.EdDSA}
	}
	if jwk.Algorithm != "" {
		a := jose.SignatureAlgorithm(jwk.Algorithm)
		if !slices.Contains(algs, a) {
			return publicKey{}, false
		}
		algs = []jose.SignatureAlgorithm{a}
	}
	if len(algs) == 0 {
		return publicKey{}, false
	}
	return publicKey{kid: jwk.KeyID, key: pub.Key, algs: algs}, true
}

// Verified is a token whose signature verified.
type Verified struct {
	// Header is the protected header.
	Header jose.Header
	// Claims is the payload, as signed.
	Claims []byte
}

// Verify checks token's signature against the keys, and returns its header
// and payload. A token that does not verify gets an *InvalidError with the
// reason; any other error is the reload's failure to get the keys.
// The keys must have been loaded.
func (k *KeySet) Verify(ctx context.Context, token string) (*Verified, error) {
	obj, err := jose.ParseSignedCompact(token, signatureAlgs)
	if err != nil {
		return nil, whyUnparsed(token, err)
	}
	if len(obj.Signatures) != 1 {
		return nil, invalidf("the token has %d signatures, not one", len(obj.Signatures))
	}
	h := obj.Signatures[0].Header
	alg := jose.SignatureAlgorithm(h.Algorithm)
	keys := k.candidates(h.KeyID)
	if len(keys) == 0 && h.KeyID != "" {
		// The issuer may have rotated its keys since they were loaded.
		if err := k.reload(ctx); err != nil {
			return nil, fmt.Errorf("the token is signed by kid %q, which is not among the keys loaded, and loading %s again failed: %w", h.KeyID, k.Source, err)
		}
		keys = k.candidates(h.KeyID)
	}
	if len(keys) == 0 {
		if h.KeyID == "" {
			return nil, invalidf("the token names no kid, and %s hold no key", k.Source)
		}
		return nil, invalidf("signed by kid %q, which the issuer does not publish (%s)", h.KeyID, k.Source)
	}
	tried := false
	for _, pk := range keys {
		if !slices.Contains(pk.algs, alg) {
			continue
		}
		tried = true
		if payload, err := obj.Verify(pk.key); err == nil {
			return &Verified{Header: h, Claims: payload}, nil
		}
	}
	if !tried {
		return nil, invalidf("signed with %s, which the key %q does not allow (it allows %s)", alg, h.KeyID, algNames(keys[0].algs))
	}
	if h.KeyID == "" {
		return nil, invalidf("the signature does not verify with any of %s: the token was altered, or signed by another key", k.Source)
	}
	return nil, invalidf("the signature does not verify with kid %q: the token was altered, or signed by another key", h.KeyID)
}

func algNames(algs []jose.SignatureAlgorithm) string {
	s := make([]string, len(algs))
	for i, a := range algs {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// candidates returns the keys that may have signed a token with kid: those
// with that kid, or every key when the token names none.
func (k *KeySet) candidates(kid string) []publicKey {
	idx := k.keys.Load()
	if idx == nil {
		return nil
	}
	if kid == "" {
		return idx.all
	}
	return idx.byKID[kid]
}

// reload loads the keys again, once in the KeySet's life; later calls
// return the first one's result. Concurrent callers wait for it.
func (k *KeySet) reload(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.reloaded {
		return k.reloadErr
	}
	k.reloaded = true
	idx, err := k.fetch(ctx)
	if err != nil {
		k.reloadErr = err
		return err
	}
	k.keys.Store(idx)
	return nil
}

// Reloaded reports whether the keys were loaded again for an unknown kid.
func (k *KeySet) Reloaded() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reloaded && k.reloadErr == nil
}

// whyUnparsed explains a token that go-jose would not parse with the
// algorithms of public keys.
func whyUnparsed(token string, err error) error {
	p, serr := SplitJWT(token)
	if serr != nil {
		return &InvalidError{Reason: serr.Error()}
	}
	alg := gjson.GetBytes(p.Header, "alg").String()
	switch {
	case strings.EqualFold(alg, "none"):
		return invalidf(`alg is "none": the token is not signed, and proves nothing`)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return invalidf("alg is %q, an HMAC with a shared secret: an issuer's public keys cannot verify it, and a token so signed with a public key proves nothing", alg)
	case alg == "":
		return invalidf("the header names no alg")
	case !slices.Contains(signatureAlgs, jose.SignatureAlgorithm(alg)):
		return invalidf("alg %q is not a signature algorithm of public keys", alg)
	}
	return invalidf("the token is not a valid JWS: %s", strings.TrimPrefix(err.Error(), "go-jose/go-jose: "))
}
