package shared

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/hydratoken/hydra/pkg/api"
)

// Headless accepts, through Hydra's admin API, what a person would accept
// in a headless sign-in (token user --headless, token device --headless):
// the device request with its user code, the login as Subject, and the
// consent to every scope and audience requested. Nothing is remembered:
// each run signs in afresh.
type Headless struct {
	// Admin is the admin API.
	Admin *api.Client
	// Subject is the user to sign in.
	Subject string
}

// loginConsent is the part of Hydra's login and consent requests used here.
type loginConsent struct {
	Skip                         bool     `json:"skip"`
	Subject                      string   `json:"subject"`
	RequestedScope               []string `json:"requested_scope"`
	RequestedAccessTokenAudience []string `json:"requested_access_token_audience"`
}

type redirectTo struct {
	RedirectTo string `json:"redirect_to"`
}

// AcceptDevice accepts the device request of challenge with the user code
// shown on the device, and returns where Hydra sends the browser next.
func (h Headless) AcceptDevice(ctx context.Context, challenge, userCode string) (string, error) {
	var r redirectTo
	q := url.Values{"device_challenge": {challenge}}
	if err := h.call(ctx, http.MethodPut, "/admin/oauth2/auth/requests/device/accept", q, map[string]any{"user_code": userCode}, &r); err != nil {
		return "", fmt.Errorf("headless sign-in: accepting the device request: %w", err)
	}
	return r.RedirectTo, nil
}

// AcceptLogin accepts the login request of challenge as Subject. A login
// that Hydra remembers for another subject is refused rather than taken
// over.
func (h Headless) AcceptLogin(ctx context.Context, challenge string) (string, error) {
	q := url.Values{"login_challenge": {challenge}}
	var req loginConsent
	if err := h.call(ctx, http.MethodGet, "/admin/oauth2/auth/requests/login", q, nil, &req); err != nil {
		return "", fmt.Errorf("headless sign-in: reading the login request: %w", err)
	}
	if req.Skip && req.Subject != h.Subject {
		return "", fmt.Errorf("headless sign-in: Hydra remembers %s as signed in, not %s", req.Subject, h.Subject)
	}
	var r redirectTo
	if err := h.call(ctx, http.MethodPut, "/admin/oauth2/auth/requests/login/accept", q, map[string]any{"subject": h.Subject, "remember": false}, &r); err != nil {
		return "", fmt.Errorf("headless sign-in: accepting the login: %w", err)
	}
	return r.RedirectTo, nil
}

// AcceptConsent grants every scope and audience the consent request of
// challenge asks for.
func (h Headless) AcceptConsent(ctx context.Context, challenge string) (string, error) {
	q := url.Values{"consent_challenge": {challenge}}
	var req loginConsent
	if err := h.call(ctx, http.MethodGet, "/admin/oauth2/auth/requests/consent", q, nil, &req); err != nil {
		return "", fmt.Errorf("headless sign-in: reading the consent request: %w", err)
	}
	body := map[string]any{
		"grant_scope":                 nonNil(req.RequestedScope),
		"grant_access_token_audience": nonNil(req.RequestedAccessTokenAudience),
		"remember":                    false,
	}
	var r redirectTo
	if err := h.call(ctx, http.MethodPut, "/admin/oauth2/auth/requests/consent/accept", q, body, &r); err != nil {
		return "", fmt.Errorf("headless sign-in: accepting the consent: %w", err)
	}
	return r.RedirectTo, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// call sends one admin request with a JSON body (in) and decodes the JSON
// answer into out. Only reads are retried.
func (h Headless) call(ctx context.Context, method, path string, q url.Values, in, out any) error {
	r := api.Request{Method: method, Path: path, Query: q, Retry: method == http.MethodGet}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		r.JSON = b
	}
	resp, err := h.Admin.Do(ctx, r)
	if err != nil {
		return err
	}
	return api.DecodeJSON(resp, method, h.Admin.URL(path, nil), out)
}
