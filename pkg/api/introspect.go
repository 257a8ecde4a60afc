package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// IntrospectPath is the admin API's RFC 7662 endpoint in Hydra v2.
const IntrospectPath = "/admin/oauth2/introspect"

// Introspection is an RFC 7662 introspection response. The typed fields are
// the ones the tool reads; Raw is the server's JSON exactly as sent, so that
// printing keeps every field, known or not.
type Introspection struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Subject   string   `json:"sub,omitempty"`
	Username  string   `json:"username,omitempty"`
	TokenType string   `json:"token_type,omitempty"`
	TokenUse  string   `json:"token_use,omitempty"`
	Issuer    string   `json:"iss,omitempty"`
	Audience  []string `json:"aud,omitempty"`
	ExpiresAt int64    `json:"exp,omitempty"`
	IssuedAt  int64    `json:"iat,omitempty"`
	NotBefore int64    `json:"nbf,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// Introspect asks the admin API whether token is active (RFC 7662). With
// scopes, Hydra also checks that the token was granted all of them, and
// answers inactive otherwise. An inactive token is a valid answer, not an
// error.
func (c *Client) Introspect(ctx context.Context, token string, scopes []string) (*Introspection, error) {
	form := url.Values{"token": {token}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: IntrospectPath, Form: form, Retry: true})
	if err != nil {
		return nil, err
	}
	in, err := ParseIntrospection(resp.Body)
	if err != nil {
		return nil, scrubSecrets(BadBodyError(resp, http.MethodPost, c.URL(IntrospectPath, nil), err), []string{token, c.BearerToken})
	}
	return in, nil
}

// ParseIntrospection decodes an introspection response strictly: it must be
// a JSON object whose "active" member is a boolean. It decodes the body once,
// since batch introspection calls it for every token.
func ParseIntrospection(body []byte) (*Introspection, error) {
	// The same fields as Introspection, but "active" kept raw so that a
	// missing or non-boolean member is told apart from false.
	type wire Introspection
	var w struct {
		wire
		Active json.RawMessage `json:"active"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return nil, errors.New("the introspection response is not a JSON object")
		}
		return nil, err
	}
	switch string(w.Active) {
	case "true":
		w.wire.Active = true
	case "false":
	case "":
		return nil, errors.New(`the introspection response has no "active" member`)
	default:
		return nil, errors.New(`the introspection response's "active" member is not a boolean`)
	}
	in := Introspection(w.wire)
	in.Raw = json.RawMessage(body)
	return &in, nil
}
