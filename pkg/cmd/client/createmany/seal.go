package createmany

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/printer"
)

// sealItems gives every client but a public one a secret, and encrypts it
// to Options.Encrypt before anything is sent. Hydra's CLI encrypts the secret the server
// generated after the client exists; when that fails, the secret is lost
// with the client created. Here the secret is made before the request (as
// the server would: Hydra generates one for every client sent without),
// so that an encryption that fails creates nothing.
func sealItems(items []Item, encrypt func(string) (string, error)) error {
	for i := range items {
		d := items[i].Doc
		if d.String("token_endpoint_auth_method") == "none" {
			// A public client: Hydra shows no secret for it, and
			// uses none.
			continue
		}
		secret := d.String("client_secret")
		if secret == "" {
			var err error
			if secret, err = newSecret(); err != nil {
				return err
			}
			d.Set("client_secret", secret)
			items[i].made = true
		}
		sealed, err := encrypt(secret)
		if err != nil {
			return fmt.Errorf("%s%s; no client was created", err, inWhere(items[i].Where))
		}
		items[i].sealed = sealed
	}
	return nil
}

// newSecret is a secret as strong as the one Hydra would generate, and
// stronger: 32 random bytes, base64url.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// sealAnswer puts the encrypted secret in the server's answer, in place of
// the secret, so that every output shows it where it would show the
// secret. When the server holds another secret than the one sent (a lost
// answer, after which the client got a new one), that secret is encrypted
// now; if that fails, it is kept in clear with a warning rather than lost.
func sealAnswer(errOut io.Writer, encrypt func(string) (string, error), c *api.OAuth2Client, it *Item) {
	sealed := it.sealed
	if sealed == "" && c.ClientSecret == "" {
		return
	}
	if c.ClientSecret != "" && c.ClientSecret != it.Doc.String("client_secret") {
		var err error
		if sealed, err = encrypt(c.ClientSecret); err != nil {
			fmt.Fprintf(errOut, "warning: client %s: %v: its secret is shown unencrypted, since it cannot be fetched again\n", printer.Printable(c.ClientID), err)
			// Shown as a secret the server generated is: the
			// one sent is not the client's.
			it.sealed = ""
			delete(it.Doc, "client_secret")
			return
		}
		// Not the one given: it is shown, as one made here is.
		it.sealed, it.made = sealed, true
	}
	c.ClientSecret = sealed
	c.Raw = shared.SetSecret(c.Raw, sealed)
}

// encryptFunc is how opts encrypts a secret: in Hydra v1's encoding under
// its spellings (printer.Style.HydraV1), in Hydra v2's otherwise.
func encryptFunc(ctx context.Context, opts Options) func(string) (string, error) {
	encrypt := opts.Encrypt.Encrypt
	if opts.Style.HydraV1 {
		encrypt = opts.Encrypt.EncryptV1
	}
	return func(secret string) (string, error) { return encrypt(ctx, secret) }
}
