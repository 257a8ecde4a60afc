package jwkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// AssertionLifetime is how long a signed assertion is valid: long enough
// for one request, short enough to be worthless if it leaks.
const AssertionLifetime = 5 * time.Minute

// SigningKey is a private key that signs assertions.
type SigningKey struct {
	// JWK is the key, with its key ID ("kid") when the file had one.
	JWK jose.JSONWebKey
	// Algorithm is the JWS algorithm, such as RS256: the JWK's "alg", or
	// the usual one for the key's type.
	Algorithm jose.SignatureAlgorithm
}

// ParseSigningKey reads the one private key in data, the content of name
// (named in messages): a PEM block (PKCS #8, PKCS #1 or SEC 1), DER, a
// JWK, or a JWK Set. Public keys and certificates beside it are ignored;
// none, or two private keys, is an error.
func ParseSigningKey(name string, data []byte) (*SigningKey, error) {
	keys, _, err := Read(name, data, Private|Public|Certificate|EncryptedAdvice, "a private key")
	if err != nil {
		return nil, err
	}
	var private []jose.JSONWebKey
	for _, k := range keys {
		if KindOfKey(&k) == Private {
			private = append(private, k)
		}
	}
	switch {
	case len(private) == 0:
		return nil, fmt.Errorf("%s holds %s, not a private key: the private key is needed to sign (register its public half where the signature is checked)", name, kindName(KindOfKey(&keys[0])))
	case len(private) > 1:
		return nil, fmt.Errorf("%s holds %d private keys; give a file with one", name, len(private))
	}
	jwk := private[0]
	if Symmetric(&jwk) {
		return nil, fmt.Errorf("%s holds a symmetric (oct) key; assertions are signed with a private key", name)
	}
	alg := jose.SignatureAlgorithm(jwk.Algorithm)
	if alg == "" {
		if alg, err = DefaultAlgorithm(&jwk); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	} else if err := Fits(string(alg), &jwk); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &SigningKey{JWK: jwk, Algorithm: alg}, nil
}

// DefaultAlgorithm is the usual JWS algorithm of a key's type: RS256 for
// RSA, ES256, ES384 or ES512 for the NIST curves, EdDSA for Ed25519.
func DefaultAlgorithm(k *jose.JSONWebKey) (jose.SignatureAlgorithm, error) {
	switch key := k.Key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return jose.RS256, nil
	case *ecdsa.PrivateKey:
		return curveAlgorithm(key.Curve)
	case *ecdsa.PublicKey:
		return curveAlgorithm(key.Curve)
	case ed25519.PrivateKey, ed25519.PublicKey:
		return jose.EdDSA, nil
	}
	return "", fmt.Errorf("unsupported key type %T", k.Key)
}

func curveAlgorithm(c elliptic.Curve) (jose.SignatureAlgorithm, error) {
	switch c {
	case elliptic.P256():
		return jose.ES256, nil
	case elliptic.P384():
		return jose.ES384, nil
	case elliptic.P521():
		return jose.ES512, nil
	}
	return "", fmt.Errorf("unsupported elliptic curve %s", c.Params().Name)
}

// Describe names a key's type (and curve) for messages: "an RSA key", "a
// P-256 key", "an Ed25519 key", "a symmetric key".
func Describe(k *jose.JSONWebKey) string {
	switch key := k.Key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "an RSA key"
	case *ecdsa.PrivateKey:
		return "a " + key.Curve.Params().Name + " key"
	case *ecdsa.PublicKey:
		return "a " + key.Curve.Params().Name + " key"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "an Ed25519 key"
	case []byte:
		return "a symmetric (oct) key"
	}
	return fmt.Sprintf("a %T key", k.Key)
}

// Fits checks that the JWS algorithm alg signs with a key of k's type and
// curve: RS* and PS* with RSA, ES256 with P-256, ES384 with P-384, ES512
// with P-521, EdDSA with Ed25519, HS* with a symmetric key. An algorithm
// it does not know is an error.
func Fits(alg string, k *jose.JSONWebKey) error {
	var ok bool
	var wants string
	switch key := k.Key.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		var curve elliptic.Curve
		if p, isPriv := key.(*ecdsa.PrivateKey); isPriv {
			curve = p.Curve
		} else {
			curve = key.(*ecdsa.PublicKey).Curve
		}
		want, err := curveAlgorithm(curve)
		ok, wants = err == nil && alg == string(want), string(want)
	case *rsa.PrivateKey, *rsa.PublicKey:
		ok = strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
		wants = "RS256, RS384, RS512, PS256, PS384 or PS512"
	case ed25519.PrivateKey, ed25519.PublicKey:
		ok, wants = alg == string(jose.EdDSA), string(jose.EdDSA)
	case []byte:
		ok, wants = strings.HasPrefix(alg, "HS"), "HS256, HS384 or HS512"
	}
	if !knownAlgorithm(alg) {
		return fmt.Errorf("unknown algorithm %q", alg)
	}
	if !ok {
		if wants == "" {
			return fmt.Errorf("%s does not fit %s", alg, Describe(k))
		}
		return fmt.Errorf("%s does not fit %s, which signs with %s", alg, Describe(k), wants)
	}
	return nil
}

func knownAlgorithm(alg string) bool {
	switch jose.SignatureAlgorithm(alg) {
	case jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512:
		return true
	}
	return false
}

// Sign signs a fresh RFC 7523 assertion with the given iss, sub and aud, a
// random jti that makes it single-use, iat, nbf, and an exp
// AssertionLifetime away. The key's kid, when it has one, goes in the
// header, so that the server finds the key by it.
func (k *SigningKey) Sign(issuer, subject, audience string) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: k.Algorithm, Key: k.JWK}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("cannot sign with %s: %w", k.Algorithm, err)
	}
	jti := make([]byte, 24)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	now := time.Now()
	claims := jwt.Claims{
		Issuer:    issuer,
		Subject:   subject,
		Audience:  jwt.Audience{audience},
		ID:        base64.RawURLEncoding.EncodeToString(jti),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)),
		Expiry:    jwt.NewNumericDate(now.Add(AssertionLifetime)),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing the assertion: %w", err)
	}
	return s, nil
}

// Assertion signs an RFC 7523 client assertion: issuer and subject are the
// client ID, the audience is the token URL.
func (k *SigningKey) Assertion(clientID, audience string) (string, error) {
	return k.Sign(clientID, clientID, audience)
}
