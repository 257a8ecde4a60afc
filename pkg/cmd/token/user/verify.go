package user

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/hydratoken/hydra/pkg/api"
)

// idTokenVerifier checks ID tokens against the issuer's discovery document
// and keys: signature, iss, aud, exp, and then the nonce and at_hash.
type idTokenVerifier struct {
	hc       *http.Client
	verifier *oidc.IDTokenVerifier
	issuer   string
}

// newIDTokenVerifier reads the discovery document at the public endpoint.
// Hydra's issuer is its public URL; a difference of a trailing slash alone
// is tolerated.
func newIDTokenVerifier(ctx context.Context, client *api.Client, endpoint *url.URL, clientID string) (*idTokenVerifier, error) {
	// Guarded: go-oidc reads bodies without limit and quotes error pages
	// whole in its messages.
	hc := client.Guard().HTTP
	octx := oidc.ClientContext(api.WithRetry(ctx), hc)
	issuer := strings.TrimSuffix(endpoint.String(), "/")
	p, err := oidc.NewProvider(octx, issuer)
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) && strings.TrimSuffix(mismatch.Discovered, "/") == issuer {
		issuer = mismatch.Discovered
		p, err = oidc.NewProvider(octx, issuer)
	}
	if err != nil {
		wellKnown := strings.TrimSuffix(endpoint.String(), "/") + "/.well-known/openid-configuration"
		if errors.As(err, &mismatch) {
			return nil, fmt.Errorf("GET %s: the issuer is %s, not the endpoint %s; pass the issuer's URL with --endpoint so that the ID token can be verified", wellKnown, mismatch.Discovered, issuer)
		}
		wk, _ := url.Parse(wellKnown)
		if e := client.LibraryError(err, http.MethodGet, wk); e != nil {
			if errors.Is(e, context.Canceled) {
				return nil, e
			}
			err = e
		}
		return nil, fmt.Errorf("reading the OpenID Connect discovery document, needed to verify the ID token: %w", err)
	}
	return &idTokenVerifier{hc: hc, issuer: issuer, verifier: p.Verifier(&oidc.Config{ClientID: clientID})}, nil
}

// verify checks raw's signature against the issuer's JWKS, its iss, aud and
// exp claims, that its nonce is the one this attempt sent, and, when it
// carries at_hash, that it belongs with accessToken.
func (v *idTokenVerifier) verify(ctx context.Context, raw, nonce, accessToken string) error {
	idt, err := v.verifier.Verify(oidc.ClientContext(api.WithRetry(ctx), v.hc), raw)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("the ID token failed verification against %s: %s", v.issuer, strings.TrimPrefix(err.Error(), "oidc: "))
	}
	if idt.Nonce != nonce {
		return errors.New("the ID token's nonce is not the one sent with this authorization request: it was not issued for this sign-in")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(accessToken); err != nil {
			return errors.New("the ID token's at_hash does not match the access token")
		}
	}
	return nil
}
