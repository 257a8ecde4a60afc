package user

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
)

// exchangeClient spends authorization codes at the token endpoint through the
// tool's HTTP client, so that TLS flags, -H and -v apply, guarded so that the
// answer is capped and checked before x/oauth2 reads it, and its raw JSON
// kept for --format.
type exchangeClient struct {
	api      *api.Client
	tokenURL *url.URL
}

func newExchangeClient(hc *http.Client, tokenURL string, source string, timeout time.Duration) *exchangeClient {
	u := mustParse(tokenURL)
	return &exchangeClient{
		api:      &api.Client{HTTP: hc, BaseURL: &url.URL{Scheme: u.Scheme, Host: u.Host}, Kind: api.Public, EndpointSource: source, Timeout: timeout},
		tokenURL: u,
	}
}

// exchange spends code once, with the PKCE verifier. It is never retried:
// a code is single-use, and Hydra revokes the tokens of a code spent twice.
func (e *exchangeClient) exchange(ctx context.Context, conf *oauth2.Config, code, verifier string) (*oauth2.Token, []byte, error) {
	guard := e.api.Guard()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, guard.HTTP)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, nil, e.describe(err, guard.Last())
	}
	last := guard.Last()
	if last == nil {
		return nil, nil, fmt.Errorf("exchanging the authorization code: POST %s: no answer was read", api.StripQuery(e.tokenURL))
	}
	return tok, last.Body, nil
}

// describe turns oauth2's errors into the tool's: the status, RFC 6749's
// error fields and Hydra's hint, with advice.
func (e *exchangeClient) describe(err error, last *api.Response) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	err = e.api.TokenError(err, e.tokenURL, last)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Advice == "" {
		switch ae.Code {
		case "invalid_client":
			ae.Advice = "Check the client ID and secret: a confidential client needs its secret (OAUTH2_CLIENT_SECRET, --client-secret-file or --client-secret); a public client needs token_endpoint_auth_method none."
		case "invalid_grant":
			ae.Advice = "The code was refused: it may have expired, been used already, or the PKCE verifier or redirect URL did not match. Run the command again."
		}
	}
	return fmt.Errorf("exchanging the authorization code: %w", err)
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}
