package api

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
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
	_, err := c.Do(ctx, Request{Method: http.MethodPost, Path: RevokePath, Form: form, Header: header})
	return err
}

// DeleteTokens deletes every access and refresh token that Hydra issued to
// one client, through the admin API. A DELETE is idempotent, so it is
// retried after a transient failure.
func (c *Client) DeleteTokens(ctx context.Context, clientID string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: DeleteTokensPath, Query: url.Values{"client_id": {clientID}}, Retry: true})
	return err
}

// TokenError turns an error from a golang.org/x/oauth2 token request to
// tokenURL into this package's typed errors. An *Error from a Guard is
// returned as it is; an *oauth2.RetrieveError becomes an *Error with the
// RFC 6749 §5.2 fields and Hydra's hint; a transport failure becomes a
// *ConnError with advice. last, the Guard's last successful answer, names
// the status of a 200 whose token response x/oauth2 refused, such as one
// without access_token.
func (c *Client) TokenError(err error, tokenURL *url.URL, last *Response) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		req := re.Response.Request
		if req == nil {
			req = &http.Request{Method: http.MethodPost, URL: tokenURL}
		}
		e := c.httpError(req, re.Response, re.Body)
		// x/oauth2 also reads errors from form-encoded bodies, which
		// parseErrorBody does not.
		if ae, ok := e.(*Error); ok && ae.Code == "" && re.ErrorCode != "" {
			ae.Code, ae.Description, ae.Excerpt = re.ErrorCode, re.ErrorDescription, ""
		}
		return e
	}
	if e := c.LibraryError(err, http.MethodPost, tokenURL); e != nil {
		return e
	}
	// x/oauth2 prefixes its own messages, such as "server response
	// missing access_token"; keep the substance and name the request and,
	// when there was one, the answer.
	msg := strings.TrimPrefix(err.Error(), "oauth2: ")
	if msg == "server response missing access_token" {
		msg = `the token response has no "access_token"`
	}
	if last != nil {
		return BadBodyError(last, http.MethodPost, tokenURL, errors.New(msg))
	}
	return fmt.Errorf("%s %s: %s", http.MethodPost, StripQuery(tokenURL), msg)
}
