package user

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/loopback"
)

// maxHops bounds the redirects the headless flow follows.
const maxHops = 20

// runHeadless runs one attempt without a browser: it follows the
// authorization URL with a cookie jar, accepts the login and consent
// requests through the admin API, and stops at the redirect to the redirect
// URL, whose code it exchanges as usual. Nothing listens on a port.
func (fl *flow) runHeadless(ctx context.Context, hc *http.Client, public *url.URL) error {
	o := fl.opts
	admin, err := o.Admin.Client(o.Factory, &o.Conn, fl.session.API, o.Quiet)
	if err != nil {
		return err
	}
	if admin == nil {
		return cmdutil.FlagErrorf("--headless accepts login and consent through Hydra's admin API: pass --admin-endpoint or set %s (port 4445 by default)", cmdutil.EnvAdminURL)
	}
	adminURL := admin.BaseURL

	a := fl.newAttempt()
	fl.stderr.notef("Signing in as %s without a browser, through the admin API at %s\n", o.Subject, api.StripQuery(adminURL))
	params, err := fl.followHeadless(ctx, hc, public, admin, a.authURL)
	if err != nil {
		return timeoutOr(ctx, o, err)
	}
	t, err := fl.complete(ctx, a, params)
	if err != nil {
		return err
	}
	return fl.deliver(t)
}

// followHeadless plays the browser. It returns the parameters of the
// redirect to the redirect URL.
func (fl *flow) followHeadless(ctx context.Context, hc *http.Client, public *url.URL, admin *api.Client, authURL string) (url.Values, error) {
	hl := shared.Headless{Admin: admin, Subject: fl.opts.Subject}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	browser := *hc
	browser.Jar = jar
	// The tool's client follows no redirect: each hop is looked at here.
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	redirect := fl.opts.redirect

	// Sent through the tool's API client, so that an answer that is not a
	// redirect is capped and reported as every other failure is.
	pub := fl.session.API.WithHTTP(&browser)

	// The flow stays on the hosts it was sent to: the authorization URL's,
	// and those of the URLs that the admin API answered. A redirect
	// anywhere else is not followed, so that no cookie or -H header goes
	// there.
	allowed := map[string]bool{}
	next := authURL
	for range maxHops {
		u, err := url.Parse(next)
		if err != nil {
			return nil, fmt.Errorf("the flow redirected to an invalid URL: %w", err)
		}
		// Under --issuer, Hydra's URLs are reached through the endpoint, so
		// that its cookies stay on the one host they were set on.
		u = fl.throughEndpoint(u)
		allowed[strings.ToLower(u.Host)] = true
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		resp, err := pub.Send(req, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("headless sign-in: %w", err)
		}
		// redirectErr is the flow's judgment of an answer, worded by the
		// one adviser from its cause, as the client's own errors are.
		redirectErr := func(cause api.Cause, fact string) error {
			e := &api.Error{Method: http.MethodGet, URL: api.StripQuery(u), StatusCode: resp.StatusCode,
				Status: fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode)), Cause: cause, Description: fact}
			if l := resp.Header.Get("Location"); l != "" {
				if lu, err := url.Parse(l); err == nil {
					e.Location = api.StripQuery(lu)
				} else {
					e.Location = "an unusable Location"
				}
			}
			return fmt.Errorf("headless sign-in: %w", pub.Advised(e))
		}
		if resp.StatusCode/100 != 3 {
			return nil, redirectErr(api.CauseUnexpectedBody, "the headless flow expected a redirect here")
		}
		loc, err := u.Parse(resp.Header.Get("Location"))
		if err != nil || resp.Header.Get("Location") == "" {
			return nil, redirectErr(api.CauseNone, "the redirect has no usable Location")
		}
		if sameEndpoint(loc, redirect) {
			if fl.opts.ResponseMode == loopback.ModeFragment {
				return url.ParseQuery(loc.Fragment)
			}
			return loc.Query(), nil
		}
		loc = fl.throughEndpoint(loc)
		q := loc.Query()
		switch {
		case q.Get("login_challenge") != "":
			next, err = hl.AcceptLogin(ctx, q.Get("login_challenge"))
		case q.Get("consent_challenge") != "":
			next, err = hl.AcceptConsent(ctx, q.Get("consent_challenge"))
		case q.Get("error") != "":
			// Hydra sends the browser to its error page when it cannot
			// redirect to the client, such as for an unknown redirect URL.
			return nil, &authorizationError{params: q, redirect: redirect.String()}
		case (loc.Scheme != "http" && loc.Scheme != "https") || loc.Host == "" || !allowed[strings.ToLower(loc.Host)]:
			// Hydra v2 answers a Hydra v1 path with a Location that has no
			// host; any other host is somebody else's.
			if loc.Host == "" {
				return nil, redirectErr(api.CauseRedirect, "a redirect without a host, as Hydra v2's to a Hydra v1 path")
			}
			return nil, redirectErr(api.CauseRedirect, "the headless flow follows redirects only on Hydra's public API, and to the login and consent URLs that the admin API returns")
		default:
			next = loc.String()
		}
		if err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("headless sign-in: more than %d redirects without reaching the redirect URL %s", maxHops, redirect)
}

func sameEndpoint(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host) && a.Path == b.Path
}
