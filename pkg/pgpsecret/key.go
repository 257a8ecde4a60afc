// Package pgpsecret encrypts a client secret to an OpenPGP public key, for
// the --pgp-key, --pgp-key-url and --keybase flags of the commands that
// create or change OAuth 2.0 clients, as Hydra's own CLI does: the output
// carries the secret as base64 of an ASCII-armored OpenPGP message, which
// only the holder of the private key can read
// (base64 -d | gpg --decrypt).
//
// Only hydra-pgp (cmd/hydra-pgp) imports it: the OpenPGP library would take
// hydra over its size limit. hydra runs hydra-pgp when one of the flags is
// given (pkg/pgphelper), and Main answers it (pkg/pgpwire).
package pgpsecret

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Recipient is the OpenPGP key a secret is encrypted to.
type Recipient struct {
	entity *openpgp.Entity
	// source names where the key came from in messages: "--pgp-key",
	// the URL.
	source string
}

// ParseKey reads an OpenPGP public key, ASCII-armored or binary, as Hydra
// takes it: the first key of the block. source names where it came from in
// messages. The key must be able to encrypt now (not expired or revoked,
// with an encryption subkey or a primary key that may encrypt): a key
// that cannot is refused here, before any client is sent, so that no
// secret is ever made for a key that cannot receive it.
func ParseKey(data []byte, source string) (*Recipient, error) {
	var r io.Reader = bytes.NewReader(data)
	switch {
	case bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")):
		block, err := armor.Decode(bytes.NewReader(bytes.TrimSpace(data)))
		if err != nil {
			return nil, fmt.Errorf("%s is not an OpenPGP public key: its ASCII armor cannot be read (%v)", source, err)
		}
		if block.Type != openpgp.PublicKeyType && block.Type != openpgp.PrivateKeyType {
			return nil, fmt.Errorf("%s holds a %q block, not an OpenPGP public key (want -----BEGIN %s-----)", source, block.Type, openpgp.PublicKeyType)
		}
		r = block.Body
	case len(data) == 0 || data[0]&0x80 == 0:
		// Not the first byte of an OpenPGP packet: an HTML page, a
		// PEM key, text.
		return nil, fmt.Errorf("%s is not an OpenPGP public key: want an ASCII-armored key block (-----BEGIN %s-----) or a binary key", source, openpgp.PublicKeyType)
	}
	keys, err := openpgp.ReadKeyRing(r)
	if err != nil {
		return nil, fmt.Errorf("%s is not an OpenPGP public key: %v", source, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no OpenPGP key", source)
	}
	e := keys[0]
	if _, ok := e.EncryptionKey(time.Now()); !ok {
		return nil, fmt.Errorf("OpenPGP key %s from %s cannot encrypt: it is expired or revoked, or has no encryption subkey; give a key that can (gpg --list-keys shows [E] beside one)", keyID(e), source)
	}
	return &Recipient{entity: e, source: source}, nil
}

// ParseBase64Key reads the value of --pgp-key: base64 of an OpenPGP public
// key (base64 -w0 key.asc), as Hydra's CLI takes it.
func ParseBase64Key(value, flag string) (*Recipient, error) {
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil {
		return nil, fmt.Errorf("%s is not base64: give the public key base64-encoded, as in %s \"$(base64 -w0 key.asc)\"", flag, flag)
	}
	return ParseKey(data, flag)
}

// KeyID is the key's ID in hexadecimal, as gpg prints it.
func (r *Recipient) KeyID() string { return keyID(r.entity) }

func keyID(e *openpgp.Entity) string {
	if e.PrimaryKey == nil {
		return "(no primary key)"
	}
	return e.PrimaryKey.KeyIdString()
}

// Encrypt encrypts secret to the key and returns what Hydra v2's CLI
// prints in place of the secret: base64 (standard, padded) of an
// ASCII-armored OpenPGP message. Each call gives another ciphertext.
func (r *Recipient) Encrypt(secret string) (string, error) {
	return r.encrypt(secret, true)
}

// EncryptV1 is Encrypt in Hydra v1's encoding: base64 of the binary
// OpenPGP message, without armor. (Hydra v1.11.10's CLI closes the message
// only after it has printed it, so that what it prints lacks its end and
// cannot be decrypted; this message is whole.)
func (r *Recipient) EncryptV1(secret string) (string, error) {
	return r.encrypt(secret, false)
}

func (r *Recipient) encrypt(secret string, armored bool) (string, error) {
	var buf bytes.Buffer
	var out io.Writer = &buf
	var aw io.WriteCloser
	if armored {
		var err error
		if aw, err = armor.Encode(&buf, "PGP MESSAGE", nil); err != nil {
			return "", err
		}
		out = aw
	}
	cfg := &packet.Config{DefaultCipher: packet.CipherAES256}
	pw, err := openpgp.Encrypt(out, []*openpgp.Entity{r.entity}, nil, &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		return "", fmt.Errorf("encrypting the client secret to OpenPGP key %s from %s: %v", r.KeyID(), r.source, err)
	}
	if _, err := io.WriteString(pw, secret); err != nil {
		return "", err
	}
	// The message is whole only once both are closed.
	if err := pw.Close(); err != nil {
		return "", err
	}
	if aw != nil {
		if err := aw.Close(); err != nil {
			return "", err
		}
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
