package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
)

// TargetAdvice is a target's own advice, registered with the endpoint
// that a command connects to (see Connection.External): it returns what
// to do about err, or "" to leave it to Advice. GitHub's refusal of a
// job's request token, or an issuer's key set, are told this way, not by
// rewording the advice of another target.
type TargetAdvice func(err error) string

// adviser returns the api.Adviser of a client that c's one constructor
// builds: the target's own advice first, then Advice.
func (c *Connection) adviser(own TargetAdvice) api.Adviser {
	timeout := c.Timeout
	return func(client *api.Client, err error) {
		advice := ""
		if own != nil {
			advice = own(err)
		}
		if advice == "" {
			advice = Advice(client, timeout, err)
		}
		setAdvice(err, advice)
	}
}

// setAdvice gives the api error in err its advice, unless the api package
// gave it a fact of its own, to which the advice is added.
func setAdvice(err error, advice string) {
	if advice == "" {
		return
	}
	var ce *api.ConnError
	var ae *api.Error
	var ge *api.GenerationError
	switch {
	case errors.As(err, &ce):
		ce.Advice = joinAdvice(ce.Advice, advice)
	case errors.As(err, &ae):
		ae.Advice = joinAdvice(ae.Advice, advice)
	case errors.As(err, &ge):
		ge.Fix = advice
	}
}

func joinAdvice(fact, advice string) string {
	if fact == "" || strings.Contains(fact, advice) {
		return advice
	}
	return fact + " " + advice
}

// Advice is the one place that turns why a request failed (its api.Cause),
// the target it was sent to and where that target's URL came from into the
// sentence that says what to do, naming the flags and environment
// variables that the api package knows nothing of. timeout is the
// request's --timeout. It returns "" when there is nothing to add.
func Advice(c *api.Client, timeout time.Duration, err error) string {
	ep := c.Endpoint
	source := ep.Source
	if source == "" {
		source = "--endpoint"
	}
	// what names the target: "Hydra's admin API", "the issuer's key set".
	what := fmt.Sprintf("Hydra's %s API", ep.Kind)
	if ep.Kind == api.External {
		what = ep.Name
	}
	var ce *api.ConnError
	if errors.As(err, &ce) {
		switch ce.Cause {
		case api.CauseTLS:
			if ce.CAFile != "" {
				return fmt.Sprintf("Only the CAs in --ca-cert %s are trusted, not the system's, and none of them signed the server's certificate: pass the file of the CA that did, or leave out --ca-cert to trust the system's CAs; to skip verification (insecure), pass --skip-tls-verify.", ce.CAFile)
			}
			return "To trust the server's certificate authority, pass --ca-cert FILE; to skip verification (insecure), pass --skip-tls-verify."
		case api.CauseTimeout:
			if timeout > 0 {
				return fmt.Sprintf("No answer within --timeout %s. Check that the endpoint is right, or raise --timeout.", timeout)
			}
		case api.CauseProxy:
			return fmt.Sprintf("The request went through the proxy %s, set by HTTPS_PROXY or HTTP_PROXY (NO_PROXY lists hosts that skip it): check that proxy, or the endpoint.", ce.Proxy)
		case api.CauseDial:
			if ep.Kind == api.External {
				return fmt.Sprintf("Is %s reachable from here? Check %s.", what, source)
			}
			return fmt.Sprintf("Is %s listening there? Set the URL with %s.", what, source)
		case api.CauseBrokenExchange:
			return fmt.Sprintf("The server took the connection but the exchange failed: check that %s names %s.", source, what)
		}
		return ""
	}
	var ge *api.GenerationError
	if errors.As(err, &ge) {
		if ge.Server.Given {
			return fmt.Sprintf("if the server is Hydra %s, pass --api-version %s, or leave it out to detect it", ge.Want, ge.Want)
		}
		return ""
	}
	var e *api.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Cause {
	case api.CauseRedirect:
		return fmt.Sprintf("An API endpoint should not redirect. Hydra v2 redirects Hydra v1 paths, and a proxy may redirect http to https: check the URL given with %s.", source)
	case api.CauseRoutePrefix:
		return fmt.Sprintf("The endpoint URL has a path, %s, and this tool adds Hydra's own paths to it. Hydra serves both APIs at the root of their ports: drop the path from the URL given with %s.", ep.BaseURL.Path, source)
	case api.CauseGateway404:
		return fmt.Sprintf("This 404 is not Hydra's own answer, so it says nothing about the resource: a gateway or proxy at %s answered it. "+
			"Check that it routes the path prefix %s, given with %s, to %s; this tool adds Hydra's own paths to that prefix.",
			ep.BaseURL.Host, strings.TrimSuffix(ep.BaseURL.Path, "/"), source, what)
	case api.CauseHTTPSPort:
		return fmt.Sprintf("The server speaks HTTPS on this port: use an https:// URL with %s.", source)
	case api.CauseTokenRefused:
		return fmt.Sprintf("The admin API, or an authorizing proxy in front of it, refused the access token given with --access-token, --access-token-file or %s.", EnvAccessToken)
	case api.CauseTokenNeeded:
		return fmt.Sprintf("The admin API may sit behind an authorizing proxy: pass a token with --access-token, --access-token-file or %s.", EnvAccessToken)
	case api.CauseWrongAPI:
		switch ep.Kind {
		case api.Admin:
			return fmt.Sprintf("This path is on Hydra's admin API, and the server does not know it: %s may point at the public API. Hydra's admin API listens on port 4445 by default, the public API on 4444.", source)
		case api.Public:
			return fmt.Sprintf("This path is on Hydra's public API, and the server does not know it: %s may point at the admin API or another server. Hydra's public API listens on port 4444 by default, the admin API on 4445.", source)
		}
		return fmt.Sprintf("%s is not there: check %s.", what, source)
	case api.CauseUnexpectedBody:
		if ep.Kind == api.External {
			return fmt.Sprintf("This is not what %s answers: check %s.", what, source)
		}
		return fmt.Sprintf("This is not an answer of %s, so it proves nothing: %s may name a proxy's sign-in page, a misrouted ingress or another server.", what, source)
	case api.CauseGenerationRedirect:
		return "The server redirects Hydra v1's path to Hydra v2's, as Hydra v2 does, though --api-version v1 is given: drop --api-version v1, or pass --api-version v2."
	case api.CauseGenerationPaging:
		return "Hydra v25.4 and later serve Hydra v1's paths but page as Hydra v2 does: drop --api-version v1, or pass --api-version v2."
	case api.CauseNeedsV2:
		if c.Server(context.Background()).Given {
			return "If the server is Hydra v2, drop --api-version v1."
		}
	case api.CauseNotV2:
		return "The server has no route for this Hydra v2 path, though --api-version v2 is given: if it is Hydra v1, pass --api-version v1, or leave the flag out to detect the version."
	}
	return ""
}
