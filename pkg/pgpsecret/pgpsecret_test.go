package pgpsecret

import (
	"encoding/base64"
	"encoding/pem"
	"io"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
)

func TestEncryptRoundTrip(t *testing.T) {
	key := pgptest.NewKey(t)
	r, err := ParseBase64Key(key.Base64(), "--pgp-key")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := r.Encrypt("s3cr3t-value")
	if err != nil {
		t.Fatal(err)
	}
	// What Hydra's CLI prints: base64 of an ASCII-armored PGP MESSAGE.
	armored, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.HasPrefix(string(armored), "-----BEGIN PGP MESSAGE-----\n") || !strings.HasSuffix(string(armored), "-----END PGP MESSAGE-----") {
		t.Fatalf("not base64 of an armored message: %v\n%s", err, armored)
	}
	if strings.Contains(string(armored), "s3cr3t") {
		t.Fatal("the secret is in clear")
	}
	got, err := key.Decrypt(enc)
	if err != nil || got != "s3cr3t-value" {
		t.Fatalf("decrypted %q, %v", got, err)
	}
	enc2, _ := r.Encrypt("s3cr3t-value")
	if enc2 == enc {
		t.Error("two encryptions gave the same ciphertext")
	}

	// Hydra v1's encoding: base64 of the binary message.
	v1, err := r.EncryptV1("s3cr3t-value")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := base64.StdEncoding.DecodeString(v1); len(b) == 0 || b[0]&0x80 == 0 {
		t.Fatalf("not base64 of a binary OpenPGP message: %q", v1)
	}
	if got, err := key.Decrypt(v1); err != nil || got != "s3cr3t-value" {
		t.Fatalf("v1: decrypted %q, %v", got, err)
	}
}

func TestParseKey(t *testing.T) {
	key := pgptest.NewKey(t)
	// A binary (unarmored) key is taken too.
	block, err := armor.Decode(strings.NewReader(string(key.Public)))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := io.ReadAll(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseKey(bin, "k"); err != nil {
		t.Errorf("binary key: %v", err)
	}
	// A private key block encrypts to its public part, as in Hydra.
	if _, err := ParseKey(key.Private, "k"); err != nil {
		t.Errorf("private key block: %v", err)
	}

	for name, c := range map[string]struct {
		value string
		want  string
	}{
		"not base64":    {"not base64!", "--pgp-key is not base64"},
		"not a key":     {base64.StdEncoding.EncodeToString([]byte("hello")), "--pgp-key is not an OpenPGP public key"},
		"a message":     {base64.StdEncoding.EncodeToString([]byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA1==\n-----END PGP MESSAGE-----\n")), "not an OpenPGP public key"},
		"signing only":  {pgptest.NewSigningOnlyKey(t).Base64(), "cannot encrypt"},
		"pem, not pgp":  {base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2}})), "not an OpenPGP public key"},
		"empty armored": {base64.StdEncoding.EncodeToString([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n")), "--pgp-key"},
	} {
		_, err := ParseBase64Key(c.value, "--pgp-key")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}
