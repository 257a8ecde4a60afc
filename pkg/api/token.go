package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
)

// Paths of the OAuth 2.0 endpoints in Hydra v2.
const (
	// TokenPath is the public API's token endpoint (RFC 6749 §3.2).
	TokenPath = "/oauth2/token"
	// RevokePath is the public API's revocation endpoint (RFC 7009).
	RevokePath = "/oauth2/revoke"
	// DeleteTokensPath is the admin API's endpoint that deletes every
	// access and refresh token of one client.
	DeleteTokensPath = "/admin/oauth2/tokens"
)

// ClientAuth authenticates an OAuth 2.0 client to the token and revocation
// endpoints (RFC 6749 §2.3), by adding to the form or the headers of the
// request.
type ClientAuth interface {
	Authenticate(form url.Values, header http.Header) error
}

// BasicAuth returns the value of an Authorization header for
// client_secret_basic. The client ID and secret are form-encoded before they
// are joined, as RFC 6749 §2.3.1 asks, so that a ':' or '%' in either
// survives; golang.org/x/oauth2 encodes them the same way.
func BasicAuth(clientID, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID)+":"+url.QueryEscape(secret)))
}

// Revoke revokes an access or refresh token (RFC 7009). hint, if set, is
// the token_type_hint: access_token or refresh_token. The server answers 200
// for a token it does not know, which is a success. A revocation is never
// retried: it is not a read.
func (c *Client) Revoke(ctx context.Context, token, hint string, auth ClientAuth) error {
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	header := http.Header{}
	if err := auth.Authenticate(form, header); err != nil {
		return err
	}
	// RFC 7009 §2.2: a 200 with no body.
	_, err := c.Do(ctx, Request{Method: http.MethodPost, Path: RevokePath, Form: form, Header: header, Answer: AnswerEmpty})
	return err
}

// DeleteTokens deletes every access and refresh token that Hydra issued to
// one client, through the admin API. A DELETE is idempotent, so it is
// retried after a transient failure.
func (c *Client) DeleteTokens(ctx context.Context, clientID string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: DeleteTokensPath, Query: url.Values{"client_id": {clientID}}, Retry: true})
	return err
}
