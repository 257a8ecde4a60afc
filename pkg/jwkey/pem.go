package jwkey

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// Kinds is a set of the kinds of PEM block a caller accepts.
type Kinds uint8

const (
	// Private is a private key: "PRIVATE KEY" (PKCS #8), "RSA PRIVATE KEY"
	// (PKCS #1) or "EC PRIVATE KEY" (SEC 1).
	Private Kinds = 1 << iota
	// Public is a public key: "PUBLIC KEY" (PKIX) or "RSA PUBLIC KEY"
	// (PKCS #1).
	Public
	// Certificate is an X.509 "CERTIFICATE"; its public key is the key.
	Certificate
	// EncryptedAdvice answers an "ENCRYPTED PRIVATE KEY" with
	// ErrEncrypted, the advice to decrypt it, rather than as a block of a
	// type that is not accepted.
	EncryptedAdvice
)

// ErrEncrypted is the error for an encrypted private key, with EncryptedAdvice.
var ErrEncrypted = errors.New("the PEM key is encrypted; decrypt it first, such as with 'openssl pkey -in KEY -out PLAIN'")

// KindOf returns the kind of a PEM block type, or 0 for a type that holds
// no key this package reads.
func KindOf(blockType string) Kinds {
	switch blockType {
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		return Private
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return Public
	case "CERTIFICATE":
		return Certificate
	}
	return 0
}

// ParseBlock parses block, whose type must be of a kind in accept. It returns
// the key: a private key as crypto/x509 returns it (*rsa.PrivateKey,
// *ecdsa.PrivateKey, ed25519.PrivateKey, ...), a public key, or a
// certificate's public key, with the certificate.
//
// A block of another type is refused with "PEM block TYPE is not WANT",
// where want names what the caller reads, such as "a private key"; a block
// that does not parse, with "parsing the PEM TYPE: ...".
func ParseBlock(block *pem.Block, accept Kinds, want string) (key any, cert *x509.Certificate, err error) {
	kind := KindOf(block.Type)
	if kind == 0 || accept&kind == 0 {
		if block.Type == "ENCRYPTED PRIVATE KEY" && accept&EncryptedAdvice != 0 {
			return nil, nil, ErrEncrypted
		}
		return nil, nil, fmt.Errorf("PEM block %q is not %s", block.Type, want)
	}
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("parsing the PEM %s: %w", block.Type, err)
	}
	return key, cert, nil
}
