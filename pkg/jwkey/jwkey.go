// Package jwkey is the tool's one home for keys: it reads PEM blocks, DER,
// JWKs and JWK Sets with the kinds a caller accepts, computes RFC 7638
// thumbprints, checks that an algorithm fits a key, generates signing keys,
// builds public key sets, writes private keys to files only their owner can
// read, and signs assertions. The command groups keep only their flags and
// their wording.
//
// It is a leaf: it imports only the standard library and go-jose.
package jwkey

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// Thumbprint returns the key's RFC 7638 SHA-256 thumbprint, base64url
// encoded: a key ID that names the key itself, the same for its private
// and public halves.
func Thumbprint(k *jose.JSONWebKey) (string, error) {
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("computing the key's thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// Symmetric reports whether k is a symmetric (oct) key, which has no
// public half.
func Symmetric(k *jose.JSONWebKey) bool {
	_, ok := k.Key.([]byte)
	return ok
}

// PublicHalf returns k's public half, keeping its kid, alg and use. A
// symmetric key, or one whose public half go-jose cannot derive, is an
// error.
func PublicHalf(k *jose.JSONWebKey) (jose.JSONWebKey, error) {
	if Symmetric(k) {
		return jose.JSONWebKey{}, errors.New("it is a symmetric (oct) key, which has no public part")
	}
	pub := k.Public()
	if !pub.Valid() {
		return jose.JSONWebKey{}, errors.New("its public part cannot be derived")
	}
	return pub, nil
}

// PEMBlock encodes a key as PEM: the private key as PKCS #8 when private is
// set and the key has one, else the public key as PKIX.
func PEMBlock(k *jose.JSONWebKey, private bool) (*pem.Block, error) {
	if private && !k.IsPublic() {
		der, err := x509.MarshalPKCS8PrivateKey(k.Key)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the private key as PKCS #8: %w", err)
		}
		return &pem.Block{Type: "PRIVATE KEY", Bytes: der}, nil
	}
	pub := k.Public()
	if !pub.Valid() {
		return nil, errors.New("cannot derive the public key")
	}
	der, err := x509.MarshalPKIXPublicKey(pub.Key)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the public key as PKIX: %w", err)
	}
	return &pem.Block{Type: "PUBLIC KEY", Bytes: der}, nil
}
