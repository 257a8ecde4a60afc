package hydratest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
)

// Browse plays a browser: it GETs authURL and follows redirects with a cookie
// jar, through Hydra and the login and consent app, until a redirect points
// at a URL that starts with stopAt. It returns that URL without requesting
// it. With stopAt empty it follows to the end and returns the last URL.
func Browse(authURL, stopAt string) (*url.URL, error) {
	jar, _ := cookiejar.New(nil)
	var final *url.URL
	client := &http.Client{
		Jar:     jar,
		Timeout: httpClient.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 20 {
				return errors.New("too many redirects")
			}
			if stopAt != "" && strings.HasPrefix(req.URL.String(), stopAt) {
				final = req.URL
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	resp, err := client.Get(authURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if final != nil {
		return final, nil
	}
	if stopAt != "" {
		return nil, fmt.Errorf("the flow ended at %s (%s) before reaching %s: %s", resp.Request.URL, resp.Status, stopAt, body)
	}
	return resp.Request.URL, nil
}

// AuthorizationCode runs the authorization code flow with PKCE for c, as a
// browser would, and exchanges the code. The client must allow redirectURI;
// nothing needs to listen there. It is a fixture for tests that need a
// refresh token or an ID token without going through the CLI.
func (s *Server) AuthorizationCode(c Client, redirectURI string, scopes ...string) (TokenResponse, error) {
	// RFC 7636 §4.1: a verifier has 43 to 128 characters.
	verifier := randomString() + randomString()
	sum := sha256.Sum256([]byte(verifier))
	state := randomString()
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.ClientID},
		"redirect_uri":          {redirectURI},
		"scope":                 {strings.Join(scopes, " ")},
		"state":                 {state},
		"nonce":                 {randomString()},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	cb, err := Browse(s.PublicURL+"/oauth2/auth?"+q.Encode(), redirectURI)
	if err != nil {
		return TokenResponse{}, err
	}
	if e := cb.Query().Get("error"); e != "" {
		return TokenResponse{}, fmt.Errorf("authorization failed: %s: %s", e, cb.Query().Get("error_description"))
	}
	if cb.Query().Get("state") != state {
		return TokenResponse{}, errors.New("state mismatch")
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {cb.Query().Get("code")},
		"redirect_uri":  {redirectURI},
		"code_verifier": {verifier},
		"client_id":     {c.ClientID},
	}
	return s.token(c, form)
}

// randomString returns 43 random URL-safe characters: RFC 7636 wants a
// PKCE verifier of 43 to 128 characters, and Hydra enforces it.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
