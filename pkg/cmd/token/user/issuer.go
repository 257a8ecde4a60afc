package user

import (
	"net/url"
	"strings"

	"github.com/hydratoken/hydra/pkg/api"
)

// Behind a port-forward or a proxy (--issuer), Hydra's public URL
// (urls.self.public, which defaults to urls.self.issuer) is not the URL the
// command reaches (-e). Hydra's redirects within the flow, such as the one
// back from the login app to /oauth2/auth?login_verifier=..., go to its
// public URL, and the CSRF cookies Hydra set on the first request are sent
// only to the host they were set on. So the whole flow must stay on one
// host:
//   - the browser opens the authorization endpoint of the discovery
//     document, on Hydra's public URL, and must reach that URL (a limit
//     that no client can lift: Hydra sends the browser there after
//     sign-in, whatever URL it started on);
//   - the headless flow, which plays the browser from here, reaches every
//     URL on the issuer's or the public URL's origin through -e instead.

// authPath is where Hydra's authorization endpoint is, under its public
// URL, in v1 and v2 alike.
const authPath = "/oauth2/auth"

// useIssuer applies what the discovery document says under --issuer: the
// authorization URL on Hydra's public URL, unless --auth-url names one,
// and the base URLs that the headless flow reaches through the endpoint.
func (fl *flow) useIssuer(v *idTokenVerifier) error {
	o := fl.opts
	fl.viaEndpoint = nil
	if u, err := url.Parse(o.Issuer); err == nil {
		fl.viaEndpoint = append(fl.viaEndpoint, u)
	}
	auth, err := url.Parse(v.v.AuthEndpoint)
	if err != nil || (auth.Scheme != "http" && auth.Scheme != "https") || auth.Host == "" {
		// Without a usable authorization endpoint, the flow starts at the
		// endpoint's, as without --issuer.
		return nil
	}
	if rest, ok := strings.CutSuffix(auth.Path, authPath); ok {
		pub := *auth
		pub.Path, pub.RawPath, pub.RawQuery, pub.Fragment = rest, "", "", ""
		fl.viaEndpoint = append(fl.viaEndpoint, &pub)
	}
	if o.AuthURL != "" {
		return nil
	}
	fl.conf.Endpoint.AuthURL = auth.String()
	if !o.Headless && !sameOrigin(auth, fl.base) {
		fl.stderr.notef("Hydra sends the browser to its public URL %s://%s after sign-in, so the authorization page opens there too, not on %s: the browser must reach it.\n",
			auth.Scheme, auth.Host, api.StripQuery(fl.base))
	}
	return nil
}

// throughEndpoint returns u with a prefix that names the issuer or Hydra's
// public URL replaced by the endpoint, and other URLs unchanged.
func (fl *flow) throughEndpoint(u *url.URL) *url.URL {
	for _, b := range fl.viaEndpoint {
		if !sameOrigin(u, b) {
			continue
		}
		prefix := strings.TrimSuffix(b.Path, "/")
		rest, ok := strings.CutPrefix(u.Path, prefix)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			continue
		}
		r := *u
		r.Scheme, r.Host, r.User = fl.base.Scheme, fl.base.Host, nil
		r.Path = strings.TrimSuffix(fl.base.Path, "/") + rest
		r.RawPath = ""
		return &r
	}
	return u
}

// sameOrigin reports whether a and b have the same scheme, host and port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(hostPort(a), hostPort(b))
}

// hostPort is u's host with its port, the scheme's default if none.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return u.Host + ":80"
	case "https":
		return u.Host + ":443"
	}
	return u.Host
}
