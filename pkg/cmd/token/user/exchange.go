package user

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
)

// exchangeClient spends authorization codes at the token endpoint through the
// tool's HTTP client, so that TLS flags, -H and -v apply, and keeps the
// token response's raw JSON for --format.
type exchangeClient struct {
	client   *http.Client
	tokenURL string
	capture  *captureTransport
}

func newExchangeClient(hc *http.Client, tokenURL string) *exchangeClient {
	c := *hc
	capture := &captureTransport{next: hc.Transport}
	if capture.next == nil {
		capture.next = http.DefaultTransport
	}
	c.Transport = capture
	return &exchangeClient{client: &c, tokenURL: tokenURL, capture: capture}
}

// exchange spends code once, with the PKCE verifier. It is never retried:
// a code is single-use, and Hydra revokes the tokens of a code spent twice.
func (e *exchangeClient) exchange(ctx context.Context, conf *oauth2.Config, code, verifier string) (*oauth2.Token, []byte, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, e.client)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, nil, e.describe(err)
	}
	raw := e.capture.last()
	if !json.Valid(raw) {
		return nil, nil, fmt.Errorf("POST %s: the token response is not JSON", api.StripQuery(mustParse(e.tokenURL)))
	}
	return tok, raw, nil
}

// describe turns oauth2's errors into the tool's: the status, RFC 6749's
// error fields and Hydra's hint, with advice.
func (e *exchangeClient) describe(err error) error {
	u := api.StripQuery(mustParse(e.tokenURL))
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &re) && re.Response != nil:
		ae := &api.Error{Method: http.MethodPost, URL: u, StatusCode: re.Response.StatusCode, Status: re.Response.Status,
			Code: re.ErrorCode, Description: re.ErrorDescription}
		var body struct {
			Hint string `json:"error_hint"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			ae.Hint = body.Hint
		}
		if ae.Code == "" {
			ae.Excerpt = api.Excerpt(re.Body, 160)
		}
		switch ae.Code {
		case "invalid_client":
			ae.Advice = "Check the client ID and secret: a confidential client needs its secret (OAUTH2_CLIENT_SECRET, --client-secret-file or --client-secret); a public client needs token_endpoint_auth_method none."
		case "invalid_grant":
			ae.Advice = "The code was refused: it may have expired, been used already, or the PKCE verifier or redirect URL did not match. Run the command again."
		}
		return fmt.Errorf("exchanging the authorization code: %w", ae)
	case errors.As(err, &ue):
		return fmt.Errorf("exchanging the authorization code: %w", &api.ConnError{Method: http.MethodPost, URL: u, Err: ue.Err})
	}
	return fmt.Errorf("exchanging the authorization code at %s: %w", u, err)
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// captureTransport keeps the body of the last successful response, capped
// at api.MaxBodySize, and hands an identical body on.
type captureTransport struct {
	next http.RoundTripper

	mu   sync.Mutex
	body []byte
}

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, api.MaxBodySize))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.body = b
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func (t *captureTransport) last() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.body
}
