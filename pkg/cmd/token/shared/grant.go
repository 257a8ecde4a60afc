package shared

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// Grant types of RFC 6749 and RFC 7523, the values of Grant.Type.
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantAuthorizationCode = "authorization_code"
	// GrantJWTBearer is RFC 7523 §2.1's JWT bearer grant: the JWT goes in
	// Grant.Params as "assertion".
	GrantJWTBearer = api.JWTBearerGrantType
	// GrantDeviceCode is RFC 8628 §3.4's device access token request.
	GrantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
)

// Grant is one request to the token endpoint, before client
// authentication: what Session.Token sends.
type Grant struct {
	// Type is the grant_type, one of the Grant* constants.
	Type string
	// Params are the grant's own parameters, such as refresh_token, or
	// code, code_verifier and redirect_uri, or assertion. They must not
	// hold grant_type, scope or client authentication.
	Params url.Values
	// Scopes, when set, are sent as the space-separated scope parameter.
	Scopes []string
}

// ClientCredentials is the client credentials grant (RFC 6749 §4.4). Hydra
// reads audiences as one space-separated "audience" parameter.
func ClientCredentials(scopes, audiences []string) Grant {
	g := Grant{Type: GrantClientCredentials, Params: url.Values{}, Scopes: scopes}
	if len(audiences) > 0 {
		g.Params.Set("audience", strings.Join(audiences, " "))
	}
	return g
}

// RefreshToken spends a refresh token (RFC 6749 §6). It asks for no scope:
// Hydra v2.3 ignores narrowing and grants the original scopes again.
func RefreshToken(refreshToken string) Grant {
	return Grant{Type: GrantRefreshToken, Params: url.Values{"refresh_token": {refreshToken}}}
}

// AuthorizationCode spends an authorization code (RFC 6749 §4.1.3) with
// its PKCE verifier (RFC 7636).
func AuthorizationCode(code, verifier, redirectURL string) Grant {
	return Grant{Type: GrantAuthorizationCode, Params: url.Values{
		"code":          {code},
		"code_verifier": {verifier},
		"redirect_uri":  {redirectURL},
	}}
}

// JWTBearer is RFC 7523 §2.1's JWT bearer grant: assertion is the signed
// JWT that a trusted issuer gave the caller. The client authenticates as
// for any other grant, or as a public one.
func JWTBearer(assertion string, scopes []string) Grant {
	return Grant{Type: GrantJWTBearer, Params: url.Values{"assertion": {assertion}}, Scopes: scopes}
}

// DeviceCode polls for the tokens of a device authorization (RFC 8628
// §3.4): deviceCode is the device_code of the device authorization
// response. Its scopes were asked for with the device authorization
// request.
func DeviceCode(deviceCode string) Grant {
	return Grant{Type: GrantDeviceCode, Params: url.Values{"device_code": {deviceCode}}}
}

// Session is a client talking to Hydra's token and revocation endpoints:
// the API client, the token URL and the client's credentials. Build it with
// Credentials.Session or Connect.
type Session struct {
	// API talks to the public API (or, with only --token-url, to the token
	// URL's server), and turns errors into messages.
	API *api.Client
	// TokenURL is the token endpoint, and the audience of client
	// assertions.
	TokenURL *url.URL
	// Auth is the client's credentials. A retry as a public client (see
	// MethodRule) replaces it.
	Auth *Auth
	// Notes receives one-line notes for a person, such as the switch to a
	// public client; nil discards them.
	Notes io.Writer

	// GrantAdvice, when set, is the advice of the grant's own refusals,
	// registered by its command with the token endpoint's: it is asked
	// first, and "" leaves the error to the token endpoint's advice. The
	// JWT bearer grant explains Hydra's refusals of an assertion this way.
	GrantAdvice cmdutil.TargetAdvice

	// grant is the grant type of the token request in flight, "" for a
	// revocation: the advice of an RFC 6749 error depends on it.
	grant string
}

// Session resolves the credentials and connects: the steps every token
// command takes before its first request. The endpoint is needed unless
// --token-url is set and needEndpoint is false.
func (c *Credentials) Session(f *cmdutil.Factory, conn *cmdutil.Connection, cmdPath string, needEndpoint bool) (*Session, error) {
	auth, err := c.Resolve(f, cmdPath)
	if err != nil {
		return nil, err
	}
	s, err := Connect(f, conn, c, needEndpoint)
	if err != nil {
		return nil, err
	}
	s.Auth = auth
	return s, nil
}

