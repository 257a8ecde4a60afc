package jwkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestParseBlock(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(ed)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	pkix, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ec.PublicKey, ec)
	if err != nil {
		t.Fatal(err)
	}
	all := Private | Public | Certificate | EncryptedAdvice

	tests := []struct {
		name     string
		block    pem.Block
		accept   Kinds
		wantType string // %T of the key
		wantCert bool
		wantErr  string // the whole message
	}{
		{name: "PKCS #8", block: pem.Block{Type: "PRIVATE KEY", Bytes: edPKCS8}, accept: all, wantType: "ed25519.PrivateKey"},
		{name: "PKCS #1", block: pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}, accept: Private, wantType: "*rsa.PrivateKey"},
		{name: "SEC 1", block: pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}, accept: Private, wantType: "*ecdsa.PrivateKey"},
		{name: "PKIX", block: pem.Block{Type: "PUBLIC KEY", Bytes: pkix}, accept: Public, wantType: "*ecdsa.PublicKey"},
		{name: "PKCS #1 public", block: pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)}, accept: Public, wantType: "*rsa.PublicKey"},
		{name: "certificate", block: pem.Block{Type: "CERTIFICATE", Bytes: der}, accept: Certificate, wantType: "*ecdsa.PublicKey", wantCert: true},
		{name: "a kind not accepted", block: pem.Block{Type: "PUBLIC KEY", Bytes: pkix}, accept: Private | EncryptedAdvice, wantErr: `PEM block "PUBLIC KEY" is not WANT`},
		{name: "an unknown type", block: pem.Block{Type: "OPENSSH PRIVATE KEY"}, accept: all, wantErr: `PEM block "OPENSSH PRIVATE KEY" is not WANT`},
		{name: "encrypted, with advice", block: pem.Block{Type: "ENCRYPTED PRIVATE KEY"}, accept: Private | EncryptedAdvice, wantErr: ErrEncrypted.Error()},
		{name: "encrypted, without advice", block: pem.Block{Type: "ENCRYPTED PRIVATE KEY"}, accept: Private | Public | Certificate, wantErr: `PEM block "ENCRYPTED PRIVATE KEY" is not WANT`},
		{name: "bytes that do not parse", block: pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}}, accept: Private, wantErr: "parsing the PEM EC PRIVATE KEY: x509: failed to parse EC private key: asn1: syntax error: truncated tag or length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, cert, err := ParseBlock(&tt.block, tt.accept, "WANT")
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || key != nil || cert != nil {
					t.Fatalf("got %T, %v, error %v; want error %q", key, cert != nil, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", key); got != tt.wantType || (cert != nil) != tt.wantCert {
				t.Errorf("got %s (certificate %v), want %s (%v)", got, cert != nil, tt.wantType, tt.wantCert)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	for typ, want := range map[string]Kinds{
		"PRIVATE KEY": Private, "RSA PRIVATE KEY": Private, "EC PRIVATE KEY": Private,
		"PUBLIC KEY": Public, "RSA PUBLIC KEY": Public, "CERTIFICATE": Certificate,
		"ENCRYPTED PRIVATE KEY": 0, "": 0,
	} {
		if got := KindOf(typ); got != want {
			t.Errorf("KindOf(%q) = %d, want %d", typ, got, want)
		}
	}
}

// Any block gets a key or one of the three messages, never a panic.
func FuzzParseBlock(f *testing.F) {
	f.Add("PRIVATE KEY", []byte{0x30, 0x03, 0x02, 0x01, 0x00}, uint8(Private|EncryptedAdvice))
	f.Add("CERTIFICATE", []byte{0x30, 0x00}, uint8(Certificate))
	f.Add("ENCRYPTED PRIVATE KEY", []byte(nil), uint8(Private))
	f.Fuzz(func(t *testing.T, typ string, der []byte, accept uint8) {
		key, cert, err := ParseBlock(&pem.Block{Type: typ, Bytes: der}, Kinds(accept), "WANT")
		if err != nil {
			msg := err.Error()
			if key != nil || cert != nil || (err != ErrEncrypted && !strings.HasPrefix(msg, "PEM block ") && !strings.HasPrefix(msg, "parsing the PEM ")) {
				t.Fatalf("%q: %T, %v, error %q", typ, key, cert != nil, msg)
			}
			return
		}
		if kind := KindOf(typ); kind == 0 || Kinds(accept)&kind == 0 {
			t.Fatalf("%q accepted, not being of a kind in %d", typ, accept)
		}
		if (cert != nil) != (typ == "CERTIFICATE") {
			t.Fatalf("%q: certificate %v", typ, cert != nil)
		}
	})
}
