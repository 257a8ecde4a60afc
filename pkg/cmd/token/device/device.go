// Package device implements "hydra token device" (Hydra v26's "hydra
// perform device-code"): the OAuth 2.0 device authorization grant (RFC
// 8628), for signing in on a machine without a browser, over SSH or in a
// container.
package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// DefaultScopes are Hydra's defaults for perform device-code: a refresh
// token and an ID token.
var DefaultScopes = []string{"offline", "openid"}

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// GrantFlags are the connection, the credentials and --format.
	shared.GrantFlags

	// Issuer, when set, is the issuer that ID tokens must name.
	Issuer   string
	Scopes   []string
	Audience []string
	// DeviceAuthURL is --device-auth-url; empty means the discovery
	// document's device_authorization_endpoint.
	DeviceAuthURL string
	NoOpen        bool
	// Quiet silences notes and the warning about a secret on argv.
	Quiet bool

	// Timeout is the deadline of the whole flow; 0 means the device
	// code's expires_in. Conn.Timeout bounds each request.
	Timeout time.Duration

	// Headless accepts the device request, the login and the consent as
	// Subject through the admin API.
	Headless bool
	Subject  string
	Admin    shared.AdminAPI

	// Cache holds the token cache flags.
	Cache cachewire.Flags

	// Wait waits between polls; nil means shared.SleepCtx. Tests replace
	// it.
	Wait shared.Wait

	// Style is the output of the spelling the command was called by:
	// the zero Style is the tool's own (token device); perform
	// device-code passes Hydra v26's (printer.Style.HydraTable).
	Style printer.Style
}

// NewCmdDevice builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdDevice(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdDeviceStyled(f, runF, printer.Style{})
}