// Connect resolves the token URL and builds the HTTP client, without
// credentials. The endpoint is needed unless --token-url is set and
// needEndpoint is false.
func Connect(f *cmdutil.Factory, conn *cmdutil.Connection, creds *Credentials, needEndpoint bool) (*Session, error) {
	var tokenURL *url.URL
	var ep api.Endpoint
	if creds.TokenURL != "" {
		u, err := cmdutil.ParseHTTPURL("--token-url", creds.TokenURL, tokenURLExample)
		if err != nil {
			return nil, err
		}
		tokenURL = u
		ep = api.Endpoint{BaseURL: &url.URL{Scheme: u.Scheme, Host: u.Host}, Kind: api.Public, Source: "--token-url"}
	}
	if creds.TokenURL == "" || needEndpoint {
		var err error
		if ep, err = conn.ResolveTarget(f.Getenv); err != nil {
			return nil, err
		}
	}
	s := &Session{Notes: f.IOStreams.ErrOut}
	var also []*url.URL
	if tokenURL != nil {
		// A --token-url on another host than the endpoint: the
		// constructor's plain-HTTP warning covers it too.
		also = append(also, tokenURL)
	}
	client, err := conn.ClientAt(f, ep, s.advice, also...)
	if err != nil {
		return nil, err
	}
	if tokenURL == nil {
		tokenURL = client.URL(api.TokenPath, nil)
	}
	s.API, s.TokenURL = client, tokenURL
	return s, nil
}

// Token is a successful token response.
type Token struct {
	// AccessToken is the access token.
	AccessToken string
	// Raw is the server's JSON, exactly as sent, so that expires_in,
	// id_token and fields this tool does not know about are all printed.
	Raw []byte
	// OAuth2 is the response as x/oauth2 parsed it: RefreshToken, Expiry,
	// TokenType, Extra("id_token") and Extra("scope"). It is nil in a Token
	// built from elsewhere, such as a cache, with Raw alone.
	OAuth2 *oauth2.Token
	// RefreshTokenKept says that the refresh token is kept elsewhere (the
	// token cache), so that output without it loses nothing.
	RefreshTokenKept bool
}

// RefreshToken returns the response's refresh token, or "".
func (t *Token) RefreshToken() string {
	if t.OAuth2 != nil {
		return t.OAuth2.RefreshToken
	}
	var v struct {
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.Unmarshal(t.Raw, &v)
	return v.RefreshToken
}

// RefreshRaw spends a refresh token and returns the raw token response:
// the token cache's Refresh for the grants that keep refresh tokens.
func (s *Session) RefreshRaw(ctx context.Context, refreshToken string) ([]byte, error) {
	t, err := s.Token(ctx, RefreshToken(refreshToken))
	if err != nil {
		return nil, err
	}
	return t.Raw, nil
}

// Token sends one grant to the token endpoint, with the client's
// authentication, and returns the token response. A grant is never
// retried after a transient failure: it may spend a code or a refresh
// token. The one exception is MethodRule's: a request refused because a
// public client sent a secret from the environment is sent again without
// it, since Hydra refused it before looking at the grant.
//
// Every grant goes through clientcredentials.Config, which lets grant_type
// be overridden and sends extra parameters with the request: oauth2.Config
// takes no extra parameters on its refresh path, so a private_key_jwt
// assertion could not ride on it. AuthStyle is always set: auto-detection
// would resend a failed request with the other style.
func (s *Session) Token(ctx context.Context, g Grant) (*Token, error) {
	if g.Type == GrantClientCredentials && s.Auth.Method == AuthNone && s.Auth.Implicit {
		// RFC 6749 §4.4: only a confidential client may use this grant,
		// so a request without credentials is not worth sending.
		return nil, fmt.Errorf("no client secret for client %s: the client credentials grant needs a confidential client: pass --client-secret-file FILE ('-' for stdin), set %s, or pass --client-secret; or sign with --private-key", s.Auth.ClientID, EnvClientSecret)
	}
	s.grant = g.Type
	tok, err := s.token(ctx, g)
	if s.retryAsPublic(err) {
		tok, err = s.token(ctx, g)
	}
	if err != nil {
		return nil, err
	}
	return tok, nil
}

func (s *Session) token(ctx context.Context, g Grant) (*Token, error) {
	style, secret, authParams, err := s.Auth.style(s.TokenURL.String())
	if err != nil {
		return nil, err
	}
	cfg := clientcredentials.Config{
		ClientID:       s.Auth.ClientID,
		ClientSecret:   secret,
		TokenURL:       s.TokenURL.String(),
		Scopes:         g.Scopes,
		AuthStyle:      style,
		EndpointParams: url.Values{"grant_type": {g.Type}},
	}
	for _, p := range []url.Values{g.Params, authParams} {
		for k, v := range p {
			cfg.EndpointParams[k] = v
		}
	}

	// The tool's client, so that TLS flags, -H and -v apply, guarded: it
	// caps and checks the answer before x/oauth2 reads it, and keeps the
	// raw body, which x/oauth2 does not hand out whole.
	guard := s.API.Guard()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, guard.HTTP)
	tok, err := cfg.Token(ctx)
	if err != nil {
		return nil, s.API.TokenError(err, s.TokenURL, guard.Last())
	}
	last := guard.Last()
	if last == nil {
		return nil, fmt.Errorf("POST %s: x/oauth2 returned a token without reading an answer", api.StripQuery(s.TokenURL))
	}
	return &Token{AccessToken: tok.AccessToken, Raw: last.Body, OAuth2: tok}, nil
}

