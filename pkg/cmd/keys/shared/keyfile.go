package shared

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/pemkey"
)

// ParseKeys reads the keys in data, the content of the file name: a JWK, a
// JWK Set, PEM blocks (private keys in PKCS #8, PKCS #1 or SEC 1; public
// keys in PKIX or PKCS #1; certificates), or one such key in DER. pem tells
// whether the keys came from PEM or DER, which carry no "alg" or "use".
func ParseKeys(name string, data []byte) (keys []jose.JSONWebKey, fromPEM bool, err error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, false, fmt.Errorf("%s is empty: want a JWK, a JWK Set, or a PEM or DER key", name)
	}
	if trimmed[0] == '{' {
		keys, err := parseJWKs(trimmed)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", name, err)
		}
		return keys, false, nil
	}
	if bytes.Contains(trimmed, []byte("-----BEGIN ")) {
		keys, err := parsePEM(trimmed)
		if err != nil {
			return nil, true, fmt.Errorf("%s: %w", name, err)
		}
		return keys, true, nil
	}
	k, err := parseDER(data)
	if err != nil {
		return nil, true, fmt.Errorf("%s: neither a JWK, a PEM key nor a DER key", name)
	}
	return []jose.JSONWebKey{k}, true, nil
}

func parseJWKs(data []byte) ([]jose.JSONWebKey, error) {
	var probe struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	items := probe.Keys
	if items == nil {
		items = []json.RawMessage{data}
	}
	if len(items) == 0 {
		return nil, errors.New(`the JWK Set's "keys" is empty`)
	}
	keys := make([]jose.JSONWebKey, 0, len(items))
	for i, raw := range items {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			if len(items) > 1 {
				return nil, fmt.Errorf("key %d is not a valid JWK: %w", i, err)
			}
			return nil, fmt.Errorf("not a valid JWK: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func parsePEM(data []byte) ([]jose.JSONWebKey, error) {
	var keys []jose.JSONWebKey
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		data = rest
		k, err := parsePEMBlock(block)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM block could be read")
	}
	return keys, nil
}

func parsePEMBlock(block *pem.Block) (jose.JSONWebKey, error) {
	key, cert, err := pemkey.Parse(block, pemkey.Private|pemkey.Public|pemkey.Certificate|pemkey.EncryptedAdvice, "a key or certificate")
	if err != nil {
		return jose.JSONWebKey{}, err
	}
	if cert != nil {
		return jose.JSONWebKey{Key: key, Certificates: []*x509.Certificate{cert}}, nil
	}
	return jose.JSONWebKey{Key: key}, nil
}

// parseDER tries each DER encoding of a key in turn.
func parseDER(der []byte) (jose.JSONWebKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return jose.JSONWebKey{Key: k}, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return jose.JSONWebKey{Key: k}, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return jose.JSONWebKey{Key: k}, nil
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return jose.JSONWebKey{Key: k}, nil
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return jose.JSONWebKey{Key: k}, nil
	}
	if c, err := x509.ParseCertificate(der); err == nil {
		return jose.JSONWebKey{Key: c.PublicKey, Certificates: []*x509.Certificate{c}}, nil
	}
	return jose.JSONWebKey{}, errors.New("not a DER key")
}

// Thumbprint returns the key's RFC 7638 SHA-256 thumbprint, base64url
// encoded: a key ID that names the key itself, the same for its private
// and public halves.
func Thumbprint(k *jose.JSONWebKey) (string, error) {
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}
