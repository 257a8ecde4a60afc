package cmdutil

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/text"
)

// Environment variables that name Hydra's endpoints.
const (
	EnvAdminURL  = "HYDRA_ADMIN_URL" // Hydra v1: the admin API
	EnvURL       = "HYDRA_URL"       // Hydra v1: the public API, and the admin API when HYDRA_ADMIN_URL is unset
	EnvORYSDKURL = "ORY_SDK_URL"     // Hydra v2: either API
)

// EnvAccessToken holds a bearer token for an admin API behind an authorizing
// proxy, as in Hydra's CLIs.
const EnvAccessToken = "OAUTH2_ACCESS_TOKEN"

// EndpointEnv lists, in order of precedence, the environment variables that
// give the URL of an API of this kind when --endpoint is not set.
func EndpointEnv(kind api.Kind) []string {
	if kind == api.Admin {
		return []string{EnvAdminURL, EnvURL, EnvORYSDKURL}
	}
	return []string{EnvURL, EnvORYSDKURL}
}

// DefaultTimeout is the default of --timeout.
const DefaultTimeout = 10 * time.Second

// Connection holds the flags that say how to reach Hydra. Every command that
// sends requests has them, and they apply to all of its requests.
type Connection struct {
	// Kind is which API --endpoint names.
	Kind api.Kind

	Endpoint           string
	SkipTLSVerify      bool
	CACert             string
	Headers            []string
	FakeTLSTermination bool
	Timeout            time.Duration
	Retries            int
	Verbose            bool

	// FailAfter is Hydra v1's --fail-after: how long to keep retrying a
	// request whose server is down (see api.TransportOptions.FailAfter).
	// Zero leaves --retries alone to bound the retries.
	FailAfter time.Duration
	// retriesGiven reports whether --retries was set on the command line:
	// with --fail-after, an unset --retries puts no limit on the count.
	retriesGiven func() bool

	// MaxConnsPerHost sizes the connection pool for batch commands.
	MaxConnsPerHost int

	// APIVersion is --api-version, the admin API's generation ("v1" or
	// "v2"); empty detects it.
	APIVersion string

	// v2Spelling reports whether the command runs under Hydra v2's
	// spelling (MarkV2Spelling), whose endpoint variable is ORY_SDK_URL.
	v2Spelling func() bool
}

// ConnectionOption changes which connection flags AddConnectionFlags
// registers.
type ConnectionOption int

const (
	// NoEndpoint leaves out --endpoint and --fake-tls-termination, for a
	// command that talks to no Hydra API of its own: token decode fetches
	// keys from a URL that the token or --jwks-url names.
	NoEndpoint ConnectionOption = iota + 1
	// OwnTimeout leaves out --timeout, for a command whose --timeout means
	// something else and which registers it itself: token user's --timeout
	// is the deadline of the whole sign-in. Connection.Timeout, the limit
	// of each request, is then DefaultTimeout unless the command sets it.
	OwnTimeout
)

