package user

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

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
	// viaEndpoint, under --issuer, are the base URLs (the issuer, Hydra's
	// public URL) that the headless flow reaches through base instead.
	viaEndpoint []*url.URL
	// current is the authorization URL of the attempt in progress, which
	// the welcome page links to.
	current struct {
		sync.Mutex
		url string
	}
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
	// in. Without the openid scope there is no ID token to verify, but
	// under --issuer the document still says where Hydra sends browsers.
	if openid := slices.Contains(opts.Scopes, "openid"); openid || opts.Issuer != "" {
		public := fl.session.API
		if fl.verifier, err = newIDTokenVerifier(ctx, public, base, fl.session.Auth.ClientID, opts.Issuer); err != nil {
			return timeoutOr(ctx, opts, err)
		}
		if opts.Issuer != "" {
			if err := fl.useIssuer(fl.verifier); err != nil {
				return err
			}
		}
		if !openid {
			fl.verifier = nil
		}
	}

	if opts.State != "" {
		fl.stderr.printf("warning: --state sends the same state every time: a forged callback that carries it is accepted. Use it for tests only.\n")
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
	if fl.opts.State != "" {
		a.state = fl.opts.State
	}
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

func joinPath(base *url.URL, p string) string {
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawPath = ""
	return u.String()
}

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
