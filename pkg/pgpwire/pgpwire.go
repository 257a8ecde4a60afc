// Package pgpwire is the protocol between hydra and hydra-pgp, the helper
// that encrypts a client secret to an OpenPGP key (--pgp-key,
// --pgp-key-url, --keybase). The OpenPGP library links every algorithm it
// can parse and would take hydra over its size limit, so it lives in a
// second binary that hydra runs only when one of those flags is given, as
// git runs its git-* helpers.
//
// hydra writes one Request, as JSON, on the helper's standard input and
// closes it; the helper writes one Answer, as JSON, on its standard output
// and exits 0. The key and the secret travel only there: never in the
// helper's arguments or environment. Fetching a key (--pgp-key-url,
// --keybase) is hydra's work, with its own TLS settings; the helper never
// uses the network.
//
// This package holds only the types, so that both binaries can import it
// without the other's dependencies.
package pgpwire

// Version is the protocol's version. A helper answers a request of
// another version with an error of KindVersion.
const Version = 1

// Name is the helper's executable name (hydra-pgp.exe on Windows).
const Name = "hydra-pgp"

// Ops.
const (
	// OpCheck reads the key and checks that it can encrypt now; the
	// answer carries its KeyID. hydra asks it before any client is sent.
	OpCheck = "check"
	// OpEncrypt encrypts Secret to the key, in Encoding.
	OpEncrypt = "encrypt"
)

// Encodings of an encrypted secret.
const (
	// Armored is what Hydra v2's CLI prints: base64 (standard, padded)
	// of an ASCII-armored OpenPGP message.
	Armored = "armored"
	// Binary is Hydra v1's: base64 of the binary OpenPGP message.
	Binary = "binary"
)

// Error kinds.
const (
	// KindKey: the key cannot be read, or cannot encrypt.
	KindKey = "key"
	// KindVersion: the helper does not speak the request's Version.
	KindVersion = "version"
	// KindRequest: the request is not one the helper understands.
	KindRequest = "request"
	// KindInternal: encrypting failed for another reason.
	KindInternal = "internal"
)

// MaxRequest bounds a request, and MaxAnswer an answer, in bytes: a key
// is a few kilobytes; hydra sends none over MaxAnswer, which also bounds a
// key server's answer.
const (
	MaxRequest = 4 << 20
	MaxAnswer  = 1 << 20
)

// Request is what hydra asks.
type Request struct {
	Version int    `json:"version"`
	Op      string `json:"op"`
	// Key is the public key, ASCII-armored or binary, as given or
	// fetched (base64 in JSON).
	Key []byte `json:"key"`
	// Source names where the key came from in messages: "--pgp-key",
	// "GET https://keys.example/k.asc".
	Source string `json:"source"`
	// Secret is the secret to encrypt (OpEncrypt).
	Secret string `json:"secret,omitempty"`
	// Encoding is Armored or Binary (OpEncrypt).
	Encoding string `json:"encoding,omitempty"`
}

// Answer is what the helper answers: Error, or the result.
type Answer struct {
	Version int `json:"version"`
	// KeyID is the key's ID in hexadecimal, as gpg prints it.
	KeyID string `json:"key_id,omitempty"`
	// Message is the encrypted secret, in the Encoding asked for.
	Message string `json:"message,omitempty"`
	Error   *Error `json:"error,omitempty"`
}

// Error is a failure the helper reports.
type Error struct {
	Kind string `json:"kind"`
	// Message says what failed and what to do, ready for the user.
	Message string `json:"message"`
}