// NewCmdDeviceStyled is NewCmdDevice with the output of another spelling,
// such as Hydra v26's perform device-code (see printer.Style).
func NewCmdDeviceStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	opts.QuietWins = style.Hydra()
	var scopes, audience []string
	// What stdout holds, which differs under Hydra v26's spelling.
	output := text.Doc(`
		Tokens go to stdout only: by default a readable block, or the token
		response in --format. The exit code is 0 only when tokens were
		obtained.
	`)
	formatDefault, quietUsage := "a readable block of the tokens", "Print no notes on stderr; errors, warnings and the URL and code to sign in with still show"
	accessTokenOnly := "--format jsonpath=access_token"
	if style.HydraTable {
		output = text.Doc(`
			Tokens go to stdout only, as Hydra v26's CLI prints them: by default
			and with --format table, a table of ACCESS TOKEN, REFRESH TOKEN, ID
			TOKEN and EXPIRY (<empty> for a missing one); with -q the access token
			alone; in another --format, the token response with "expiry" (RFC
			3339) added. Hydra's CLI drops the ID token from those; this one
			keeps it. The exit code is 0 only when tokens were obtained.

			Under this spelling, a client given a secret with --client-secret or
			--client-secret-file authenticates with client_secret_post, as Hydra's
			CLI does (its clients must use none or client_secret_post), unless
			--auth-method says otherwise.
		`)
		formatDefault = "Hydra's table of the tokens"
		quietUsage = "Print the access token alone, and no notes on stderr; errors, warnings and the URL and code to sign in with still show"
		accessTokenOnly = "-q"
	}

	cmd := &cobra.Command{
		Use:   "device",
		Short: "Get tokens for a person with the device authorization grant",
		Long: text.Docf(`
			Get an access token, a refresh token and an ID token for a person, with
			the OAuth 2.0 device authorization grant (RFC 8628): for a machine
			without a browser, a session over SSH, or a container.

			The command asks Hydra for a device code, prints on stderr the URL to
			open and the code to enter there (and the complete URL, which holds the
			code), opens the complete URL in a browser when one is there
			($BROWSER if set; --no-open to skip), and polls the token endpoint at
			the server's interval until the person has signed in and consented on
			any device. It stops when the person refuses (access_denied), when the
			code expires (expired_token), at --timeout (by default the code's
			lifetime), or on Ctrl-C. The ID token is verified against the issuer's
			keys.

			Hydra has this grant from %[3]s on, with urls.device.verification
			set; the command refuses older servers. The client needs the grant type
			urn:ietf:params:oauth:grant-type:device_code. The device authorization
			endpoint is read from the discovery document, or given with
			--device-auth-url. The client authenticates there as at the token
			endpoint, and its ID is always sent in the form: a public client
			(token_endpoint_auth_method none) needs no secret, and a confidential
			client's secret comes from %[1]s, --client-secret-file or
			--client-secret, or it signs with --private-key.

			%[2]s

			%[4]s

			With --headless --subject ID, nobody signs in: the command opens the
			complete URL itself and accepts the device request, the login and the
			consent for ID through the admin API (--admin-endpoint or
			HYDRA_ADMIN_URL). It is meant for CI pipelines and tests against a
			Hydra you control.

			With --cache (or HYDRA_TOKEN_CACHE=disk), the tokens are kept between
			runs: a fresh access token is printed with no request, an expired one is
			refreshed with the refresh token, and only without one does the person
			sign in again. See docs/token-cache.md.
		`, shared.EnvClientSecret, shared.MethodRule, shared.DeviceGrantVersion, strings.TrimSpace(output)),
		Example: text.Docf(`
			# On a server you reached over SSH: open the printed URL on your laptop
			$ ssh build-box
			$ hydra token device -e https://auth.example.com --client-id my-cli

			# Keep the tokens between runs, and print only the access token:
			$ hydra token device --client-id my-cli --cache %s

			# In CI, without a person:
			$ export HYDRA_URL=http://127.0.0.1:4444 HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra token device --client-id my-cli --headless --subject alice@example.com
		`, accessTokenOnly),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Style.HydraDefaults && !cmd.Flags().Changed("auth-method") && opts.Credentials.PrivateKey == "" &&
				(opts.Credentials.Secret.Value != "" || opts.Credentials.Secret.File != "") {
				// Hydra v26's CLI sends the secret in the form, and its help
				// says that the client must use none or client_secret_post.
				opts.Credentials.AuthMethod = shared.AuthPost
			}
			if err := opts.Prepare(cmd, nil); err != nil {
				return err
			}
			opts.Credentials.Quiet = opts.Quiet
			opts.Scopes = cmdutil.SplitList(scopes)
			opts.Audience = cmdutil.SplitList(audience)
			// --timeout is the flow's deadline here; each request keeps the
			// usual per-request limit, within it.
			opts.Timeout = opts.Conn.Timeout
			opts.Conn.Timeout = cmdutil.DefaultTimeout
			if opts.Timeout > 0 {
				opts.Conn.Timeout = min(cmdutil.DefaultTimeout, opts.Timeout)
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if err := opts.Cache.Validate(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deviceRun(cmd.Context(), opts)
		},
	}

	fl := cmd.Flags()
	// Before the credential flags, which then leave -q to this one.
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, quietUsage)
	shared.AddGrantFlags(cmd, f, &opts.GrantFlags, "Token endpoint `URL` (default: <endpoint>"+api.TokenPath+")", formatDefault)
	if style.HydraDefaults {
		fl.Lookup("auth-method").Usage = "How the client authenticates: " + strings.Join(shared.AuthMethods, ", ") + " (default: " + shared.AuthPrivateKeyJWT + " with --private-key, " + shared.AuthPost + " with a secret flag, as Hydra's CLI, " + shared.AuthBasic + " with " + shared.EnvClientSecret + " alone, else " + shared.AuthNone + ")"
	}
	fl.StringVar(&opts.Issuer, "issuer", "", "The issuer `URL` that ID tokens must name, when Hydra's urls.self.issuer is not --endpoint (behind a port-forward or proxy)")
	fl.StringSliceVar(&scopes, "scope", DefaultScopes, "Scopes to request (repeatable, comma-separated)")
	fl.StringSliceVar(&audience, "audience", nil, "Audiences to request for the access token (repeatable, comma-separated)")
	fl.StringVar(&opts.DeviceAuthURL, "device-auth-url", "", "Device authorization endpoint `URL` (default: the discovery document's, <endpoint>"+shared.DeviceAuthPath+" on Hydra)")
	fl.BoolVar(&opts.NoOpen, "no-open", false, "Do not open a browser; only print the URL and the code on stderr")
	fl.BoolVar(&opts.Headless, "headless", false, "Sign in without a person, accepting the device request, login and consent through the admin API (for CI)")
	fl.StringVar(&opts.Subject, "subject", "", "With --headless: the user ID to log in")
	shared.AddAdminAPIFlags(cmd, &opts.Admin, "With --headless: URL of Hydra's admin API")
	cachewire.AddFlags(cmd, &opts.Cache)

	// The connection flags' --timeout bounds one request; here it is the
	// deadline of the whole flow, as a person needs minutes to sign in.
	t := fl.Lookup("timeout")
	t.Usage = "Deadline for the whole flow, from start to tokens (default: the device code's lifetime, expires_in)"
	t.DefValue = "0s"
	_ = t.Value.Set("0s")
	return cmd
}

