package shared

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// Session is where a command sends its OAuth 2.0 requests: the public API
// client and the token URL.
type Session struct {
	// API talks to the public API (or, with only --token-url, to the token
	// URL's server), and turns errors into messages.
	API *api.Client
	// TokenURL is the token endpoint.
	TokenURL *url.URL
}

// Connect resolves the token URL and builds the HTTP client. The endpoint
// is needed unless --token-url is set and needEndpoint is false.
func Connect(f *cmdutil.Factory, conn *cmdutil.Connection, creds *Credentials, needEndpoint bool) (*Session, error) {
	var base, tokenURL *url.URL
	source := conn.EndpointSource()
	if creds.TokenURL != "" {
		u, err := parseHTTPURL(creds.TokenURL)
		if err != nil {
			return nil, cmdutil.FlagErrorf("invalid --token-url %s: %v", api.RedactURL(creds.TokenURL), err)
		}
		tokenURL, source = u, "--token-url"
		base = &url.URL{Scheme: u.Scheme, Host: u.Host}
	}
	if creds.TokenURL == "" || needEndpoint {
		u, err := conn.ResolveEndpoint(f.Getenv)
		if err != nil {
			return nil, err
		}
		base, source = u, conn.EndpointSource()
	}
	client := &api.Client{BaseURL: base, Kind: api.Public, EndpointSource: source, Timeout: conn.Timeout}
	if tokenURL == nil {
		tokenURL = client.URL(api.TokenPath, nil)
	}
	cmdutil.WarnPlainHTTP(f, base)
	if tokenURL.Host != base.Host {
		cmdutil.WarnPlainHTTP(f, tokenURL)
	}
	hc, err := conn.HTTPClient(f)
	if err != nil {
		return nil, err
	}
	client.HTTP = hc
	return &Session{API: client, TokenURL: tokenURL}, nil
}

// Token is a successful token response.
type Token struct {
	// AccessToken is the access token.
	AccessToken string
	// Raw is the server's JSON, exactly as sent, so that expires_in,
	// id_token and fields this tool does not know about are all printed.
	Raw []byte
}

// Grant sends one token request with the given grant parameters, such as
// grant_type=refresh_token and refresh_token=..., and the client's
// authentication. A grant is never retried: it may spend a refresh token.
//
// All grants go through clientcredentials.Config, which lets grant_type be
// overridden and sends EndpointParams with the request: oauth2.Config's
// refresh path takes no extra parameters, so a private_key_jwt assertion
// could not ride on it.
func (s *Session) Grant(ctx context.Context, auth *Auth, params url.Values, scopes []string) (*Token, error) {
	cfg := clientcredentials.Config{
		ClientID:       auth.ClientID,
		TokenURL:       s.TokenURL.String(),
		Scopes:         scopes,
		EndpointParams: url.Values{},
	}
	for k, v := range params {
		cfg.EndpointParams[k] = v
	}
	switch auth.Method {
	case AuthPost:
		cfg.AuthStyle, cfg.ClientSecret = oauth2.AuthStyleInParams, auth.Secret
	case AuthNone:
		// client_id in the form, and no client_secret: x/oauth2 omits an
		// empty one.
		cfg.AuthStyle = oauth2.AuthStyleInParams
	case AuthPrivateKeyJWT:
		// Sends client_id in the form and no secret.
		cfg.AuthStyle = oauth2.AuthStyleInParams
		assertion, err := auth.Key.Assertion(auth.ClientID, s.TokenURL.String())
		if err != nil {
			return nil, err
		}
		cfg.EndpointParams.Set("client_assertion_type", ClientAssertionType)
		cfg.EndpointParams.Set("client_assertion", assertion)
	default:
		cfg.AuthStyle, cfg.ClientSecret = oauth2.AuthStyleInHeader, auth.Secret
	}

	// The tool's client, so that TLS flags, -H and -v apply, guarded: it
	// caps and checks the answer before x/oauth2 reads it, and keeps the
	// raw body, which x/oauth2 does not hand out whole.
	guard := s.API.Guard()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, guard.HTTP)

	tok, err := cfg.Token(ctx)
	if err != nil {
		return nil, withAdvice(s.API.TokenError(err, s.TokenURL, guard.Last()), auth)
	}
	last := guard.Last()
	if last == nil {
		return nil, fmt.Errorf("POST %s: x/oauth2 returned a token without reading an answer", api.StripQuery(s.TokenURL))
	}
	return &Token{AccessToken: tok.AccessToken, Raw: last.Body}, nil
}

// withAdvice adds what to do about the RFC 6749 errors that a wrong
// command line causes.
func withAdvice(err error, auth *Auth) error {
	var e *api.Error
	if !errors.As(err, &e) || e.Advice != "" {
		return err
	}
	switch e.Code {
	case "invalid_client":
		if auth.Method == AuthPrivateKeyJWT {
			e.Advice = fmt.Sprintf("Check --client-id, that the client's token_endpoint_auth_method is %s, and that its JWKS holds the public half of --private-key.", AuthPrivateKeyJWT)
		} else {
			e.Advice = fmt.Sprintf("Check --client-id and the secret, and that --auth-method (%s) is the client's token_endpoint_auth_method.", auth.Method)
		}
	case "invalid_scope":
		e.Advice = "Ask only for scopes in the client's scope list (--scope)."
	case "unauthorized_client":
		e.Advice = "The client is not allowed this grant type: add it to the client's grant_types."
	case "invalid_grant":
		e.Advice = "The token or code is expired, revoked, already used, or was issued to another client."
	}
	return err
}

// PrintToken prints a token response: the access token alone by default, so
// that TOKEN=$(hydra token client ...) works, or the whole response in the
// --format asked for.
func PrintToken(ios *iostreams.IOStreams, format printer.Format, tok *Token) error {
	if format.Name == "" {
		_, err := fmt.Fprintln(ios.Out, tok.AccessToken)
		return err
	}
	p := printer.Printer{Format: format, Color: ios.ColorEnabled()}
	return p.Print(ios.Out, tok.Raw, nil)
}