// AddConnectionFlags registers the connection flags on cmd.
func AddConnectionFlags(cmd *cobra.Command, c *Connection, kind api.Kind, opts ...ConnectionOption) {
	c.Kind = kind
	fl := cmd.Flags()
	endpoint := !slices.Contains(opts, NoEndpoint)
	if endpoint {
		envs := EndpointEnv(kind)
		fl.StringVarP(&c.Endpoint, "endpoint", "e", "", fmt.Sprintf("URL of Hydra's %s API, such as %s (env: %s)", kind, defaultURL(kind), strings.Join(envs, ", then ")))
	}
	fl.BoolVar(&c.SkipTLSVerify, "skip-tls-verify", false, "Do not verify the server's TLS certificate (insecure)")
	fl.StringVar(&c.CACert, "ca-cert", "", "Trust only the CA certificates in this PEM `file`, instead of the system's")
	fl.StringArrayVarP(&c.Headers, "http-header", "H", nil, "Add a header to every request, as 'Name: value' (repeatable)")
	if endpoint {
		fl.BoolVar(&c.FakeTLSTermination, "fake-tls-termination", false, "Send X-Forwarded-Proto: https, for a Hydra behind a TLS-terminating proxy")
	}
	if slices.Contains(opts, OwnTimeout) {
		c.Timeout = DefaultTimeout
	} else {
		fl.DurationVar(&c.Timeout, "timeout", DefaultTimeout, "How long each request may wait on the network")
	}
	fl.IntVar(&c.Retries, "retries", 2, "How often to retry a safe request after a transient failure")
	fl.DurationVar(&c.FailAfter, "fail-after", 0, "Retry while the server is down or answers 502/503/504, for up to this `duration` in all, each attempt within --timeout (Hydra v1's flag)")
	c.retriesGiven = func() bool { return fl.Changed("retries") }
	c.v2Spelling = func() bool { return IsV2Spelling(cmd) }
	fl.BoolVarP(&c.Verbose, "verbose", "v", false, "Trace HTTP requests on stderr, with secrets masked")
	if kind == api.Admin {
		fl.StringVar(&c.APIVersion, "api-version", "", "Hydra's admin API `version`, v1 or v2 (default: detected from the server)")
		_ = cmd.RegisterFlagCompletionFunc("api-version", cobra.FixedCompletions(api.Generations, cobra.ShellCompDirectiveNoFileComp))
	}
}

// ResolveEndpoint returns the API's base URL from --endpoint or the
// environment.
func (c *Connection) ResolveEndpoint(getenv func(string) string) (*url.URL, error) {
	ep, err := c.ResolveTarget(getenv)
	return ep.BaseURL, err
}

// ResolveTarget returns the endpoint of the API that --endpoint names: its
// URL, from the flag or else the environment, its target, and where the
// URL came from.
//
// Under Hydra v2's spelling, whose CLI reads ORY_SDK_URL alone, a v1
// variable read first that names another URL than ORY_SDK_URL is a usage
// error (see CheckV2Env), not a silent choice of either.
func (c *Connection) ResolveTarget(getenv func(string) string) (api.Endpoint, error) {
	if strings.TrimSpace(c.Endpoint) == "" && c.v2Spelling != nil && c.v2Spelling() {
		if err := CheckV2Env(c.Kind, getenv); err != nil {
			return api.Endpoint{Kind: c.Kind}, err
		}
	}
	u, source, err := resolveEndpoint(c.Kind, "--endpoint", c.Endpoint, EndpointEnv(c.Kind), getenv)
	return api.Endpoint{BaseURL: u, Kind: c.Kind, Source: source}, err
}

// v2SpellingAnnotation marks a command built under Hydra v2's spelling.
const v2SpellingAnnotation = "hydra-v2-spelling"

// MarkV2Spelling marks cmd as built under Hydra v2's spelling ("hydra get
// oauth2-client"), whose endpoint variable is ORY_SDK_URL: see
// CheckV2Env. pkg/cmd/root/aliases.go, where the spellings are wired,
// calls it.
func MarkV2Spelling(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[v2SpellingAnnotation] = "true"
	if fl := cmd.Flags().Lookup("endpoint"); fl != nil && strings.Contains(fl.Usage, EnvORYSDKURL+")") {
		fl.Usage = strings.TrimSuffix(fl.Usage, ")") + "; " + v2EnvRule + ")"
	}
}

// v2EnvRule is CheckV2Env's rule, in the help of --endpoint under Hydra
// v2's spellings.
const v2EnvRule = "with " + EnvORYSDKURL + ", Hydra v2's, set, the one read before it must agree"

// IsV2Spelling reports whether MarkV2Spelling marked cmd.
func IsV2Spelling(cmd *cobra.Command) bool {
	return cmd.Annotations[v2SpellingAnnotation] == "true"
}

