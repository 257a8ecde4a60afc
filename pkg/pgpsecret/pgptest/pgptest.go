// Package pgptest makes OpenPGP keys for tests and reads what
// pgpsecret.Recipient.Encrypt (or Hydra's CLI) printed.
package pgptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Key is a key pair made for a test.
type Key struct {
	// Public is the ASCII-armored public key.
	Public []byte
	// Private is the ASCII-armored private key, unprotected.
	Private []byte
}

// Base64 is the value --pgp-key takes: base64 of the armored public key.
func (k Key) Base64() string { return base64.StdEncoding.EncodeToString(k.Public) }

// NewKey makes a key pair (RSA 2048, fast enough for a test) with an
// encryption subkey.
func NewKey(t testing.TB) Key {
	t.Helper()
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Generate is NewKey outside a test.
func Generate() (Key, error) {
	e, err := openpgp.NewEntity("hydra test", "", "test@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoRSA, RSABits: 2048})
	if err != nil {
		return Key{}, err
	}
	return armorKey(e, true)
}

// NewSigningOnlyKey makes a key pair that has no encryption key: a key
// that cannot receive a secret.
func NewSigningOnlyKey(t testing.TB) Key {
	t.Helper()
	e, err := openpgp.NewEntity("hydra test", "signing only", "test@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	e.Subkeys = nil
	for _, id := range e.Identities {
		id.SelfSignature.FlagEncryptCommunications = false
		id.SelfSignature.FlagEncryptStorage = false
		if err := id.SelfSignature.SignUserId(id.UserId.Id, e.PrimaryKey, e.PrivateKey, nil); err != nil {
			t.Fatal(err)
		}
	}
	k, err := armorKey(e, false)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func armorKey(e *openpgp.Entity, sign bool) (Key, error) {
	var pub, priv bytes.Buffer
	w, err := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err != nil {
		return Key{}, err
	}
	if err := e.Serialize(w); err != nil {
		return Key{}, err
	}
	w.Close()
	if w, err = armor.Encode(&priv, openpgp.PrivateKeyType, nil); err != nil {
		return Key{}, err
	}
	if sign {
		err = e.SerializePrivate(w, nil)
	} else {
		err = e.SerializePrivateWithoutSigning(w, nil)
	}
	if err != nil {
		return Key{}, err
	}
	w.Close()
	return Key{Public: pub.Bytes(), Private: priv.Bytes()}, nil
}

// Decrypt reads an encrypted secret as Hydra's CLIs print it: base64 of an
// ASCII-armored OpenPGP message (Hydra v2), or of a binary one (Hydra v1),
// with the key's private part.
func (k Key) Decrypt(encoded string) (string, error) {
	msg, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", fmt.Errorf("the encrypted secret is not base64: %v", err)
	}
	keys, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(k.Private))
	if err != nil {
		return "", err
	}
	var body io.Reader = bytes.NewReader(msg)
	if bytes.HasPrefix(msg, []byte("-----BEGIN")) {
		block, err := armor.Decode(bytes.NewReader(msg))
		if err != nil {
			return "", fmt.Errorf("the encrypted secret is not an ASCII-armored OpenPGP message: %v", err)
		}
		if block.Type != "PGP MESSAGE" {
			return "", fmt.Errorf("the encrypted secret is a %q block, not a PGP MESSAGE", block.Type)
		}
		body = block.Body
	}
	md, err := openpgp.ReadMessage(body, keys, nil, nil)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(md.UnverifiedBody)
	if err != nil {
		return "", fmt.Errorf("reading the message: %v", err)
	}
	return string(b), nil
}
