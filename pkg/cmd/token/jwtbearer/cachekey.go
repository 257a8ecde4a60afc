package jwtbearer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// cacheKey is the token cache's key for this call: the client, and the
// identity the assertion proves, so that an assertion of another identity,
// or one signed with another key, never gets a cached token (issue 22).
//
//   - An assertion from a file, a variable or GitHub Actions is obtained
//     first, and its iss and sub read (locally, without verification:
//     Hydra verifies them when the grant runs). GitHub's identity token is
//     so fetched on every call, cached or not: what it says is the key.
//   - With a signing key, the key holds --issuer, --subject, the audience
//     and the key's thumbprint: the token of a trusted key is never handed
//     to another key.
//
// It returns the assertion obtained, for the grant, and fl, or a copy with
// the cache off when the assertion's identity cannot be read.
func (o *Options) cacheKey(ctx context.Context, s *shared.Session) (tokencache.Key, string, *cachewire.Flags, error) {
	key := tokencache.Key{Issuer: s.TokenURL.String(), ClientID: s.Auth.ClientID, Grant: shared.GrantJWTBearer, Scopes: o.Scopes,
		Credential: cachewire.Credential(s.Auth.Method, s.Auth.Secret, clientKey(s.Auth))}
	fl := &o.Cache
	if o.source == "key" {
		if !fl.Enabled {
			return key, "", fl, nil
		}
		flag := "--assertion-key"
		if o.oldSpelling {
			flag = "--private-key"
		}
		sk, err := shared.LoadSigningKey(o.Factory, flag, o.SigningKey)
		if err != nil {
			return key, "", fl, err
		}
		o.signer = sk
		tp, err := jwkey.Thumbprint(&sk.JWK)
		if err != nil {
			return key, "", fl, fmt.Errorf("%s: %w", flag, err)
		}
		key.Subject = o.Subject
		key.Extra = map[string]string{"assertion_issuer": o.Issuer, "assertion_audience": o.audience(s.TokenURL),
			"assertion_key": tp}
		return key, "", fl, nil
	}
	if o.fetched() && !fl.Enabled {
		// Without the cache, a fetched token is fetched when the grant
		// runs.
		return key, "", fl, nil
	}
	assertion, err := o.assertion(ctx, s.TokenURL)
	if err != nil {
		return key, "", fl, err
	}
	iss, sub, ok := assertionIdentity(assertion)
	if !ok {
		if fl.Enabled {
			fmt.Fprintln(o.IO.ErrOut, "warning: token cache: the assertion's iss and sub cannot be read, so its token is not cached")
		}
		off := *fl
		off.Enabled = false
		return key, assertion, &off, nil
	}
	key.Subject = sub
	key.Extra = map[string]string{"assertion_issuer": iss}
	if o.fetched() {
		key.Extra["assertion_from"] = o.source
		key.Extra["assertion_audience"] = o.audience(s.TokenURL)
	}
	return key, assertion, fl, nil
}

// assertionIdentity reads a JWT's iss and sub, unverified, exactly as
// sent: both must be non-empty strings.
func assertionIdentity(jwt string) (iss, sub string, ok bool) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", "", false
	}
	var c struct {
		Iss *string `json:"iss"`
		Sub *string `json:"sub"`
	}
	if json.Unmarshal(b, &c) != nil || c.Iss == nil || c.Sub == nil || *c.Iss == "" || *c.Sub == "" {
		return "", "", false
	}
	return *c.Iss, *c.Sub, true
}

// clientKey is the client's private_key_jwt key, for the cache key.
func clientKey(a *shared.Auth) *jose.JSONWebKey {
	if a.Key == nil {
		return nil
	}
	return &a.Key.JWK
}