// CheckV2Env is the rule for the endpoint variables under Hydra v2's
// spellings, when --endpoint is not given. Hydra v2's CLI reads
// ORY_SDK_URL alone; Hydra v1's read HYDRA_URL (and HYDRA_ADMIN_URL for
// the admin API), which this tool reads first under every spelling. When
// ORY_SDK_URL and the v1 variable that would be read (the first of
// EndpointEnv(kind) that is set) name different URLs, a script written for
// either CLI may be sent to the wrong server without a word, so the
// command stops with a usage error that names both variables and says how
// to choose. The same URL in both (trailing slashes and the case of the
// scheme and host aside), or only one of them set, is no conflict.
func CheckV2Env(kind api.Kind, getenv func(string) string) error {
	sdk := strings.TrimSpace(getenv(EnvORYSDKURL))
	if sdk == "" {
		return nil
	}
	for _, name := range EndpointEnv(kind) {
		if name == EnvORYSDKURL {
			return nil
		}
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		if sameURL(v, sdk) {
			return nil
		}
		return FlagErrorf("%s (%s) and %s (%s) disagree: Hydra v2's CLI, whose spelling this is, reads %s, and Hydra v1's %s. Pass --endpoint (-e) to choose, or unset the variable that is stale",
			EnvORYSDKURL, redactedURL(sdk), name, redactedURL(v), EnvORYSDKURL, name)
	}
	return nil
}

// sameURL reports whether a and b name the same URL, trailing slashes and
// the case of the scheme and host aside.
func sameURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) &&
		ua.User.String() == ub.User.String() && strings.TrimRight(ua.Path, "/") == strings.TrimRight(ub.Path, "/")
}

// redactedURL is raw for a message: its password masked, or a placeholder
// when it is no URL.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a URL"
	}
	return text.Printable(u.Redacted())
}

// resolveEndpoint returns the base URL of an API of this kind from value,
// given as flag, or else from the first of envs that is set, and where it
// came from, as messages name it: the flag, or the variable (which the
// flag overrides).
func resolveEndpoint(kind api.Kind, flag, value string, envs []string, getenv func(string) string) (*url.URL, string, error) {
	raw, from := strings.TrimSpace(value), flag
	if raw == "" {
		for _, name := range envs {
			if v := strings.TrimSpace(getenv(name)); v != "" {
				raw, from = v, name
				break
			}
		}
	}
	if raw == "" {
		return nil, "", FlagErrorf("no %s API URL: pass %s or set %s (Hydra's %s API listens on %s by default)",
			kind, flag, strings.Join(envs, " or "), kind, defaultURL(kind))
	}
	u, err := ParseHTTPURL(from, raw, defaultURL(kind))
	if err != nil {
		return nil, "", err
	}
	u.RawQuery, u.Fragment = "", ""
	if from != flag {
		from = fmt.Sprintf("%s (or %s, which overrides it)", from, flag)
	}
	return u, from, nil
}

func defaultURL(kind api.Kind) string {
	if kind == api.Admin {
		return "http://127.0.0.1:4445"
	}
	return "http://127.0.0.1:4444"
}

// link says what the one constructor, connect, sends to an endpoint
// beyond what the connection flags say.
type link struct {
	// bearer is the admin API's bearer token.
	bearer string
	// http, when set, is the HTTP client to send through: another
	// client's, whose TLS settings, headers and trace then apply.
	http *http.Client
	// advice is the target's own advice (see TargetAdvice).
	advice TargetAdvice
	// warnPlainHTTP warns about a server that is not Hydra over plain
	// HTTP, as for Hydra's APIs; plainHTTPRisk, when set, says what plain
	// HTTP risks there instead of the usual words (see ExternalServer).
	warnPlainHTTP bool
	plainHTTPRisk string
	// also are other URLs the client is sent to, beyond ep's host, such
	// as a --token-url on another host: the plain-HTTP warning covers
	// them too.
	also []*url.URL
	// headers sends the -H headers to a server that is not Hydra.
	headers bool
}

