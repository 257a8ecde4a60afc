package pgpsecret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
	"github.com/hydratoken/hydra/pkg/pgpwire"
)

// ask runs Main with req as its stdin and decodes its answer.
func ask(t *testing.T, req any) pgpwire.Answer {
	t.Helper()
	var in []byte
	switch r := req.(type) {
	case string:
		in = []byte(r)
	default:
		in, _ = json.Marshal(r)
	}
	var out, errOut bytes.Buffer
	if code := Main(nil, bytes.NewReader(in), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var a pgpwire.Answer
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		t.Fatalf("the answer is not JSON: %v\n%s", err, out.String())
	}
	if a.Version != pgpwire.Version {
		t.Errorf("answer version %d", a.Version)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
	return a
}

// TestMainProtocol: hydra-pgp's main checks a key, and encrypts in either
// encoding, answering in JSON; a key that cannot encrypt, another
// protocol version or a request that is not JSON are answered with an
// error of their kind, never a secret.
func TestMainProtocol(t *testing.T) {
	key := pgptest.NewKey(t)
	a := ask(t, pgpwire.Request{Version: pgpwire.Version, Op: pgpwire.OpCheck, Key: key.Public, Source: "--pgp-key"})
	if a.Error != nil || len(a.KeyID) != 16 || a.Message != "" {
		t.Fatalf("check: %+v", a)
	}
	for enc, armored := range map[string]bool{pgpwire.Armored: true, pgpwire.Binary: false} {
		a := ask(t, pgpwire.Request{Version: pgpwire.Version, Op: pgpwire.OpEncrypt, Key: key.Public, Source: "--pgp-key", Secret: "s3cr3t-value", Encoding: enc})
		if a.Error != nil {
			t.Fatalf("%s: %+v", enc, a.Error)
		}
		b, err := base64.StdEncoding.DecodeString(a.Message)
		if err != nil || strings.HasPrefix(string(b), "-----BEGIN PGP MESSAGE-----") != armored {
			t.Errorf("%s: %v %q", enc, err, b)
		}
		if got, err := key.Decrypt(a.Message); err != nil || got != "s3cr3t-value" {
			t.Errorf("%s: decrypted %q, %v", enc, got, err)
		}
	}

	for name, c := range map[string]struct {
		req        any
		kind, want string
	}{
		"cannot encrypt": {pgpwire.Request{Version: pgpwire.Version, Op: pgpwire.OpEncrypt, Key: pgptest.NewSigningOnlyKey(t).Public, Source: "--pgp-key", Secret: "s3cr3t", Encoding: pgpwire.Armored}, pgpwire.KindKey, "cannot encrypt"},
		"not a key":      {pgpwire.Request{Version: pgpwire.Version, Op: pgpwire.OpCheck, Key: []byte("<html>"), Source: "GET https://k/"}, pgpwire.KindKey, "GET https://k/ is not an OpenPGP public key"},
		"other version":  {pgpwire.Request{Version: 99, Op: pgpwire.OpCheck, Key: key.Public}, pgpwire.KindVersion, "same release as hydra"},
		"unknown op":     {pgpwire.Request{Version: pgpwire.Version, Op: "sign", Key: key.Public}, pgpwire.KindRequest, "sign"},
		"unknown enc":    {pgpwire.Request{Version: pgpwire.Version, Op: pgpwire.OpEncrypt, Key: key.Public, Secret: "x", Encoding: "hex"}, pgpwire.KindRequest, "hex"},
		"not JSON":       {"hello", pgpwire.KindRequest, "not hydra-pgp's JSON"},
		"too big":        {strings.Repeat(" ", pgpwire.MaxRequest+1), pgpwire.KindRequest, "over"},
	} {
		a := ask(t, c.req)
		if a.Error == nil || a.Error.Kind != c.kind || !strings.Contains(a.Error.Message, c.want) || a.Message != "" {
			t.Errorf("%s: %+v, want a %s error with %q", name, a, c.kind, c.want)
		}
		if a.Error != nil && strings.Contains(a.Error.Message, "s3cr3t") {
			t.Errorf("%s: the secret is in the error: %s", name, a.Error.Message)
		}
	}
}

// TestMainByHand: run with arguments, as a person would, it says what it
// is on stderr and reads nothing.
func TestMainByHand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"--help"}, strings.NewReader("{}"), &out, &errOut); code != 0 || out.Len() != 0 || !strings.Contains(errOut.String(), "hydra runs it") {
		t.Errorf("--help: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	errOut.Reset()
	if code := Main([]string{"encrypt"}, strings.NewReader("{}"), &out, &errOut); code != 2 || out.Len() != 0 {
		t.Errorf("an argument: exit %d, stdout %q", code, out.String())
	}
}
