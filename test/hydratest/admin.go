package hydratest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// These helpers set up fixtures with plain HTTP, independent of the CLI
// under test.

var httpClient = &http.Client{Timeout: 10 * time.Second}

// Client is the part of an OAuth 2.0 client the tests need.
type Client struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// CreateClient creates a client from its JSON document through the admin
// API, and returns its ID and secret.
func (s *Server) CreateClient(doc map[string]any) (Client, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return Client{}, err
	}
	resp, err := s.HTTP.Post(s.AdminURL+s.AdminPrefix()+"/clients", "application/json", bytes.NewReader(b))
	if err != nil {
		return Client{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return Client{}, fmt.Errorf("creating client: %s: %s", resp.Status, raw)
	}
	var c Client
	err = json.Unmarshal(raw, &c)
	return c, err
}

// TokenResponse is a token endpoint's answer.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	Scope        string `json:"scope"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// ClientCredentials gets a token with the client credentials grant.
func (s *Server) ClientCredentials(c Client, scopes ...string) (TokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	return s.token(c, form)
}

// ClientCredentialsFor gets a token with the client credentials grant for
// the given audiences, which the client must be allowed.
func (s *Server) ClientCredentialsFor(c Client, audience []string, scopes ...string) (TokenResponse, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {strings.Join(audience, " ")}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	return s.token(c, form)
}

func (s *Server) token(c Client, form url.Values) (TokenResponse, error) {
	req, err := http.NewRequest(http.MethodPost, s.PublicURL+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return TokenResponse{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return TokenResponse{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return TokenResponse{}, fmt.Errorf("token request: %s: %s", resp.Status, raw)
	}
	var t TokenResponse
	err = json.Unmarshal(raw, &t)
	return t, err
}