// validate checks the flags before anything is sent.
func (o *Options) validate() error {
	if o.Issuer != "" {
		if _, err := cmdutil.ParseHTTPURL("--issuer", o.Issuer, "https://auth.example.com"); err != nil {
			return err
		}
	}
	if o.DeviceAuthURL != "" {
		if _, err := cmdutil.ParseHTTPURL("--device-auth-url", o.DeviceAuthURL, "http://127.0.0.1:4444"+shared.DeviceAuthPath); err != nil {
			return err
		}
	}
	if o.Timeout < 0 {
		return cmdutil.FlagErrorf("--timeout must be positive, such as 5m, or 0 for the device code's lifetime")
	}
	if o.Headless {
		if o.Subject == "" {
			return cmdutil.FlagErrorf("--headless needs --subject: the user ID to log in")
		}
	} else if o.Subject != "" || o.Admin.Endpoint != "" {
		return cmdutil.FlagErrorf("--subject and --admin-endpoint apply only with --headless")
	}
	return nil
}

// flow is one run of the command.
type flow struct {
	opts     *Options
	session  *shared.Session
	verifier *shared.IDTokenVerifier
	mu       sync.Mutex
}

func deviceRun(ctx context.Context, opts *Options) error {
	needEndpoint := opts.DeviceAuthURL == "" || slices.Contains(opts.Scopes, "openid") || opts.Credentials.TokenURL == ""
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, needEndpoint)
	if err != nil {
		return err
	}
	fl := &flow{opts: opts, session: s}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	t, err := fl.cached(ctx)
	if err != nil {
		return err
	}
	return t.Finish()
}

// printed is a token ready to print, and what is left to do after.
type printed struct {
	fl  *flow
	tok *shared.Token
	res *cachewire.Result
}

func (p *printed) Finish() error {
	if err := p.fl.print(p.tok); err != nil {
		return err
	}
	o := p.fl.opts
	return p.res.Finish(o.IO, o.Format)
}

// print writes the tokens to stdout. The tool's own spelling prints a
// readable block by default, or the token response in --format. Under
// Hydra v26's spelling (Style.HydraTable) it prints as Hydra v26's CLI
// prints Go's oauth2.Token: a tab-padded table of ACCESS TOKEN, REFRESH
// TOKEN, ID TOKEN and EXPIRY by default and with --format table, the
// access token alone with -q, and the response with "expiry" added in
// the other formats.
func (fl *flow) print(t *shared.Token) error {
	o := fl.opts
	if o.Style.HydraTable {
		format := o.Format
		format.Hydra = o.Style.HydraPaths
		return shared.PrintTokenWith(o.IO, t, shared.TokenOutput{Format: format, Style: o.Style, Quiet: o.Quiet})
	}
	return shared.PrintTokenView(o.IO, o.Format, t, func(w io.Writer) error {
		return shared.WriteTokenBlock(w, t, time.Now())
	})
}

