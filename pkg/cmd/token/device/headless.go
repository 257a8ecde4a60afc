package device

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
// token user --headless accepts login and consent the same way, through
// shared.Headless.
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
	hl := shared.Headless{Admin: admin, Subject: o.Subject}
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
			next, err = hl.AcceptDevice(ctx, q.Get("device_challenge"), userCode)
		case q.Get("login_challenge") != "":
			next, err = hl.AcceptLogin(ctx, q.Get("login_challenge"))
		case q.Get("consent_challenge") != "":
			next, err = hl.AcceptConsent(ctx, q.Get("consent_challenge"))
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
