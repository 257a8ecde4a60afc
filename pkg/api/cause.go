package api

import "net/url"

// Cause is why a request failed, as far as the tool can tell from the
// failure itself. The api package names causes; the command layer turns a
// cause, the endpoint's target and where its URL came from into the
// sentence that says what to do (cmdutil's advice), so that this package
// names no flag and no environment variable.
type Cause int

const (
	// CauseNone is a failure with nothing more to say than its message,
	// such as Hydra's JSON error about a resource.
	CauseNone Cause = iota

	// Causes of a *ConnError: no answer came.

	// CauseDial: nothing listened at the address, or its name did not
	// resolve.
	CauseDial
	// CauseTLS: the server's certificate did not verify. ConnError.CAFile
	// names the only CAs trusted, when the caller narrowed them.
	CauseTLS
	// CauseTimeout: no answer within the request's time limit.
	CauseTimeout
	// CauseProxy: the request went through the environment's proxy
	// (ConnError.Proxy), and failed there or beyond it.
	CauseProxy
	// CausePlainHTTPServer: the URL is https, and the server speaks plain
	// HTTP; the message already says to use http://.
	CausePlainHTTPServer
	// CauseBrokenExchange: the server took the connection, but the
	// exchange failed: a wrong server or a bad proxy.
	CauseBrokenExchange

	// Causes of an *Error: an answer came that is not a success.

	// CauseRedirect: an API endpoint redirected (Error.Location).
	CauseRedirect
	// CauseRoutePrefix: Hydra has no route for the path, and the endpoint
	// URL has a path of its own, to which Hydra's paths were added.
	CauseRoutePrefix
	// CauseGateway404: a 404 under an endpoint URL with a path, that is
	// not Hydra's: a gateway answered it.
	CauseGateway404
	// CauseHTTPSPort: the server speaks HTTPS on the port of an http URL.
	CauseHTTPSPort
	// CauseWrongAPI: a 404 that is not a JSON error: the server does not
	// know the path, so the URL may name another API or server.
	CauseWrongAPI
	// CauseTokenRefused: the admin API, or a proxy in front of it,
	// refused the bearer token sent.
	CauseTokenRefused
	// CauseTokenNeeded: a 401 or 403 from the admin API, to a request
	// without a bearer token: an authorizing proxy in front of it.
	CauseTokenNeeded
	// CauseUnexpectedBody: a 2xx whose content type or body is not what
	// the endpoint documents (the response rule, see Answer).
	CauseUnexpectedBody

	// Causes that come of the admin API's generation.

	// CauseGenerationRedirect: the server redirected Hydra v1's path to
	// Hydra v2's, though the generation was given as v1.
	CauseGenerationRedirect
	// CauseGenerationPaging: the server pages a list with page_token, as
	// Hydra v2 and later do, though the generation was given as v1, whose
	// offset it ignores (Hydra v25.4 and later serve v1's paths).
	CauseGenerationPaging
	// CauseNeedsV2: a route 404 for a path that exists only in Hydra v2,
	// sent to Hydra v1.
	CauseNeedsV2
	// CauseNotV2: a route 404 for a Hydra v2 path, though the generation
	// was given as v2.
	CauseNotV2
	// CauseWrongGeneration: a feature of one generation was used against
	// a server of the other (a *GenerationError).
	CauseWrongGeneration
)

// Endpoint is one server the tool talks to: its URL, its target (Hydra's
// public API, Hydra's admin API, or a server that is not Hydra, with a
// name), and where the URL came from. It is one value from the flag to
// the error message: the command layer builds it, the client carries it,
// and the advice for a failure is chosen by it.
type Endpoint struct {
	// BaseURL is the server's root, such as http://127.0.0.1:4445, to
	// which request paths are added.
	BaseURL *url.URL
	// Kind is which API BaseURL is: Public, Admin, or External.
	Kind Kind
	// Name names an External server in messages, such as "GitHub's ID
	// token service" or "the issuer's key set".
	Name string
	// Source says where BaseURL came from, as messages name it: a flag, an
	// environment variable, a discovery document. The api package never
	// reads it; the advice does.
	Source string
}

// Adviser fills in the advice of an error that a Client produced: the
// command layer's one function, which knows the flags. A nil Adviser
// leaves errors without advice.
type Adviser func(c *Client, err error)
