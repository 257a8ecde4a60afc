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
	// authEndpoint is the discovery document's authorization_endpoint,
	// read under --issuer: it is on Hydra's public URL (urls.self.public),
	// where Hydra sends browsers.
	authEndpoint string
}

// newIDTokenVerifier reads the discovery document at the public endpoint.
// Hydra's issuer is its public URL; a difference of a trailing slash alone
// is tolerated. With issuer set (--issuer), the discovery document must
// name that issuer instead, and the keys are read from the endpoint: behind
// a port-forward or a proxy, the issuer's own URL may not be reachable from
// here.
func newIDTokenVerifier(ctx context.Context, client *api.Client, endpoint *url.URL, clientID, issuer string) (*idTokenVerifier, error) {
	// Guarded: go-oidc reads bodies without limit and quotes error pages
	// whole in its messages.
	hc := client.Guard().HTTP
	octx := oidc.ClientContext(api.WithRetry(ctx), hc)
	base := strings.TrimSuffix(endpoint.String(), "/")
	wellKnown := base + "/.well-known/openid-configuration"
	if issuer != "" {
		return newIssuerVerifier(octx, client, base, clientID, issuer)
	}
	issuer = base
	p, err := oidc.NewProvider(octx, issuer)
	var mismatch *oidc.IssuerMismatchError
	if errors.As(err, &mismatch) && strings.TrimSuffix(mismatch.Discovered, "/") == issuer {
		issuer = mismatch.Discovered
		p, err = oidc.NewProvider(octx, issuer)
	}
	if err != nil {
		if errors.As(err, &mismatch) {
			return nil, fmt.Errorf("GET %s: the issuer is %s, not the endpoint %s, so ID tokens cannot be verified against the endpoint\nIf %s reaches that issuer's Hydra through a port-forward or a proxy, pass --issuer %s; otherwise pass the issuer's URL with --endpoint", wellKnown, mismatch.Discovered, issuer, base, mismatch.Discovered)
		}
		return nil, discoveryError(client, err, wellKnown)
	}
	return &idTokenVerifier{hc: hc, issuer: issuer, verifier: p.Verifier(&oidc.Config{ClientID: clientID})}, nil
}

// newIssuerVerifier is newIDTokenVerifier for --issuer.
func newIssuerVerifier(octx context.Context, client *api.Client, base, clientID, issuer string) (*idTokenVerifier, error) {
	wellKnown := base + "/.well-known/openid-configuration"
	// The issuer is checked here, not by go-oidc, which would compare it
	// with the URL the document was read from.
	p, err := oidc.NewProvider(oidc.InsecureIssuerURLContext(octx, issuer), base)
	if err != nil {
		return nil, discoveryError(client, err, wellKnown)
	}
	var doc struct {
		Issuer       string `json:"issuer"`
		JWKSURI      string `json:"jwks_uri"`
		AuthEndpoint string `json:"authorization_endpoint"`
	}
	if err := p.Claims(&doc); err != nil {
		return nil, fmt.Errorf("GET %s: reading the discovery document: %w", wellKnown, err)
	}
	if strings.TrimSuffix(doc.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return nil, fmt.Errorf("GET %s: the issuer is %s, not --issuer %s: pass --issuer %s, or drop it", wellKnown, doc.Issuer, issuer, doc.Issuer)
	}
	// The keys' URL names the issuer's host, which may not be reachable
	// from here: read them from the endpoint, at the same path.
	jwks := base + "/.well-known/jwks.json"
	if rest, ok := strings.CutPrefix(doc.JWKSURI, strings.TrimSuffix(doc.Issuer, "/")); ok && strings.HasPrefix(rest, "/") {
		jwks = base + rest
	}
	keys := oidc.NewRemoteKeySet(octx, jwks)
	return &idTokenVerifier{hc: client.Guard().HTTP, issuer: doc.Issuer, verifier: oidc.NewVerifier(doc.Issuer, keys, &oidc.Config{ClientID: clientID}), authEndpoint: doc.AuthEndpoint}, nil
}

func discoveryError(client *api.Client, err error, wellKnown string) error {
	wk, _ := url.Parse(wellKnown)
	if e := client.LibraryError(err, http.MethodGet, wk); e != nil {
		if errors.Is(e, context.Canceled) {
			return e
		}
		err = e
	}
	return fmt.Errorf("reading the OpenID Connect discovery document, needed to verify the ID token: %w", err)
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
