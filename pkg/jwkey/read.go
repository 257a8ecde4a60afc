package jwkey

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// Format is the encoding that keys were read from.
type Format uint8

const (
	// JWK is one JSON Web Key (RFC 7517 §4).
	JWK Format = iota + 1
	// JWKSet is a JSON Web Key Set: {"keys":[...]} (RFC 7517 §5).
	JWKSet
	// PEM is one or more PEM blocks.
	PEM
	// DER is one key or certificate in DER.
	DER
)

// Bare reports whether keys in this format carry no "kid", "alg" or "use":
// PEM and DER.
func (f Format) Bare() bool { return f == PEM || f == DER }

// Members splits a JWK Set into its members, as given. isSet is false for
// a JSON object without "keys", a lone JWK, which is then not checked
// further. A document that is not a JSON object, a "keys" that is not an
// array, or a member that is not an object, is an error. This is the one
// reader of the {"keys":[...]} shape.
func Members(data []byte) (members []json.RawMessage, isSet bool, err error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, false, fmt.Errorf("invalid JSON: %w", err)
	}
	if probe == nil {
		return nil, false, errors.New("not a JSON object")
	}
	raw, ok := probe["keys"]
	if !ok {
		return nil, false, nil
	}
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return nil, true, errors.New(`the JWK Set's "keys" is not an array`)
	}
	for i, m := range members {
		if t := bytes.TrimSpace(m); len(t) == 0 || t[0] != '{' {
			return nil, true, fmt.Errorf(`item %d of the JWK Set's "keys" is not a JSON object`, i)
		}
	}
	return members, true, nil
}

// ParseJWK decodes one JWK with go-jose.
func ParseJWK(raw []byte) (jose.JSONWebKey, error) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		return jose.JSONWebKey{}, err
	}
	return k, nil
}

// KindOfKey is the kind of a parsed key: Private for a key with private or
// symmetric material, Certificate for a public key that came with its
// certificate, else Public.
func KindOfKey(k *jose.JSONWebKey) Kinds {
	switch {
	case !k.IsPublic():
		return Private
	case len(k.Certificates) > 0:
		return Certificate
	}
	return Public
}

// KindError is Read's error for a key of a kind the caller does not
// accept, such as a private key where only public keys belong.
type KindError struct {
	// Name is what was read; Key names the key in it.
	Name, Key string
	// Got is the key's kind; Want, what the caller reads.
	Got  Kinds
	Want string
}

func (e *KindError) Error() string {
	return fmt.Sprintf("%s: %s is %s, not %s", e.Name, e.Key, kindName(e.Got), e.Want)
}

// kindName names a kind in messages.
func kindName(k Kinds) string {
	switch k {
	case Private:
		return "a private key"
	case Certificate:
		return "a certificate"
	}
	return "a public key"
}

// Read reads every key in data, the content of name (a file name, "stdin"
// or a variable's name, for messages): a JWK, a JWK Set, PEM blocks
// (private keys in PKCS #8, PKCS #1 or SEC 1; public keys in PKIX or
// PKCS #1; certificates), or one such key in DER. A key of a kind outside
// accept is refused with "... is KIND, not WANT". Every error names name.
func Read(name string, data []byte, accept Kinds, want string) ([]jose.JSONWebKey, Format, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, 0, fmt.Errorf("%s is empty: want %s, as a JWK, a JWK Set, PEM or DER", name, want)
	}
	var keys []jose.JSONWebKey
	var format Format
	var err error
	switch {
	case trimmed[0] == '{':
		keys, format, err = readJSON(trimmed)
	case bytes.Contains(trimmed, []byte("-----BEGIN ")):
		format = PEM
		keys, err = readPEM(trimmed, accept, want)
	default:
		format = DER
		var k jose.JSONWebKey
		if k, err = readDER(data); err != nil {
			return nil, DER, fmt.Errorf("%s: neither a JWK, a PEM key nor a DER key", name)
		}
		keys = []jose.JSONWebKey{k}
	}
	if err != nil {
		return nil, format, fmt.Errorf("%s: %w", name, err)
	}
	for i := range keys {
		kind := KindOfKey(&keys[i])
		if kind == Certificate && !format.Bare() {
			kind = Public // a JWK's x5c vouches for its key; it is not a certificate file
		}
		if accept&kind != 0 {
			continue
		}
		what := "the key"
		if len(keys) > 1 {
			what = fmt.Sprintf("key %d", i)
		}
		if keys[i].KeyID != "" {
			what = fmt.Sprintf("key %q", keys[i].KeyID)
		}
		return nil, format, &KindError{Name: name, Key: what, Got: kind, Want: want}
	}
	return keys, format, nil
}

func readJSON(data []byte) ([]jose.JSONWebKey, Format, error) {
	items, isSet, err := Members(data)
	if err != nil {
		return nil, JWK, err
	}
	if !isSet {
		k, err := ParseJWK(data)
		if err != nil {
			return nil, JWK, fmt.Errorf("not a valid JWK: %w", err)
		}
		return []jose.JSONWebKey{k}, JWK, nil
	}
	if len(items) == 0 {
		return nil, JWKSet, errors.New(`the JWK Set's "keys" is empty`)
	}
	keys := make([]jose.JSONWebKey, 0, len(items))
	for i, raw := range items {
		k, err := ParseJWK(raw)
		if err != nil {
			return nil, JWKSet, fmt.Errorf("key %d of the JWK Set is not a valid JWK: %w", i, err)
		}
		keys = append(keys, k)
	}
	return keys, JWKSet, nil
}

func readPEM(data []byte, accept Kinds, want string) ([]jose.JSONWebKey, error) {
	var keys []jose.JSONWebKey
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		data = rest
		key, cert, err := ParseBlock(block, accept, want)
		if err != nil {
			return nil, err
		}
		k := jose.JSONWebKey{Key: key}
		if cert != nil {
			k.Certificates = []*x509.Certificate{cert}
		}
		if !k.Valid() {
			return nil, fmt.Errorf("unsupported key in the PEM %s (%T)", block.Type, key)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM block could be read")
	}
	return keys, nil
}

// readDER tries each DER encoding of a key in turn.
func readDER(der []byte) (jose.JSONWebKey, error) {
	var k jose.JSONWebKey
	if key, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		k.Key = key
	} else if key, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		k.Key = key
	} else if key, err := x509.ParseECPrivateKey(der); err == nil {
		k.Key = key
	} else if key, err := x509.ParsePKIXPublicKey(der); err == nil {
		k.Key = key
	} else if key, err := x509.ParsePKCS1PublicKey(der); err == nil {
		k.Key = key
	} else if c, err := x509.ParseCertificate(der); err == nil {
		k.Key, k.Certificates = c.PublicKey, []*x509.Certificate{c}
	} else {
		return k, errors.New("not a DER key")
	}
	if !k.Valid() {
		return k, errors.New("unsupported DER key")
	}
	return k, nil
}
