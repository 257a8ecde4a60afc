// Package user implements "hydra token user": the OAuth 2.0 authorization
// code flow with PKCE, through the browser and a loopback callback server, or
// headless through Hydra's admin API for CI pipelines.
package user

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

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
	// State, when set, is the state of every attempt instead of a fresh
	// random one (Hydra's --state, for tests). The callback must still
	// carry it.
	State string
	// Skip makes the login and consent pages accept a login or consent
	// that Hydra says may be skipped, without asking (Hydra's --skip).
	Skip   bool
	HTTPS  bool
	Quiet  bool
	Format printer.Format

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

	// Style is the output of the spelling the command was called by:
	// Hydra v2's prints its token table, and -q the access token alone
	// (printer.Style.HydraTable).
	Style printer.Style
}

// NewCmdUser builds the command. runF replaces the run function in tests of
// flag parsing.
//
// "token user" is Hydra v1's spelling: its default output is Hydra
// v1.11.10's token lines (printer.Style.HydraV1); --format keeps the
// tool's own shapes.
func NewCmdUser(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdUserStyled(f, runF, printer.Style{HydraV1: true})
}

// NewCmdUserStyled is NewCmdUser with the output of another spelling, such
// as Hydra v2's (see printer.Style).
func NewCmdUserStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
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
			from -e. Hydra sends the browser to its public URL (urls.self.public,
			by default the issuer) during sign-in, and its cookies hold only on one
			host, so under --issuer the browser opens the authorization endpoint
			that the discovery document names, on that public URL. The browser
			must reach it: if only this machine's port-forward does, use
			--headless, or run the browser where the URL resolves. With
			--headless, URLs on the issuer's or the public URL's origin are
			reached through -e.

			Like Hydra's CLI, the command also serves, on the same port, a page
			that links to the authorization URL (/, and /perform-flow, which
			redirects to it), and a login page and a consent page (/login,
			/consent): point a development Hydra's urls.login and urls.consent at
			http://127.0.0.1:<port>/login and /consent to try it with no other
			app. The pages answer Hydra through its admin API, at --admin-endpoint
			(or HYDRA_ADMIN_URL), or else at --endpoint, as Hydra's CLI does with
			its one endpoint for both APIs. With --skip, a login or consent that
			Hydra says may be skipped (the person is remembered) is accepted
			without asking.

			--state sends the same state every time instead of a random one, for
			tests; the callback must still carry it.

			Tokens go to stdout only: by default Hydra v1's lines (Access Token,
			Refresh Token, Expires in, ID Token), or under "perform
			authorization-code" Hydra v2's token table, and with -q there the
			access token alone. The exit code is 0 only when tokens were
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
			if opts.Quiet && opts.Style.Hydra() {
				// Hydra v2's -q wins over --format, which is not read
				// (cmdutil's ParseWithQuiet).
				opts.Format = printer.Format{}
			} else if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			opts.Scopes = cmdutil.SplitList(scopes)
			opts.Audience = cmdutil.SplitList(audience)
			// As in Hydra's CLIs: repeated, comma- or space-separated, sent
			// space-separated (OpenID Connect Core §3.1.2.1).
			opts.Prompt = strings.Join(strings.FieldsFunc(strings.Join(prompts, " "), func(r rune) bool { return r == ',' || unicode.IsSpace(r) }), " ")
			// --timeout is the flow's deadline here; each request keeps the
			// usual per-request limit, within it.
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
	fl.StringVar(&opts.State, "state", "", "Send this fixed `state` instead of a random one (insecure: for tests); the callback must still carry it")
	fl.BoolVar(&opts.Skip, "skip", false, "On the login and consent pages this command serves, accept without asking a login or consent that Hydra says may be skipped")
	fl.BoolVar(&opts.HTTPS, "https", false, "Serve the callback over HTTPS, with a self-signed certificate made at start")
	fl.BoolVar(&opts.Headless, "headless", false, "Run without a browser, accepting login and consent through the admin API (for CI)")
	fl.StringVar(&opts.Subject, "subject", "", "With --headless: the user ID to log in")
	shared.AddAdminAPIFlags(cmd, &opts.Admin, "URL of Hydra's admin API, for --headless and the login and consent pages (default for the pages: --endpoint)")
	// Its own --timeout: the deadline of the whole flow, as a person needs
	// minutes to sign in, not the per-request limit of the other commands.
	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public, cmdutil.OwnTimeout)
	fl.DurationVar(&opts.Timeout, "timeout", DefaultTimeout, "Deadline for the whole flow, from start to tokens")
	cmdutil.AddFormatFlag(cmd, &format, "a readable block of the tokens")
	cachewire.AddFlags(cmd, &opts.Cache)

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
		if o.Skip {
			return cmdutil.FlagErrorf("--skip applies to the login and consent pages of the browser flow; --headless serves none")
		}
	} else if o.Subject != "" {
		return cmdutil.FlagErrorf("--subject applies only with --headless")
	}
	if o.State != "" {
		for _, r := range o.State {
			if r <= ' ' || r == 0x7f {
				return cmdutil.FlagErrorf("--state must be printable, with no spaces")
			}
		}
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
