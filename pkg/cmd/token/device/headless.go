package device

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// maxHops bounds the redirects the headless sign-in follows.
const maxHops = 20

// signInHeadless plays the person: it opens the complete verification URL
// with a cookie jar, accepts the device request with the user code, then
// the login and the consent, through the admin API, and follows Hydra's
// redirects until the flow leaves Hydra for urls.device.success (or ends
// on a page). Whether it worked is for the polling to prove: the token
// endpoint answers with tokens only for an accepted device request.
//
// token user --headless accepts login and consent the same way
// (pkg/cmd/token/user/headless.go); the two should share that code.
func (fl *flow) signInHeadless(ctx context.Context, complete, userCode string) error {
	o := fl.opts
	public := fl.session.API
	admin, err := o.Admin.Client(o.Factory, &o.Conn, public, o.Credentials.Quiet)
	if err != nil {
		return err
	}
	if admin == nil {
		return cmdutil.FlagErrorf("--headless accepts the device request, login and consent through Hydra's admin API: pass --admin-endpoint or set %s (port 4445 by default)", cmdutil.EnvAdminURL)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	browser := *public.HTTP
	browser.Jar = jar
	// Each hop is looked at here.
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	pub := public.WithHTTP(&browser)

	// The flow stays on the hosts it was sent to: the verification URL's,
	// and those of the URLs that the admin API answered. A redirect
	// anywhere else ends it (urls.device.success is the app's), so that no
	// cookie or -H header goes there.
	allowed := map[string]bool{}
	next := complete
	consented := false
	for range maxHops {
		u, err := url.Parse(next)
		if err != nil {
			return fmt.Errorf("headless sign-in: the flow redirected to an invalid URL: %w", err)
		}
		allowed[strings.ToLower(u.Host)] = true
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return err
		}
		resp, err := pub.Send(req, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("headless sign-in: %w", err)
		}
		if resp.StatusCode/100 != 3 {
			if consented {
				return nil // Hydra's own success page
			}
			return fmt.Errorf("headless sign-in: GET %s answered %d before the consent was accepted: check that %s names Hydra's public API", api.StripQuery(u), resp.StatusCode, pub.Source)
		}
		loc, err := u.Parse(resp.Header.Get("Location"))
		if err != nil || resp.Header.Get("Location") == "" {
			return fmt.Errorf("headless sign-in: GET %s answered %d without a usable Location", api.StripQuery(u), resp.StatusCode)
		}
		q := loc.Query()
		switch {
		case q.Get("device_challenge") != "":
			next, err = acceptDevice(ctx, admin, q.Get("device_challenge"), userCode)
		case q.Get("login_challenge") != "":
			next, err = fl.acceptLogin(ctx, admin, q.Get("login_challenge"))
		case q.Get("consent_challenge") != "":
			next, err = acceptConsent(ctx, admin, q.Get("consent_challenge"))
			consented = err == nil
		case q.Get("error") != "":
			return fmt.Errorf("headless sign-in: the flow ended with %s: %s", q.Get("error"), q.Get("error_description"))
		case (loc.Scheme != "http" && loc.Scheme != "https") || loc.Host == "" || !allowed[strings.ToLower(loc.Host)]:
			if consented {
				return nil // urls.device.success
			}
			return fmt.Errorf("headless sign-in: GET %s redirected to %s before the consent was accepted: the headless flow follows redirects only on Hydra's public API; check %s", api.StripQuery(u), api.StripQuery(loc), pub.Source)
		default:
			next = loc.String()
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("headless sign-in: more than %d redirects", maxHops)
}

// flowRequest is the part of Hydra's login and consent requests used here.
type flowRequest struct {
	Skip                         bool     `json:"skip"`
	Subject                      string   `json:"subject"`
	RequestedScope               []string `json:"requested_scope"`
	RequestedAccessTokenAudience []string `json:"requested_access_token_audience"`
}

type redirectTo struct {
	RedirectTo string `json:"redirect_to"`
}

func acceptDevice(ctx context.Context, admin *api.Client, challenge, userCode string) (string, error) {
	var r redirectTo
	q := url.Values{"device_challenge": {challenge}}
	if err := adminJSON(ctx, admin, http.MethodPut, "/admin/oauth2/auth/requests/device/accept", q, map[string]any{"user_code": userCode}, &r); err != nil {
		return "", fmt.Errorf("headless sign-in: accepting the device request: %w", err)
	}
	return r.RedirectTo, nil
}

func (fl *flow) acceptLogin(ctx context.Context, admin *api.Client, challenge string) (string, error) {
	q := url.Values{"login_challenge": {challenge}}
	var req flowRequest
	if err := adminJSON(ctx, admin, http.MethodGet, "/admin/oauth2/auth/requests/login", q, nil, &req); err != nil {
		return "", fmt.Errorf("headless sign-in: reading the login request: %w", err)
	}
	if req.Skip && req.Subject != fl.opts.Subject {
		return "", fmt.Errorf("headless sign-in: Hydra remembers %s as signed in, not %s", req.Subject, fl.opts.Subject)
	}
	var r redirectTo
	if err := adminJSON(ctx, admin, http.MethodPut, "/admin/oauth2/auth/requests/login/accept", q, map[string]any{"subject": fl.opts.Subject, "remember": false}, &r); err != nil {
		return "", fmt.Errorf("headless sign-in: accepting the login: %w", err)
	}
	return r.RedirectTo, nil
}

func acceptConsent(ctx context.Context, admin *api.Client, challenge string) (string, error) {
	q := url.Values{"consent_challenge": {challenge}}
	var req flowRequest
	if err := adminJSON(ctx, admin, http.MethodGet, "/admin/oauth2/auth/requests/consent", q, nil, &req); err != nil {
		return "", fmt.Errorf("headless sign-in: reading the consent request: %w", err)
	}
	body := map[string]any{
		"grant_scope":                 nonNil(req.RequestedScope),
		"grant_access_token_audience": nonNil(req.RequestedAccessTokenAudience),
		"remember":                    false,
	}
	var r redirectTo
	if err := adminJSON(ctx, admin, http.MethodPut, "/admin/oauth2/auth/requests/consent/accept", q, body, &r); err != nil {
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

func adminJSON(ctx context.Context, c *api.Client, method, path string, q url.Values, in, out any) error {
	r := api.Request{Method: method, Path: path, Query: q, Retry: method == http.MethodGet}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		r.JSON = b
	}
	resp, err := c.Do(ctx, r)
	if err != nil {
		return err
	}
	return api.DecodeJSON(resp, method, c.URL(path, nil), out)
}