// cached gets the token through cachewire: straight from the flow without
// --cache; with it, a cached token, a refreshed one, or a new flow. The
// key names the token URL, the client and its credential, the scopes, the
// audience, and --subject in headless mode.
func (fl *flow) cached(ctx context.Context) (*printed, error) {
	o, s := fl.opts, fl.session
	var key *jose.JSONWebKey
	if s.Auth.Key != nil {
		key = &s.Auth.Key.JWK
	}
	res, err := cachewire.Get(ctx, o.Factory, &o.Cache, cachewire.Request{
		Key: tokencache.Key{Issuer: s.TokenURL.String(), ClientID: s.Auth.ClientID, Grant: shared.GrantDeviceCode,
			Scopes: o.Scopes, Audience: o.Audience, Subject: o.Subject,
			Credential: cachewire.Credential(s.Auth.Method, s.Auth.Secret, key)},
		Grant: func(ctx context.Context) ([]byte, error) {
			t, err := fl.run(ctx)
			if err != nil {
				return nil, err
			}
			return t.Raw, nil
		},
		Refresh: s.RefreshRaw,
		Subject: shared.IDTokenSubject,
	})
	if err != nil {
		return nil, err
	}
	return &printed{fl: fl, res: res, tok: &shared.Token{AccessToken: res.Token.AccessToken, Raw: res.Raw, OAuth2: res.OAuth2(), RefreshTokenKept: res.Kept()}}, nil
}

// run is the device flow: discovery, the device authorization request,
// the browser or the headless sign-in, and the polling.
func (fl *flow) run(ctx context.Context) (*shared.Token, error) {
	o, s := fl.opts, fl.session
	deviceURL, err := fl.discover(ctx)
	if err != nil {
		return nil, err
	}
	da, err := s.DeviceAuth(ctx, deviceURL, o.Scopes, o.Audience)
	if err != nil {
		return nil, err
	}
	if o.Timeout == 0 {
		// The code's lifetime: polling after it can only get expired_token.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, da.Expiry)
		defer cancel()
	}
	complete := da.VerificationURIComplete
	if complete == "" {
		complete = withUserCode(da.VerificationURI, da.UserCode)
	}

	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	headless := make(chan error, 1)
	if o.Headless {
		fl.notef("Signing in as %s without a person, through the admin API\n", o.Subject)
		go func() { headless <- fl.signInHeadless(pollCtx, complete, da.UserCode) }()
	} else {
		fl.show(da, complete)
	}

	type result struct {
		tok *shared.Token
		err error
	}
	polled := make(chan result, 1)
	go func() {
		t, err := s.PollDevice(pollCtx, da, o.Wait)
		polled <- result{t, err}
	}()
	var r result
	select {
	case r = <-polled:
	case err := <-headless:
		if err != nil {
			stopPoll()
			<-polled
			return nil, fl.timeoutOr(ctx, da, err)
		}
		r = <-polled
	}
	if r.err != nil {
		return nil, fl.timeoutOr(ctx, da, r.err)
	}
	if err := fl.verify(ctx, r.tok); err != nil {
		return nil, err
	}
	fl.notef("Signed in.\n")
	return r.tok, nil
}

