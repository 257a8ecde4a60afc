// Package user implements "hydra token user": the OAuth 2.0 authorization
// code flow with PKCE, through the browser and a loopback callback server, or
// headless through Hydra's admin API for CI pipelines.
package user

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/loopback"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Defaults of the flags.
const (
	DefaultPort    = 4446
	DefaultTimeout = 5 * time.Minute
	callbackPath   = "/callback"
)

// DefaultScopes are the scopes asked for without --scope: an ID token and a
// refresh token.
var DefaultScopes = []string{"openid", "offline"}

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// Conn is the connection to Hydra's public API.
	Conn cmdutil.Connection
	// Credentials are the client's, as for every token command.
	Credentials shared.Credentials
	// Issuer, when set, is the issuer that ID tokens must name, for a
	// Hydra whose urls.self.issuer is not the URL the command reaches.
	Issuer   string
	Scopes   []string
	Audience []string
	// Prompt is the OpenID Connect prompt, space-separated values.
	Prompt string
	// MaxAge is max_age in seconds; -1 leaves it unset, 0 asks for a
	// fresh sign-in.
	MaxAge       int
	Port         int
	Redirect     string
	AuthURL      string
	ResponseMode string
	NoOpen       bool
	NoShutdown   bool
	HTTPS        bool
	Quiet        bool
	Format       printer.Format

	// Timeout is the deadline of the whole flow, from the start to the
	// tokens; Conn.Timeout bounds each request.
	Timeout time.Duration

	// Headless runs the flow without a browser, accepting login and
	// consent as Subject through the admin API.
	Headless bool
	Subject  string
	Admin    shared.AdminAPI

	// Cache holds the token cache flags.
	Cache cachewire.Flags

	// CommandPath names the command in messages.
	CommandPath string

	// redirect is the parsed redirect URL.
	redirect *url.URL
}

