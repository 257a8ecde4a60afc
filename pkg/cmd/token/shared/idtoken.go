package shared

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/hydratoken/hydra/pkg/api"
)

// IDTokenVerifier checks ID tokens against the issuer's discovery document
// and keys: signature, iss, aud and exp, and at_hash when the token has
// one. It also keeps what the discovery document says of the endpoints
// that a grant needs, such as the device authorization endpoint.
// token user and token device verify with it; token user checks the nonce
// as well.
type IDTokenVerifier struct {
	hc       *http.Client
	verifier *oidc.IDTokenVerifier
	issuer   string
	// DeviceAuthURL is the discovery document's
	// device_authorization_endpoint, rebased onto the endpoint when
	// --issuer names another host; "" when the server lists none.
	DeviceAuthURL string
	// AuthEndpoint is the discovery document's authorization_endpoint, as
	// it names it, read under --issuer only: it is on Hydra's public URL
	// (urls.self.public), where Hydra sends browsers.
	AuthEndpoint string
}

// NewIDTokenVerifier reads the discovery document at the public endpoint.
// Hydra's issuer is its public URL; a difference of a trailing slash alone
// is tolerated. With issuer set (--issuer), the discovery document must
// name that issuer instead, and the keys are read from the endpoint: behind
// a port-forward or a proxy, the issuer's own URL may not be reachable from
// here.
func NewIDTokenVerifier(ctx context.Context, client *api.Client, endpoint *url.URL, clientID, issuer string) (*IDTokenVerifier, error) {
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
	return &IDTokenVerifier{hc: hc, issuer: issuer, verifier: p.Verifier(&oidc.Config{ClientID: clientID}),
		DeviceAuthURL: p.Endpoint().DeviceAuthURL}, nil
}

// newIssuerVerifier is NewIDTokenVerifier for --issuer.
func newIssuerVerifier(octx context.Context, client *api.Client, base, clientID, issuer string) (*IDTokenVerifier, error) {
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
		Device       string `json:"device_authorization_endpoint"`
		AuthEndpoint string `json:"authorization_endpoint"`
	}
	if err := p.Claims(&doc); err != nil {
		return nil, fmt.Errorf("GET %s: reading the discovery document: %w", wellKnown, err)
	}
	if strings.TrimSuffix(doc.Issuer, "/") != strings.TrimSuffix(issuer, "/") {
		return nil, fmt.Errorf("GET %s: the issuer is %s, not --issuer %s: pass --issuer %s, or drop it", wellKnown, doc.Issuer, issuer, doc.Issuer)
	}
	// The endpoints' URLs name the issuer's host, which may not be
	// reachable from here: reach them through the endpoint, at the same
	// path.
	rebase := func(u, fallback string) string {
		if rest, ok := strings.CutPrefix(u, strings.TrimSuffix(doc.Issuer, "/")); ok && strings.HasPrefix(rest, "/") {
			return base + rest
		}
		return fallback
	}
	keys := oidc.NewRemoteKeySet(octx, rebase(doc.JWKSURI, base+"/.well-known/jwks.json"))
	return &IDTokenVerifier{hc: client.Guard().HTTP, issuer: doc.Issuer, verifier: oidc.NewVerifier(doc.Issuer, keys, &oidc.Config{ClientID: clientID}),
		DeviceAuthURL: rebase(doc.Device, doc.Device), AuthEndpoint: doc.AuthEndpoint}, nil
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

// Verify checks raw's signature against the issuer's JWKS, its iss, aud
// and exp claims, and, when it carries at_hash, that it belongs with
// accessToken. It returns the token, so that a flow that sent a nonce can
// check it.
func (v *IDTokenVerifier) Verify(ctx context.Context, raw, accessToken string) (*oidc.IDToken, error) {
	idt, err := v.verifier.Verify(oidc.ClientContext(api.WithRetry(ctx), v.hc), raw)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("the ID token failed verification against %s: %s", v.issuer, strings.TrimPrefix(err.Error(), "oidc: "))
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(accessToken); err != nil {
			return nil, errors.New("the ID token's at_hash does not match the access token")
		}
	}
	return idt, nil
}

// IDTokenSubject reads the sub claim of a token response's ID token, for
// "cache list" only: the flow verified the ID token; the claim is not
// trusted for anything else.
func IDTokenSubject(raw []byte) string {
	var r struct {
		IDToken string `json:"id_token"`
	}
	if json.Unmarshal(raw, &r) != nil {
		return ""
	}
	parts := strings.Split(r.IDToken, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	_ = json.Unmarshal(payload, &c)
	return c.Sub
}