// Revoke revokes a token at the revocation endpoint (RFC 7009), with the
// client's authentication. hint, if set, is access_token or refresh_token.
// Hydra answers 200 for a token it does not know and for another client's
// token, which it leaves active: success proves only that the request was
// accepted.
//
// Hydra's revocation endpoint does not say why it refused a client, as its
// token endpoint does. A revocation spends nothing, so when the secret came
// only from the environment and the client was refused, it is sent once
// more as a public client; if that fails too, the first error stands.
func (s *Session) Revoke(ctx context.Context, token, hint string) error {
	s.grant = ""
	err := s.API.Revoke(ctx, token, hint, s.revocationAuth())
	var e *api.Error
	if err != nil && s.Auth.SecretFromEnv && errors.As(err, &e) && e.Code == "invalid_client" {
		first, confidential := err, s.Auth
		s.Auth = confidential.public()
		if err = s.API.Revoke(ctx, token, hint, s.revocationAuth()); err != nil {
			s.Auth = confidential
			return first
		}
		s.notePublic()
		return nil
	}
	return err
}

// revocationAuth authenticates a revocation request as x/oauth2 does a
// token request, from the same Auth.style.
func (s *Session) revocationAuth() api.ClientAuth {
	return clientAuthFunc(func(form url.Values, header http.Header) error {
		style, secret, params, err := s.Auth.style(s.TokenURL.String())
		if err != nil {
			return err
		}
		if style == oauth2.AuthStyleInHeader {
			header.Set("Authorization", api.BasicAuth(s.Auth.ClientID, secret))
		} else {
			form.Set("client_id", s.Auth.ClientID)
			if secret != "" {
				form.Set("client_secret", secret)
			}
		}
		for k, v := range params {
			form[k] = v
		}
		return nil
	})
}

type clientAuthFunc func(url.Values, http.Header) error

func (f clientAuthFunc) Authenticate(form url.Values, header http.Header) error {
	return f(form, header)
}

// retryAsPublic reports whether err is Hydra refusing a secret that came
// only from the environment because the client is public, and if so
// switches the session to the public client, with a note.
func (s *Session) retryAsPublic(err error) bool {
	if err == nil || !s.Auth.SecretFromEnv || !IsPublicClientRefusal(err) {
		return false
	}
	s.notePublic()
	s.Auth = s.Auth.public()
	return true
}

func (s *Session) notePublic() {
	if s.Notes != nil {
		fmt.Fprintf(s.Notes, "Note: client %s is public (token_endpoint_auth_method none), so %s was not for it: sent without it.\n", s.Auth.ClientID, EnvClientSecret)
	}
}

// IsPublicClientRefusal reports whether err is Hydra's invalid_client for a
// client registered with token_endpoint_auth_method none that was sent a
// secret. Hydra (fosite) checks client authentication before it handles the
// grant, so such a request spent nothing.
func IsPublicClientRefusal(err error) bool {
	var e *api.Error
	if !errors.As(err, &e) || e.Code != "invalid_client" {
		return false
	}
	text := e.Description + " " + e.Hint
	return strings.Contains(text, "supports client authentication method 'none'")
}

// advice is the token endpoint's own advice, registered with its
// endpoint: what to do about the RFC 6749 errors that a wrong command line
// causes, by the client's authentication and the grant in flight.
func (s *Session) advice(err error) string {
	if s.GrantAdvice != nil && s.grant != "" {
		if a := s.GrantAdvice(err); a != "" {
			return a
		}
	}
	var e *api.Error
	if !errors.As(err, &e) || s.Auth == nil {
		return ""
	}
	auth := s.Auth
	switch e.Code {
	case "invalid_client":
		switch {
		case auth.Method == AuthPrivateKeyJWT:
			return fmt.Sprintf("Check --client-id, that the client's token_endpoint_auth_method is %s, and that its JWKS holds the public half of --private-key.", AuthPrivateKeyJWT)
		case auth.Method == AuthNone && auth.Implicit:
			return fmt.Sprintf("No secret or key was given, so the client was sent as a public one (none): for a confidential client, pass --client-secret-file FILE, set %s, or sign with --private-key.", EnvClientSecret)
		default:
			return fmt.Sprintf("Check --client-id and the secret, and that --auth-method (%s) is the client's token_endpoint_auth_method.", auth.Method)
		}
	case "invalid_scope":
		return "Ask only for scopes in the client's scope list (--scope)."
	case "unauthorized_client":
		return "The client is not allowed this grant type: add it to the client's grant_types."
	case "invalid_grant":
		switch s.grant {
		case GrantAuthorizationCode:
			return "The code was refused: it may have expired, been used already, or the PKCE verifier or redirect URL did not match. Run the command again."
		case GrantRefreshToken:
			return "The refresh token is expired, revoked, already used, or was issued to another client. Hydra rotates refresh tokens: use the one the last refresh returned."
		default:
			return "The token or code is expired, revoked, already used, or was issued to another client."
		}
	}
	return ""
}
