package shared

import (
	"fmt"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/jwkey"
)

// ClientAssertionType is the client_assertion_type of a JWT client
// assertion (RFC 7523 §2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// SigningKey is a private key that signs client assertions; it is
// pkg/jwkey's, which reads and signs with it.
type SigningKey = jwkey.SigningKey

// LoadSigningKey reads a private key from path ("-" for stdin), as
// jwkey.ParseSigningKey reads it. flag names the flag that gave path, in
// messages.
func LoadSigningKey(f *cmdutil.Factory, flag, path string) (*SigningKey, error) {
	raw, err := cmdutil.ReadSecretFile(f, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	name := flag + " " + path
	if path == "-" {
		name = flag + " (stdin)"
	}
	return jwkey.ParseSigningKey(name, []byte(raw))
}
