package user

import (
	"context"
	"errors"
	"net/url"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
)

// idTokenVerifier is shared.IDTokenVerifier, which token device uses too,
// plus the nonce check of the authorization code flow.
type idTokenVerifier struct {
	v *shared.IDTokenVerifier
}

// newIDTokenVerifier reads the discovery document at the public endpoint;
// see shared.NewIDTokenVerifier.
func newIDTokenVerifier(ctx context.Context, client *api.Client, endpoint *url.URL, clientID, issuer string) (*idTokenVerifier, error) {
	v, err := shared.NewIDTokenVerifier(ctx, client, endpoint, clientID, issuer)
	if err != nil {
		return nil, err
	}
	return &idTokenVerifier{v: v}, nil
}

// verify checks raw's signature against the issuer's JWKS, its iss, aud and
// exp claims, that its nonce is the one this attempt sent, and, when it
// carries at_hash, that it belongs with accessToken.
func (v *idTokenVerifier) verify(ctx context.Context, raw, nonce, accessToken string) error {
	idt, err := v.v.Verify(ctx, raw, accessToken)
	if err != nil {
		return err
	}
	if idt.Nonce != nonce {
		return errors.New("the ID token's nonce is not the one sent with this authorization request: it was not issued for this sign-in")
	}
	return nil
}
