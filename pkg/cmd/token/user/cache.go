package user

import (
	"context"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// cached is the flow behind the token cache (--cache): a cached token that
// is fresh enough is printed with no request, not even discovery; an
// expired one is refreshed with its refresh token; only without one does a
// person sign in again. The key holds --subject in headless mode; after a
// browser flow, the ID token's sub is stored beside the entry.
func (fl *flow) cached(ctx context.Context, s *shared.Session) error {
	o := fl.opts
	var key *jose.JSONWebKey
	if s.Auth.Key != nil {
		key = &s.Auth.Key.JWK
	}
	res, err := cachewire.Get(ctx, o.Factory, &o.Cache, cachewire.Request{
		Key: tokencache.Key{Issuer: s.TokenURL.String(), ClientID: s.Auth.ClientID, Grant: shared.GrantAuthorizationCode,
			Scopes: o.Scopes, Audience: o.Audience, Subject: o.Subject,
			Credential: cachewire.Credential(s.Auth.Method, s.Auth.Secret, key)},
		Grant: func(ctx context.Context) ([]byte, error) {
			var got *shared.Token
			fl.deliver = func(t *shared.Token) error { got = t; return nil }
			if err := fl.run(ctx); err != nil {
				return nil, err
			}
			return got.Raw, nil
		},
		Refresh: s.RefreshRaw,
		Subject: shared.IDTokenSubject,
	})
	if err != nil {
		return err
	}
	if err := fl.print(&shared.Token{AccessToken: res.Token.AccessToken, Raw: res.Raw, OAuth2: res.OAuth2(), RefreshTokenKept: res.Kept()}); err != nil {
		return err
	}
	return res.Finish(o.IO, o.Format)
}