// connect is the one constructor of every client the tool sends requests
// through. It alone decides what reaches which server:
//   - Hydra's APIs get the -H headers and --fake-tls-termination, and the
//     admin API the bearer token; a server that is not Hydra (api.External)
//     gets none of them, since they may carry Hydra's credentials, but for
//     the -H headers to a server the user named for them
//     (ExternalServer.Headers);
//   - every client gets the TLS settings, --timeout, --retries,
//     --fail-after and -v's trace;
//   - the plain-HTTP warning, once per host, for Hydra's APIs and the
//     other URLs the client is sent to (and a server that is not Hydra
//     when l says so, in its own words when it has them);
//   - the admin API's generation, from --api-version or detected;
//   - the advice of every failure (the adviser), the target's own first.
func (c *Connection) connect(f *Factory, ep api.Endpoint, l link) (*api.Client, error) {
	hydra := ep.Kind != api.External
	l.warnPlainHTTP = l.warnPlainHTTP || l.plainHTTPRisk != ""
	if hydra || l.warnPlainHTTP {
		warnPlainHTTP(f, ep.BaseURL, l.plainHTTPRisk)
	}
	for _, u := range l.also {
		warnPlainHTTP(f, u, l.plainHTTPRisk)
	}
	var gen api.Generation
	if ep.Kind == api.Admin {
		var err error
		if gen, err = c.Generation(); err != nil {
			return nil, err
		}
	}
	hc := l.http
	if hc == nil {
		var err error
		if hc, err = c.httpClient(f, hydra, hydra || l.warnPlainHTTP, hydra || l.headers); err != nil {
			return nil, err
		}
	}
	client := &api.Client{HTTP: hc, Endpoint: ep, Generation: gen, Advise: c.adviser(l.advice)}
	if ep.Kind == api.Admin {
		client.BearerToken = l.bearer
	}
	return client, nil
}

// httpClient builds the HTTP client for these flags; hydra says whether
// it is for Hydra's APIs, which alone get --fake-tls-termination, warn
// whether to warn about --skip-tls-verify, and headers whether it sends
// the -H headers. A TLS setting it cannot use (an unreadable --ca-cert)
// is a usage error.
func (c *Connection) httpClient(f *Factory, hydra, warn, headers bool) (*http.Client, error) {
	parsed := http.Header{}
	for _, h := range c.Headers {
		name, value, err := api.ParseHeader(h)
		if err != nil {
			return nil, FlagErrorf("-H/--http-header: %w", err)
		}
		parsed.Add(name, value)
	}
	if c.Timeout < 0 {
		return nil, FlagErrorf("--timeout must not be negative")
	}
	if c.Retries < 0 {
		return nil, FlagErrorf("--retries must not be negative")
	}
	if c.FailAfter < 0 {
		return nil, FlagErrorf("--fail-after must not be negative")
	}
	opts := api.TransportOptions{
		SkipTLSVerify:   c.SkipTLSVerify,
		CACertFile:      c.CACert,
		Timeout:         c.Timeout,
		Retries:         c.retries(),
		FailAfter:       c.FailAfter,
		MaxConnsPerHost: c.MaxConnsPerHost,
	}
	if headers {
		opts.Headers = parsed
	}
	if hydra {
		opts.FakeTLSTermination = c.FakeTLSTermination
	}
	if warn && c.SkipTLSVerify && f.firstTime("--skip-tls-verify") {
		fmt.Fprintln(f.IOStreams.ErrOut, "warning: --skip-tls-verify is set: the server's identity is not checked, so anyone on the network path can read the tokens and secrets sent")
	}
	if c.Verbose {
		opts.Trace = f.IOStreams.ErrOut
	}
	client, err := api.NewHTTPClient(opts)
	if err != nil {
		return nil, FlagErrorWrap(caFileError(err))
	}
	return client, nil
}

// caFileError names --ca-cert in the api package's message about the file
// it names.
func caFileError(err error) error {
	var e *api.CAFileReadError
	if errors.As(err, &e) {
		if e.NoCertificate {
			return fmt.Errorf("--ca-cert %s holds no PEM certificate", e.File)
		}
		return fmt.Errorf("reading --ca-cert: %w", e.Err)
	}
	return err
}

// retries is the retry count for the transport: --retries, or, under
// --fail-after without --retries, no count at all, as in Hydra v1, whose
// CLI retried until --fail-after was spent.
func (c *Connection) retries() int {
	if c.FailAfter > 0 && (c.retriesGiven == nil || !c.retriesGiven()) {
		return -1
	}
	return c.Retries
}

// Client resolves the endpoint and builds an API client for it.
func (c *Connection) Client(f *Factory) (*api.Client, error) {
	ep, err := c.ResolveTarget(f.Getenv)
	if err != nil {
		return nil, err
	}
	return c.connect(f, ep, link{})
}

