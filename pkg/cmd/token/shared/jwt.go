package shared

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/pemkey"
)

// ClientAssertionType is the client_assertion_type of a JWT client
// assertion (RFC 7523 §2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid: long enough
// for one request, short enough to be worthless if it leaks.
const assertionLifetime = 5 * time.Minute

// SigningKey is a private key that signs client assertions.
type SigningKey struct {
	// JWK is the key, with its key ID ("kid") when the file had one.
	JWK jose.JSONWebKey
	// Algorithm is the JWS algorithm, such as RS256: the JWK's "alg", or
	// the usual one for the key's type.
	Algorithm jose.SignatureAlgorithm
}

// LoadSigningKey reads a private key from path ("-" for stdin): a PEM
// block (PKCS #8, PKCS #1 or SEC 1), a JWK, or a JWK set holding one
// private key.
func LoadSigningKey(f *cmdutil.Factory, path string) (*SigningKey, error) {
	raw, err := cmdutil.ReadSecretFile(f, path)
	if err != nil {
		return nil, fmt.Errorf("--private-key: %w", err)
	}
	key, err := ParseSigningKey([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("--private-key %s: %w", path, err)
	}
	return key, nil
}

// ParseSigningKey parses a PEM or JWK private key.
func ParseSigningKey(data []byte) (*SigningKey, error) {
	data = bytes.TrimSpace(data)
	var jwk jose.JSONWebKey
	if bytes.HasPrefix(data, []byte("{")) {
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if json.Unmarshal(data, &set) == nil && len(set.Keys) > 0 {
			if len(set.Keys) != 1 {
				return nil, fmt.Errorf("the JWK set holds %d keys; give a file with one private key", len(set.Keys))
			}
			data = set.Keys[0]
		}
		if err := jwk.UnmarshalJSON(data); err != nil {
			return nil, fmt.Errorf("not a valid JWK: %w", err)
		}
		if jwk.IsPublic() {
			return nil, errors.New("the JWK is a public key; the private key is needed to sign (register the public one with the client)")
		}
	} else {
		block, _ := pem.Decode(data)
		if block == nil {
			return nil, errors.New("neither a PEM private key nor a JWK")
		}
		k, err := parsePEMKey(block)
		if err != nil {
			return nil, err
		}
		jwk = jose.JSONWebKey{Key: k}
	}
	alg := jose.SignatureAlgorithm(jwk.Algorithm)
	if alg == "" {
		var err error
		if alg, err = defaultAlgorithm(jwk.Key); err != nil {
			return nil, err
		}
	}
	return &SigningKey{JWK: jwk, Algorithm: alg}, nil
}

func parsePEMKey(block *pem.Block) (crypto.Signer, error) {
	k, _, err := pemkey.Parse(block, pemkey.Private|pemkey.EncryptedAdvice, "a private key")
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	return s, nil
}

func defaultAlgorithm(key any) (jose.SignatureAlgorithm, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return jose.RS256, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return jose.ES256, nil
		case elliptic.P384():
			return jose.ES384, nil
		case elliptic.P521():
			return jose.ES512, nil
		}
		return "", fmt.Errorf("unsupported elliptic curve %s", k.Curve.Params().Name)
	case ed25519.PrivateKey:
		return jose.EdDSA, nil
	}
	return "", fmt.Errorf("unsupported private key type %T", key)
}

// Assertion signs a fresh RFC 7523 client assertion: issuer and subject are
// the client ID, the audience is the token URL, and a random jti lets the
// server refuse a replay.
func (k *SigningKey) Assertion(clientID, audience string) (string, error) {
	return k.Sign(clientID, clientID, audience)
}

// Sign signs a fresh RFC 7523 assertion with the given iss, sub and aud, a
// random jti that makes it single-use, iat, and a short exp. The key's kid,
// when it has one, goes in the header, so that the server finds the key by
// it. A client assertion is one whose iss and sub are the client ID; the
// JWT bearer grant's assertion names a user or workload instead.
func (k *SigningKey) Sign(issuer, subject, audience string) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: k.Algorithm, Key: k.JWK}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("--private-key: cannot sign with %s: %w", k.Algorithm, err)
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
		Expiry:    jwt.NewNumericDate(now.Add(assertionLifetime)),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("--private-key: signing the assertion: %w", err)
	}
	return s, nil
}
