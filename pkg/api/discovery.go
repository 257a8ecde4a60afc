package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// DiscoveryPath is the public API's OpenID Connect discovery document.
const DiscoveryPath = "/.well-known/openid-configuration"

// Discovery holds the members of an OpenID Provider's discovery document
// (OpenID Connect Discovery 1.0 §3) that the tool uses.
type Discovery struct {
	// Issuer is the issuer identifier, the iss of every token it signs.
	Issuer string `json:"issuer"`
	// JWKSURI is the URL of the issuer's public signing keys.
	JWKSURI string `json:"jwks_uri"`
}

// Discover reads the discovery document at the API's root. A GET is a
// read: it is retried. A document without issuer or jwks_uri is not one
// that can verify tokens, and fails like any other unusable answer.
func (c *Client) Discover(ctx context.Context) (*Discovery, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: DiscoveryPath, Retry: true})
	if err != nil {
		return nil, err
	}
	var d Discovery
	err = json.Unmarshal(resp.Body, &d)
	if err == nil && (d.Issuer == "" || d.JWKSURI == "") {
		err = errors.New("the discovery document lacks issuer or jwks_uri")
	}
	if err != nil {
		return nil, BadBodyError(resp, http.MethodGet, c.URL(DiscoveryPath, nil), err)
	}
	return &d, nil
}

// JWKS reads the JSON Web Key Set at u (RFC 7517 §5), which need not be
// under the client's BaseURL: an issuer's keys may be served anywhere. It
// returns the body as sent once it is a JSON object with a "keys" array;
// parsing the keys is the caller's. A GET is a read: it is retried.
func (c *Client) JWKS(ctx context.Context, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(WithRetry(ctx), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/jwk-set+json")
	if c.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.BearerToken)
	}
	resp, err := c.Send(req)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	err = json.Unmarshal(resp.Body, &set)
	if err == nil && set.Keys == nil {
		err = errors.New(`the body is not a JWK set: it has no "keys" array`)
	}
	if err != nil {
		return nil, BadBodyError(resp, http.MethodGet, u, err)
	}
	return resp.Body, nil
}

// RebaseURL returns the URL of rawURL's path under base, when rawURL lies
// under issuer: an issuer's documents name its own public URL, which may
// not be reachable from here (a port-forward, a proxy), while base is the
// URL that reached it. Other URLs are returned as they are.
func RebaseURL(rawURL, issuer string, base *url.URL) string {
	rest, ok := strings.CutPrefix(rawURL, strings.TrimSuffix(issuer, "/"))
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "?")) {
		return rawURL
	}
	return strings.TrimSuffix(base.String(), "/") + rest
}