// ClientAt builds a client for one of Hydra's APIs at an endpoint that the
// command resolved itself, such as the host of --token-url. advice, when
// not nil, is the endpoint's own advice, such as what to do about an
// RFC 6749 error of the token endpoint. also are the other URLs of Hydra
// that the client is sent to, such as a --token-url on another host than
// the endpoint: the plain-HTTP warning covers them.
func (c *Connection) ClientAt(f *Factory, ep api.Endpoint, advice TargetAdvice, also ...*url.URL) (*api.Client, error) {
	return c.connect(f, ep, link{advice: advice, also: also})
}

// ExternalServer describes a server that is not Hydra but that a command
// must reach: an issuer's key set, a CI system's ID token service.
type ExternalServer struct {
	// Name names it in messages: "the issuer's key set".
	Name string
	// Source says where its URL came from: a flag, an environment
	// variable, a discovery document.
	Source string
	// Advice, when not nil, is the target's own advice.
	Advice TargetAdvice
	// Headers sends the -H headers to it, for a server the user named
	// with a flag of its own, as token decode's --jwks-url. The bearer
	// token of the admin API is never sent.
	Headers bool
	// WarnPlainHTTP warns about plain HTTP to it, as for Hydra's APIs.
	WarnPlainHTTP bool
	// PlainHTTPRisk, when set, warns about plain HTTP to it in these
	// words: what plain HTTP risks there, such as "the keys Hydra is told
	// to trust could be replaced in transit" for an issuer's keys.
	PlainHTTPRisk string
}

// External builds a client for a server that is not Hydra, at base's
// scheme and host. Unless s says so, it gets no -H header, and never
// --fake-tls-termination or a bearer token: they are meant for Hydra and
// may carry its credentials.
func (c *Connection) External(f *Factory, base *url.URL, s ExternalServer) (*api.Client, error) {
	root := &url.URL{Scheme: base.Scheme, Host: base.Host}
	ep := api.Endpoint{BaseURL: root, Kind: api.External, Name: s.Name, Source: s.Source}
	return c.connect(f, ep, link{advice: s.Advice, warnPlainHTTP: s.WarnPlainHTTP, plainHTTPRisk: s.PlainHTTPRisk, headers: s.Headers})
}

// Generation is the admin API's generation that --api-version gives, or
// api.GenerationUnknown, which detects it.
func (c *Connection) Generation() (api.Generation, error) {
	if c.APIVersion == "" {
		return api.GenerationUnknown, nil
	}
	gen, err := api.ParseGeneration(c.APIVersion)
	if err != nil {
		return gen, FlagErrorf("--api-version: %w", err)
	}
	return gen, nil
}

// WarnPlainHTTP warns, in one line on stderr, when u is plain HTTP to a host
// that is not loopback: secrets would cross the network unencrypted. It
// warns once per host and run.
func WarnPlainHTTP(f *Factory, u *url.URL) { warnPlainHTTP(f, u, "") }

// warnPlainHTTP is WarnPlainHTTP, saying what plain HTTP risks at u in
// risk's words when it is not "".
func warnPlainHTTP(f *Factory, u *url.URL, risk string) {
	if u.Scheme != "http" || IsLoopback(u.Hostname()) || !f.firstTime("plain-http "+strings.ToLower(u.Host)) {
		return
	}
	if risk == "" {
		risk = "tokens and secrets cross the network unencrypted"
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s is plain HTTP to a host that is not loopback: %s\n", api.StripQuery(u), risk)
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AdminClient builds a client for the admin API that sends the bearer token
// of --access-token, --access-token-file or OAUTH2_ACCESS_TOKEN, for an
// admin API behind an authorizing proxy. quiet silences the warning about a
// token given on argv. It is Admin.Client for a command that keeps the two
// apart.
func (c *Connection) AdminClient(f *Factory, token *Secret, quiet bool) (*api.Client, error) {
	a := Admin{Conn: *c, AccessToken: *token, Quiet: quiet}
	return a.Client(f)
}
