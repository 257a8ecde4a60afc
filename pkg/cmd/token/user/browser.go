package user

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/loopback"
	"github.com/hydratoken/hydra/pkg/text"
)

// runBrowser is the flow with a person at a browser: it serves the loopback
// callback, opens the authorization page (or prints its URL and, with
// --no-open on a terminal, reads the pasted redirect URL), and completes
// each callback. Under --no-shutdown it runs attempt after attempt.
func (fl *flow) runBrowser(ctx context.Context) error {
	o := fl.opts
	lopts := loopback.Options{Port: o.Port, Path: o.redirect.Path, Mode: o.ResponseMode}
	lopts.Pages = newPages(fl.pagesAdmin(), o.Skip, fl.currentURL, o.redirect.Scheme, &fl.stderr)
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
	fl.setCurrentURL(a.authURL)
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
			fl.setCurrentURL(next.authURL)
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

func (fl *flow) setCurrentURL(u string) {
	fl.current.Lock()
	defer fl.current.Unlock()
	fl.current.url = u
}

func (fl *flow) currentURL() string {
	fl.current.Lock()
	defer fl.current.Unlock()
	return fl.current.url
}

// pagesAdmin returns how the login and consent pages reach the admin API,
// built on first use: --admin-endpoint or HYDRA_ADMIN_URL when set, or
// else --endpoint, as Hydra's CLI, whose one endpoint serves both APIs
// (Ory Network, or Hydra behind one host with the admin API under
// /admin).
func (fl *flow) pagesAdmin() func() (*api.Client, error) {
	o := fl.opts
	return sync.OnceValues(func() (*api.Client, error) {
		if o.Admin.Known(o.Factory) {
			return o.Admin.Client(o.Factory, &o.Conn, fl.session.API, o.Quiet)
		}
		admin := cmdutil.Admin{Conn: cmdutil.Connection{Headers: o.Conn.Headers, Timeout: o.Conn.Timeout}, AccessToken: o.Admin.AccessToken, Quiet: o.Quiet}
		return admin.ClientFor(o.Factory, fl.session.API.HTTP, "--endpoint", fl.base.String())
	})
}