// discover finds the device authorization endpoint, and reads the keys
// that verify the ID token when the openid scope is asked for.
func (fl *flow) discover(ctx context.Context) (*url.URL, error) {
	o, s := fl.opts, fl.session
	openid := slices.Contains(o.Scopes, "openid")
	if openid || o.DeviceAuthURL == "" {
		v, err := shared.NewIDTokenVerifier(ctx, s.API, s.API.BaseURL, s.Auth.ClientID, o.Issuer)
		if err != nil {
			return nil, err
		}
		if openid {
			fl.verifier = v
		}
		if o.DeviceAuthURL == "" {
			if v.DeviceAuthURL == "" {
				wk := strings.TrimSuffix(s.API.BaseURL.String(), "/") + "/.well-known/openid-configuration"
				return nil, shared.NoDeviceGrant(fmt.Sprintf("GET %s lists no device_authorization_endpoint", wk))
			}
			return cmdutil.ParseHTTPURL("the discovery document's device_authorization_endpoint", v.DeviceAuthURL, "http://127.0.0.1:4444"+shared.DeviceAuthPath)
		}
	}
	return cmdutil.ParseHTTPURL("--device-auth-url", o.DeviceAuthURL, "http://127.0.0.1:4444"+shared.DeviceAuthPath)
}

// show prints the URLs and the code on stderr, even with --quiet: without
// them nobody can sign in. Then it opens the complete URL in a browser,
// when there is one.
func (fl *flow) show(da *oauth2.DeviceAuthResponse, complete string) {
	o := fl.opts
	fl.printf("To sign in, open this URL in a browser, on any device, and enter the code %s:\n\n  %s\n\nOr open this URL, which holds the code:\n\n  %s\n\n", da.UserCode, da.VerificationURI, complete)
	left := time.Until(da.Expiry).Round(time.Second)
	if o.Timeout > 0 && o.Timeout < left {
		left = o.Timeout
	}
	fl.notef("Waiting up to %s for the sign-in (Ctrl-C to cancel)\n", left)
	if o.NoOpen || o.Factory.Browser == nil {
		return
	}
	browser := o.Factory.Browser
	go func() {
		if err := browser.Browse(complete); err != nil {
			fl.notef("Could not open a browser (%s): open the URL above.\n", strings.TrimRight(text.OneLine(err.Error(), 200), "."))
		}
	}()
}

// verify checks the ID token, when there is one, as token user does,
// without the nonce, which the device grant does not have.
func (fl *flow) verify(ctx context.Context, t *shared.Token) error {
	id, _ := t.OAuth2.Extra("id_token").(string)
	if id == "" {
		return nil
	}
	if fl.verifier == nil {
		return errors.New("the server returned an ID token although the openid scope was not requested; refusing an ID token that cannot be verified")
	}
	_, err := fl.verifier.Verify(ctx, id, t.AccessToken)
	return err
}

// timeoutOr turns the end of the deadline into a message that says what
// was waited for.
func (fl *flow) timeoutOr(ctx context.Context, da *oauth2.DeviceAuthResponse, err error) error {
	if errors.Is(err, context.Canceled) && ctx.Err() != context.DeadlineExceeded {
		return context.Canceled
	}
	if ctx.Err() == context.DeadlineExceeded {
		if fl.opts.Timeout == 0 {
			return fmt.Errorf("%w before anyone completed the sign-in at %s: run the command again, and sign in before the code expires", shared.ErrDeviceExpired, da.VerificationURI)
		}
		return fmt.Errorf("timed out after %s waiting for the sign-in at %s\nTo wait longer, raise --timeout %s, or pass --timeout 0 to wait as long as the code lives", fl.opts.Timeout, da.VerificationURI, fl.opts.Timeout)
	}
	return err
}

// withUserCode adds user_code to the verification URL, as RFC 8628 §3.3.1
// spells the complete URL, for a server that sends none.
func withUserCode(verification, code string) string {
	u, err := url.Parse(verification)
	if err != nil {
		return verification
	}
	q := u.Query()
	q.Set("user_code", code)
	u.RawQuery = q.Encode()
	return u.String()
}

func (fl *flow) notef(format string, args ...any) {
	if fl.opts.Quiet {
		return
	}
	fl.printf(format, args...)
}

func (fl *flow) printf(format string, args ...any) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fmt.Fprintf(fl.opts.IO.ErrOut, format, args...)
}