// NewCmdUser builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdUser(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	var scopes, audience, prompts []string

	cmd := &cobra.Command{
		Use:   "user",
		Short: "Get tokens for a person with the authorization code flow",
		Long: text.Docf(`
			Get an access token, a refresh token and an ID token for a person, with
			the OAuth 2.0 authorization code flow and PKCE (S256).

			The command listens on 127.0.0.1 for the browser's callback, opens the
			authorization page in the browser ($BROWSER if set), and waits until the
			person has signed in and consented, or until --timeout. Callbacks with a
			missing or wrong state are refused and ignored. The ID token is verified
			against the issuer's keys, and its nonce checked.

			With --no-open, the URL to open is printed on stderr, for a browser on
			another machine (such as over SSH, where the browser's redirect to
			127.0.0.1 cannot reach this command). When stdin is a terminal, paste
			the address the browser ends on (its 127.0.0.1 callback URL, even if
			the page failed to load) and press Enter: it gets the same state, PKCE
			and error checks as a callback.

			The client must allow the redirect URL, http://127.0.0.1:4446/callback by
			default. The client credentials are given as for "hydra token client":
			a public client (token_endpoint_auth_method none) needs none, and a
			confidential client's secret comes from %[1]s,
			--client-secret-file or --client-secret, or it signs with --private-key.

			%[2]s

			By default the issuer is the endpoint: its discovery document and the
			ID tokens must name it, or the command refuses to start. Behind a
			port-forward or a proxy, where Hydra's configured issuer (urls.self.issuer) is a public
			URL and -e a local one, pass that issuer with --issuer: ID tokens are
			then verified against it, and the endpoints and keys are still read
			from -e.

			Tokens go to stdout only. The exit code is 0 only when tokens were
			obtained.

			With --headless --subject ID, no browser is involved: the command follows
			the authorization URL itself and accepts Hydra's login and consent
			requests for ID through the admin API (--admin-endpoint or
			HYDRA_ADMIN_URL), granting the requested scopes and audience. It is
			meant for CI pipelines and tests against a Hydra you control.

			With --cache (or HYDRA_TOKEN_CACHE=disk), the tokens are kept between
			runs: a fresh access token is printed with no request, an expired one is
			refreshed with the refresh token, and only without one does the person
			sign in again. See docs/token-cache.md.
		`, shared.EnvClientSecret, shared.MethodRule),
		Example: text.Doc(`
			$ export HYDRA_URL=http://127.0.0.1:4444
			$ hydra token user --client-id my-app
			$ hydra token user --client-id my-app --scope openid,offline,email --no-open
			$ hydra token user --client-id my-app --format jsonpath=access_token

			# Through a port-forward to a Hydra whose issuer is its public URL:
			$ hydra token user -e http://127.0.0.1:4444 --issuer https://auth.example.com --client-id my-app

			# In CI, without a browser:
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token user --client-id my-app --headless --subject alice@example.com
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			opts.Scopes = cmdutil.SplitList(scopes)
			opts.Audience = cmdutil.SplitList(audience)
			// As in Hydra's CLIs: repeated, comma- or space-separated, sent
			// space-separated (OpenID Connect Core §3.1.2.1).
			opts.Prompt = strings.Join(strings.FieldsFunc(strings.Join(prompts, " "), func(r rune) bool { return r == ',' || unicode.IsSpace(r) }), " ")
			// --timeout is the flow's deadline here; each request keeps the
			// usual per-request limit, within it.
			opts.Timeout = opts.Conn.Timeout
			opts.Conn.Timeout = min(cmdutil.DefaultTimeout, opts.Timeout)
			opts.Credentials.Quiet = opts.Quiet
			opts.CommandPath = cmd.CommandPath()
			if err := opts.validate(cmd.Flags().Changed("port")); err != nil {
				return err
			}
			if err := opts.Cache.Validate(cmd, f.Getenv); err != nil {
				return err
			}
			if opts.Cache.Enabled && opts.NoShutdown {
				return cmdutil.FlagErrorf("--no-shutdown runs flow after flow, and --cache keeps one token: choose one")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return userRun(cmd.Context(), opts)
		},
	}

	fl := cmd.Flags()
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "Print no notes on stderr; errors, warnings about insecure settings and the URL to open still show")
	shared.AddCredentialFlags(cmd, f, &opts.Credentials, "Token endpoint `URL` (default: <endpoint>"+api.TokenPath+")")
	fl.StringVar(&opts.Issuer, "issuer", "", "The issuer `URL` that ID tokens must name, when Hydra's urls.self.issuer is not --endpoint (behind a port-forward or proxy)")
	fl.StringSliceVar(&scopes, "scope", DefaultScopes, "Scopes to request (repeatable, comma-separated)")
	fl.StringSliceVar(&audience, "audience", nil, "Audiences to request for the access token (repeatable, comma-separated)")
	fl.StringArrayVar(&prompts, "prompt", nil, "OpenID Connect prompt: none, login, consent or select_account (repeatable, or comma- or space-separated)")
	fl.IntVar(&opts.MaxAge, "max-age", -1, "OpenID Connect max_age: the longest time in seconds since the person last signed in; 0 forces a fresh sign-in, -1 leaves it unset")
	fl.IntVarP(&opts.Port, "port", "p", DefaultPort, "Port of the callback server on 127.0.0.1; 0 picks a free one")
	fl.StringVar(&opts.Redirect, "redirect", "", "Redirect URL the client allows (default http://127.0.0.1:<port>/callback)")
	fl.StringVar(&opts.AuthURL, "auth-url", "", "Authorization endpoint (default: the endpoint's /oauth2/auth)")
	fl.StringVar(&opts.ResponseMode, "response-mode", "", "How the server returns the code: query (the default), fragment or form_post")
	fl.BoolVar(&opts.NoOpen, "no-open", false, "Do not open a browser; print the authorization URL on stderr")
	fl.BoolVar(&opts.NoShutdown, "no-shutdown", false, "Keep serving after each attempt, with fresh state, nonce and PKCE, until Ctrl-C or --timeout")
	fl.BoolVar(&opts.HTTPS, "https", false, "Serve the callback over HTTPS, with a self-signed certificate made at start")
	fl.BoolVar(&opts.Headless, "headless", false, "Run without a browser, accepting login and consent through the admin API (for CI)")
	fl.StringVar(&opts.Subject, "subject", "", "With --headless: the user ID to log in")
	shared.AddAdminAPIFlags(cmd, &opts.Admin, "With --headless: URL of Hydra's admin API")
	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public)
	cmdutil.AddFormatFlag(cmd, &format, "a readable block of the tokens")
	cachewire.AddFlags(cmd, &opts.Cache)

	// The connection flags' --timeout bounds one request; here it is the
	// deadline of the whole flow, as a person needs minutes to sign in.
	t := fl.Lookup("timeout")
	t.Usage = "Deadline for the whole flow, from start to tokens"
	t.DefValue = DefaultTimeout.String()
	_ = t.Value.Set(DefaultTimeout.String())

	_ = cmd.RegisterFlagCompletionFunc("prompt", cobra.FixedCompletions([]string{"none", "login", "consent", "select_account"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("response-mode", cobra.FixedCompletions([]string{"query", "fragment", "form_post"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the flags and works out the redirect URL, before anything
// is sent or bound.
func (o *Options) validate(portSet bool) error {
	if o.Credentials.ClientID == "" && strings.TrimSpace(o.Factory.Getenv(shared.EnvClientID)) == "" {
		// Missing credentials exit 1, as in the other token commands: they
		// may be missing from the environment rather than from argv.
		return fmt.Errorf("no client ID: pass --client-id or set %s", shared.EnvClientID)
	}
	if err := o.Credentials.Validate(); err != nil {
		return err
	}
	if o.Issuer != "" {
		if _, err := cmdutil.ParseHTTPURL("--issuer", o.Issuer, "https://auth.example.com"); err != nil {
			return err
		}
	}
	if o.Timeout <= 0 {
		return cmdutil.FlagErrorf("--timeout must be positive, such as 5m")
	}
	if o.MaxAge < -1 {
		return cmdutil.FlagErrorf("--max-age must be 0 or more seconds, or -1 for none")
	}
	prompts := strings.Fields(o.Prompt)
	for _, p := range prompts {
		switch p {
		case "none", "login", "consent", "select_account":
		default:
			return cmdutil.FlagErrorf("invalid --prompt %q: want none, login, consent or select_account", p)
		}
	}
	if slices.Contains(prompts, "none") && len(prompts) > 1 {
		// OpenID Connect Core §3.1.2.1.
		return cmdutil.FlagErrorf("--prompt none cannot be combined with other values")
	}
	switch o.ResponseMode {
	case "", loopback.ModeQuery, loopback.ModeFragment, loopback.ModeFormPost:
	default:
		return cmdutil.FlagErrorf("invalid --response-mode %q: want query, fragment or form_post", o.ResponseMode)
	}
	if o.Port < 0 || o.Port > 65535 {
		return cmdutil.FlagErrorf("invalid --port %d", o.Port)
	}
	if o.Headless {
		if o.Subject == "" {
			return cmdutil.FlagErrorf("--headless needs --subject: the user ID to log in")
		}
		if o.ResponseMode == loopback.ModeFormPost {
			return cmdutil.FlagErrorf("--headless does not support --response-mode form_post")
		}
		if o.NoShutdown {
			return cmdutil.FlagErrorf("--headless runs one flow; --no-shutdown does not apply")
		}
	} else if o.Subject != "" || o.Admin.Endpoint != "" {
		return cmdutil.FlagErrorf("--subject and --admin-endpoint apply only with --headless")
	}

	scheme := "http"
	if o.HTTPS {
		scheme = "https"
	}
	if o.Redirect == "" {
		o.redirect = &url.URL{Scheme: scheme, Host: net.JoinHostPort(loopback.BindHost, strconv.Itoa(o.Port)), Path: callbackPath}
		return nil
	}
	u, err := cmdutil.ParseHTTPURL("--redirect", o.Redirect, fmt.Sprintf("http://127.0.0.1:%d/callback", o.Port))
	if err != nil {
		return err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return cmdutil.FlagErrorf("invalid --redirect %s: a redirect URL has no query or fragment", api.RedactURL(o.Redirect))
	}
	if u.Path == "" {
		u.Path = "/"
	}
	if o.Headless {
		// Nothing listens in headless mode: any URL the client allows works.
		o.redirect = u
		return nil
	}
	host := u.Hostname()
	if host != loopback.BindHost && !strings.EqualFold(host, "localhost") {
		return cmdutil.FlagErrorf("--redirect %s: the callback server listens on 127.0.0.1 only, so the redirect URL's host must be 127.0.0.1 or localhost", o.Redirect)
	}
	if u.Scheme != scheme {
		if o.HTTPS {
			return cmdutil.FlagErrorf("--redirect %s is http, but --https serves the callback over https", o.Redirect)
		}
		return cmdutil.FlagErrorf("--redirect %s is https: pass --https to serve the callback over https", o.Redirect)
	}
	if u.Port() == "" {
		return cmdutil.FlagErrorf("--redirect %s has no port: give the port the callback server listens on, such as %s://127.0.0.1:%d%s", o.Redirect, scheme, o.Port, u.Path)
	}
	p, _ := strconv.Atoi(u.Port())
	if portSet && p != o.Port {
		return cmdutil.FlagErrorf("--redirect %s names port %d, but --port is %d", o.Redirect, p, o.Port)
	}
	o.Port = p
	o.redirect = u
	return nil
}

// flow is one run of the command: what every attempt shares.
type flow struct {
	opts *Options
	// conf builds authorization URLs; the code goes to the token endpoint
	// through session, which authenticates the client.
	conf     *oauth2.Config
	session  *shared.Session
	verifier *idTokenVerifier
	stderr   noteWriter
	// base and hc are the public API's URL and the HTTP client.
	base *url.URL
	hc   *http.Client
	// deliver receives the tokens: print prints them; the token cache
	// keeps them first.
	deliver func(*shared.Token) error
}

func userRun(ctx context.Context, opts *Options) error {
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, true)
	if err != nil {
		return err
	}
	base, hc := s.API.BaseURL, s.API.HTTP
	authURL := opts.AuthURL
	if authURL == "" {
		authURL = joinPath(base, "/oauth2/auth")
	}
	if _, err := cmdutil.ParseHTTPURL("--auth-url", authURL, joinPath(base, "/oauth2/auth")); err != nil {
		return err
	}
	fl := &flow{
		opts:    opts,
		stderr:  noteWriter{io: opts.IO, quiet: opts.Quiet, mu: &sync.Mutex{}},
		base:    base,
		hc:      hc,
		session: s,
		conf: &oauth2.Config{
			ClientID:    s.Auth.ClientID,
			Endpoint:    oauth2.Endpoint{AuthURL: authURL},
			RedirectURL: opts.redirect.String(),
			Scopes:      opts.Scopes,
		},
	}

	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	fl.deliver = fl.print
	if opts.Cache.Enabled {
		return fl.cached(ctx, s)
	}
	return fl.run(ctx)
}

// run is the flow itself: discovery, then the browser or the headless flow,
// which hand their tokens to fl.deliver.
func (fl *flow) run(ctx context.Context) error {
	opts, base, hc := fl.opts, fl.base, fl.hc
	var err error

	// Discovery first, so that a wrong endpoint fails before anyone signs
	// in. Without the openid scope there is no ID token to verify.
	if slices.Contains(opts.Scopes, "openid") {
		public := fl.session.API
		if fl.verifier, err = newIDTokenVerifier(ctx, public, base, fl.session.Auth.ClientID, opts.Issuer); err != nil {
			return timeoutOr(ctx, opts, err)
		}
	}

	if opts.Headless {
		return fl.runHeadless(ctx, hc, base)
	}
	return fl.runBrowser(ctx)
}

// attempt holds the fresh values of one authorization attempt.
type attempt struct {
	state, nonce, verifier string
	authURL                string
}

func (fl *flow) newAttempt() attempt {
	a := attempt{state: rand.Text(), nonce: rand.Text(), verifier: oauth2.GenerateVerifier()}
	params := []oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(a.verifier),
		oauth2.SetAuthURLParam("nonce", a.nonce),
	}
	o := fl.opts
	if len(o.Audience) > 0 {
		params = append(params, oauth2.SetAuthURLParam("audience", strings.Join(o.Audience, " ")))
	}
	if o.Prompt != "" {
		params = append(params, oauth2.SetAuthURLParam("prompt", o.Prompt))
	}
	if o.MaxAge >= 0 {
		params = append(params, oauth2.SetAuthURLParam("max_age", strconv.Itoa(o.MaxAge)))
	}
	if o.ResponseMode != "" {
		params = append(params, oauth2.SetAuthURLParam("response_mode", o.ResponseMode))
	}
	a.authURL = fl.conf.AuthCodeURL(a.state, params...)
	return a
}

func (fl *flow) runBrowser(ctx context.Context) error {
	o := fl.opts
	lopts := loopback.Options{Port: o.Port, Path: o.redirect.Path, Mode: o.ResponseMode}
	if o.HTTPS {
		cfg, err := loopback.SelfSignedTLS()
		if err != nil {
			return fmt.Errorf("making the self-signed certificate for --https: %w", err)
		}
		lopts.TLS = cfg
	}
	srv, err := loopback.Listen(lopts)
	if errors.Is(err, loopback.ErrPortInUse) {
		return fmt.Errorf("%w\nPick another port with --port, or -p 0 for any free one: Hydra accepts any port in a loopback redirect URL", err)
	}
	if err != nil {
		return err
	}
	defer srv.Close()
	if o.redirect.Port() == "0" {
		// -p 0 takes a free port. Hydra, like RFC 8252 §7.3 asks, lets a
		// loopback redirect URL's port vary from the registered one.
		o.redirect.Host = net.JoinHostPort(o.redirect.Hostname(), strconv.Itoa(srv.Addr().Port))
		fl.conf.RedirectURL = o.redirect.String()
	}

	obtained, first := false, true
	a := fl.newAttempt()
	srv.Expect(a.state)
	if fl.pasteEnabled() {
		go fl.readPasted(srv)
	}
	for {
		left := o.Timeout
		if d, ok := ctx.Deadline(); ok {
			left = time.Until(d).Round(time.Second)
		}
		fl.stderr.notef("Waiting up to %s for the authorization callback on %s (Ctrl-C to cancel)\n", left, o.redirect)
		if o.HTTPS {
			fl.stderr.notef("The callback uses a self-signed certificate: the browser will warn about it once.\n")
		}
		done := make(chan struct{})
		if first {
			fl.open(a.authURL, done)
		} else {
			// The browser opens once: later attempts start from the link on
			// the last page, or from this URL.
			fl.stderr.printf("To sign in again, open this URL (the page in the browser links to it too):\n\n  %s\n\n", a.authURL)
		}
		first = false

		cb, err := srv.Wait(ctx)
		// Under the lock, so that a late failure of the browser command
		// either printed before this or prints nothing.
		fl.stderr.mu.Lock()
		close(done)
		fl.stderr.mu.Unlock()
		if err != nil {
			// Under --no-shutdown, the deadline or Ctrl-C is how the flow
			// ends: once tokens were obtained, that is a success.
			if o.NoShutdown && obtained && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
				return nil
			}
			return timeoutOr(ctx, o, err)
		}
		tokens, err := fl.complete(ctx, a, cb.Params)
		var next attempt
		if o.NoShutdown {
			// Expected before the page that links to it is served, so that
			// a quick click on that link is not turned away as a stray.
			next = fl.newAttempt()
			srv.Expect(next.state)
		}
		if err != nil {
			cb.Reply(loopback.Outcome{Message: "The sign-in failed: " + strings.TrimRight(text.OneLine(err.Error(), maxReasonLen), ".") + ". The terminal has the details.", NextURL: next.authURL})
			if !o.NoShutdown {
				return err
			}
			fl.stderr.printf("error: %s\n", err)
		} else {
			cb.Reply(loopback.Outcome{OK: true, Message: "Tokens were obtained.", NextURL: next.authURL})
			if err := fl.deliver(tokens); err != nil {
				return err
			}
			obtained = true
			if !o.NoShutdown {
				return nil
			}
		}
		a = next
	}
}

// open opens the browser beside the wait, or prints the URL when asked not
// to, or when the browser cannot be opened. done closes when the attempt is
// over, so that a late failure of the browser command prints nothing.
func (fl *flow) open(authURL string, done <-chan struct{}) {
	o := fl.opts
	if o.NoOpen || o.Factory.Browser == nil {
		fl.stderr.printf("Open this URL in a browser to sign in:\n\n  %s\n\n", authURL)
		if fl.pasteEnabled() {
			fl.stderr.printf("If that browser runs on another machine, its redirect to %s fails there: paste the address it ends on here, then press Enter.\n", o.redirect)
		}
		return
	}
	fl.stderr.notef("Opening the authorization page in the browser...\n")
	browser := o.Factory.Browser
	go func() {
		err := browser.Browse(authURL)
		if err == nil {
			return
		}
		fl.stderr.mu.Lock()
		defer fl.stderr.mu.Unlock()
		select {
		case <-done:
		default:
			fmt.Fprintf(o.IO.ErrOut, "Could not open a browser (%s). Open this URL to sign in:\n\n  %s\n\n", strings.TrimRight(text.OneLine(err.Error(), maxReasonLen), "."), authURL)
		}
	}()
}

// pasteEnabled reports whether the final redirect URL may be pasted on
// stdin: with --no-open, when stdin is a terminal that no credential is
// read from.
func (fl *flow) pasteEnabled() bool {
	o := fl.opts
	return o.NoOpen && o.IO.IsStdinTTY() && !o.Credentials.StdinUsed() && o.Admin.AccessToken.File != "-"
}

// readPasted reads pasted redirect URLs, one a line, and submits each to
// the callback server, which checks it as it checks a callback. It ends at
// the end of stdin; reading a terminal, it lasts as long as the process.
func (fl *flow) readPasted(srv *loopback.Server) {
	sc := bufio.NewScanner(fl.opts.IO.In)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		params, err := fl.pastedParams(line)
		if err == nil {
			err = srv.Submit(params)
		}
		if err != nil {
			fl.stderr.printf("The pasted URL was refused: %s. Still waiting: paste the address the browser ends on, or complete the sign-in in a browser here.\n", strings.TrimSuffix(err.Error(), "."))
		}
	}
}

// pastedParams returns the callback parameters of a pasted redirect URL,
// which must be the redirect URL with its query (or, for
// --response-mode fragment, its fragment).
func (fl *flow) pastedParams(line string) (url.Values, error) {
	u, err := url.Parse(line)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("it is not a URL")
	}
	r := fl.opts.redirect
	if u.Path != r.Path || !strings.EqualFold(u.Port(), r.Port()) {
		return nil, fmt.Errorf("it is not the redirect URL %s", r)
	}
	if fl.opts.ResponseMode == loopback.ModeFormPost {
		return nil, errors.New("with --response-mode form_post, the answer is in a form, not in the URL; use the default response mode to paste the URL")
	}
	params := u.Query()
	if fl.opts.ResponseMode == loopback.ModeFragment && u.Fragment != "" {
		if params, err = url.ParseQuery(u.Fragment); err != nil {
			return nil, errors.New("its fragment cannot be read")
		}
	}
	return params, nil
}

// complete turns a callback into tokens: it reports an error callback,
// exchanges the code with the PKCE verifier, and verifies the ID token.
func (fl *flow) complete(ctx context.Context, a attempt, params url.Values) (*shared.Token, error) {
	if e := params.Get("error"); e != "" {
		return nil, &authorizationError{params: params, redirect: fl.opts.redirect.String()}
	}
	if params.Get("state") != a.state {
		// The loopback server checks this already; headless mode relies
		// on it here.
		return nil, errors.New("the callback's state does not match the one sent; refusing it")
	}
	code := params.Get("code")
	if code == "" {
		return nil, errors.New("the callback carries no authorization code")
	}
	// Spent once: a code is single-use, and Hydra revokes the tokens of a
	// code spent twice.
	t, err := fl.session.Token(ctx, shared.AuthorizationCode(code, a.verifier, fl.conf.RedirectURL))
	if err != nil {
		if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("exchanging the authorization code: %w", err)
		}
		return nil, timeoutOr(ctx, fl.opts, err)
	}
	tok := t.OAuth2
	if id, _ := tok.Extra("id_token").(string); id != "" {
		if fl.verifier == nil {
			return nil, errors.New("the server returned an ID token although the openid scope was not requested; refusing an ID token that cannot be verified")
		}
		if err := fl.verifier.verify(ctx, id, a.nonce, tok.AccessToken); err != nil {
			return nil, timeoutOr(ctx, fl.opts, err)
		}
	}
	return t, nil
}

// authorizationError is an error callback: the authorization server, or the
// person, refused.
type authorizationError struct {
	params   url.Values
	redirect string
}

func (e *authorizationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "authorization failed: %s", e.params.Get("error"))
	if d := e.params.Get("error_description"); d != "" {
		fmt.Fprintf(&b, ": %s", d)
	}
	if h := e.params.Get("error_hint"); h != "" && !strings.Contains(e.params.Get("error_description"), h) {
		fmt.Fprintf(&b, "\nhint: %s", h)
	}
	switch e.params.Get("error") {
	case "access_denied":
		b.WriteString("\nThe person or the consent app refused the request; run the command again to retry.")
	case "invalid_scope":
		b.WriteString("\nThe client may not request these scopes: check --scope against the client's scope.")
	case "unauthorized_client":
		b.WriteString("\nThe client may not use this flow: it needs grant type authorization_code and response type code.")
	case "login_required", "consent_required", "interaction_required":
		b.WriteString("\n--prompt none needs an existing session; run without it.")
	case "invalid_request":
		if strings.Contains(e.params.Get("error_description"), "redirect") {
			fmt.Fprintf(&b, "\nThe client does not allow the redirect URL %s: add it to the client's redirect_uris, or pass the one it allows with --redirect (and --port).", e.redirect)
		}
	}
	return b.String()
}

// timeoutOr turns the end of the flow's deadline into a message that says
// what was waited for.
func timeoutOr(ctx context.Context, o *Options, err error) error {
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	if ctx.Err() == context.DeadlineExceeded {
		what := "the authorization callback on " + o.redirect.String()
		if o.Headless {
			what = "the headless flow"
		}
		if o.Headless {
			return fmt.Errorf("timed out after %s waiting for %s\nTo wait longer, raise --timeout %s", o.Timeout, what, o.Timeout)
		}
		return fmt.Errorf("timed out after %s waiting for %s\nIf the browser shows an error page, check that the client allows the redirect URL %s; to wait longer, raise --timeout %s", o.Timeout, what, o.redirect, o.Timeout)
	}
	return err
}

func joinPath(base *url.URL, p string) string {
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawPath = ""
	return u.String()
}

// maxReasonLen bounds an error quoted inside a sentence, on the callback
// page or in the note that no browser could be opened.
const maxReasonLen = 200

// noteWriter writes notes for the person on stderr, unless --quiet.
type noteWriter struct {
	io    *iostreams.IOStreams
	quiet bool
	mu    *sync.Mutex
}

func (n *noteWriter) notef(format string, args ...any) {
	if n.quiet {
		return
	}
	n.printf(format, args...)
}

// printf writes to stderr even with --quiet.
func (n *noteWriter) printf(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fmt.Fprintf(n.io.ErrOut, format, args...)
}
