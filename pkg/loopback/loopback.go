// Package loopback is the redirect endpoint of an OAuth 2.0 authorization
// code flow run from a command line (RFC 8252 §7.3): a small HTTP server on
// 127.0.0.1 that waits for the browser to come back with a code.
//
// It is strict where a forged or stray request could otherwise end the flow:
// it listens on the loopback interface only, serves only the callback path,
// checks the Host header, and answers a callback whose state is missing or
// wrong with 400 while it keeps waiting for the real one.
package loopback

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// BindHost is the only address the server listens on. Binding every
// interface, as Hydra's own CLI does, lets anyone on the network deliver a
// callback.
const BindHost = "127.0.0.1"

// Response modes the server understands (OpenID Connect's response_mode).
const (
	ModeQuery    = "query"
	ModeFragment = "fragment"
	ModeFormPost = "form_post"
)

// ErrPortInUse is returned by Listen when another program holds the port.
var ErrPortInUse = errors.New("the port is in use")

// Options configures Listen.
type Options struct {
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int

	// Path is the callback path, such as "/callback".
	Path string

	// Mode is how the authorization server returns the answer: ModeQuery
	// (the default), ModeFragment or ModeFormPost.
	Mode string

	// TLS, when set, makes the server speak HTTPS with this configuration.
	TLS *tls.Config

	// Pages, when set, serves the requests for other paths than the
	// callback's, such as the login and consent pages of a development
	// Hydra whose urls.login and urls.consent point here. They get the
	// same Host check and security headers; a page that posts a form
	// sets its own Content-Security-Policy.
	Pages http.Handler
}

// Callback is one callback that carried the expected state: either a code or
// an error from the authorization server.
type Callback struct {
	// Params are the callback's parameters: code and state, or error,
	// error_description, error_hint and state.
	Params url.Values

	reply chan Outcome
}

// Code returns the authorization code, or "" for an error callback.
func (c *Callback) Code() string { return c.Params.Get("code") }

// Error returns the error parameter, or "" when the callback has a code.
func (c *Callback) Error() string { return c.Params.Get("error") }

// Reply ends the browser's wait with a page that states the outcome. It must
// be called exactly once for each Callback that Wait returns.
func (c *Callback) Reply(o Outcome) {
	select {
	case c.reply <- o:
	default:
	}
}

// Outcome is what the page shown in the browser says.
type Outcome struct {
	// OK says whether tokens were obtained.
	OK bool
	// Message is one or two sentences for the person at the browser. It
	// never carries a token.
	Message string
	// NextURL, when set, is offered as a link to start another attempt.
	NextURL string
}

// Server is a running callback server.
type Server struct {
	opts     Options
	listener net.Listener
	srv      *http.Server
	scheme   string

	mu        sync.Mutex
	state     string
	callbacks chan *Callback // holds the one valid callback of the attempt
	accepted  bool           // a valid callback was taken for the current state
	serveErr  chan error
	closing   chan struct{}
	closeOnce sync.Once
}

// Listen binds 127.0.0.1:opts.Port and starts serving. Call Close when done.
func Listen(opts Options) (*Server, error) {
	if opts.Path == "" || opts.Path[0] != '/' {
		return nil, fmt.Errorf("the callback path %q must start with /", opts.Path)
	}
	switch opts.Mode {
	case "":
		opts.Mode = ModeQuery
	case ModeQuery, ModeFragment, ModeFormPost:
	default:
		return nil, fmt.Errorf("unknown response mode %q: want %s, %s or %s", opts.Mode, ModeQuery, ModeFragment, ModeFormPost)
	}
	addr := net.JoinHostPort(BindHost, strconv.Itoa(opts.Port))
	l, err := net.Listen("tcp4", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("cannot listen on %s: %w", addr, ErrPortInUse)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	s := &Server{opts: opts, listener: l, scheme: "http", serveErr: make(chan error, 1), closing: make(chan struct{})}
	if opts.TLS != nil {
		s.scheme = "https"
		l = tls.NewListener(l, opts.TLS)
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// A browser that keeps a connection open must not hold up Close.
		IdleTimeout: 5 * time.Second,
		// A browser that refuses the self-signed certificate of --https
		// would otherwise log a handshake error on stderr.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { s.serveErr <- s.srv.Serve(l) }()
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() *net.TCPAddr { return s.listener.Addr().(*net.TCPAddr) }

// URL returns the callback URL, such as http://127.0.0.1:4446/callback.
func (s *Server) URL() string {
	return fmt.Sprintf("%s://%s%s", s.scheme, s.listener.Addr().String(), s.opts.Path)
}

// Expect sets the state that the next callback must carry, and opens the
// server for exactly one valid callback with it. Each attempt has its own
// state.
func (s *Server) Expect(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = state
	s.accepted = false
	// Buffered, so that a browser faster than the caller's Wait is not
	// turned away.
	s.callbacks = make(chan *Callback, 1)
}

// Wait blocks until a callback with the expected state arrives, or ctx ends.
// Callbacks with a missing or wrong state are answered with 400 and do not
// end the wait.
func (s *Server) Wait(ctx context.Context) (*Callback, error) {
	s.mu.Lock()
	ch := s.callbacks
	s.mu.Unlock()
	if ch == nil {
		return nil, errors.New("loopback: Wait called before Expect")
	}
	select {
	case cb := <-ch:
		return cb, nil
	case err := <-s.serveErr:
		return nil, fmt.Errorf("the callback server stopped: %w", err)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close shuts the server down, letting a page being written finish, for at
// most a few seconds.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return s.srv.Close()
	}
	return err
}

// allowedHost reports whether a Host header names this server. A page on
// another origin that resolves its own name to 127.0.0.1 (DNS rebinding)
// sends its own name, and is refused.
func (s *Server) allowedHost(host string) bool {
	port := strconv.Itoa(s.Addr().Port)
	return host == net.JoinHostPort(BindHost, port) || strings.EqualFold(host, net.JoinHostPort("localhost", port))
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'")

	if !s.allowedHost(r.Host) {
		s.page(w, http.StatusBadRequest, pageData{Title: "Request refused", Message: "This server answers only to 127.0.0.1 and localhost."})
		return
	}
	if r.URL.Path != s.opts.Path && s.opts.Pages != nil {
		s.opts.Pages.ServeHTTP(w, r)
		return
	}
	if r.URL.Path != s.opts.Path {
		s.page(w, http.StatusNotFound, pageData{Title: "Not found", Message: "This server only receives the authorization callback."})
		return
	}
	var params url.Values
	switch {
	case r.Method == http.MethodGet:
		params = r.URL.Query()
		if len(params) == 0 && s.opts.Mode == ModeFragment {
			s.fragmentRelay(w)
			return
		}
	case r.Method == http.MethodPost && s.opts.Mode == ModeFormPost:
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			s.page(w, http.StatusBadRequest, pageData{Title: "Callback refused", Message: "The callback's form could not be read."})
			return
		}
		params = r.PostForm
	default:
		h.Set("Allow", s.allowedMethods())
		s.page(w, http.StatusMethodNotAllowed, pageData{Title: "Method not allowed", Message: "The callback takes " + s.allowedMethods() + "."})
		return
	}

	cb, refusal := s.accept(params)
	if cb == nil {
		if refusal != msgCompleted {
			refusal += " It was ignored, and the command is still waiting."
		}
		s.page(w, http.StatusBadRequest, pageData{Title: "Callback refused", Message: refusal})
		return
	}
	var o Outcome
	select {
	case o = <-cb.reply:
	case <-s.closing:
		o = Outcome{Message: "The command stopped before it could complete the sign-in. The terminal has the details."}
	case <-r.Context().Done():
		return
	}
	title := "Signed in"
	if !o.OK {
		title = "Sign-in failed"
	}
	s.page(w, http.StatusOK, pageData{Title: title, Message: o.Message, OK: o.OK, NextURL: o.NextURL})
}

const msgCompleted = "This authorization has already been completed."

// accept takes a callback's parameters if they carry the expected state and
// a code or an error, and hands the Callback to Wait. Otherwise it returns
// nil and why, in a sentence.
func (s *Server) accept(params url.Values) (*Callback, string) {
	s.mu.Lock()
	state, ch, accepted := s.state, s.callbacks, s.accepted
	valid := state != "" && params.Get("state") == state && !accepted
	if valid {
		if params.Get("code") == "" && params.Get("error") == "" {
			valid = false
		} else {
			s.accepted = true
		}
	}
	s.mu.Unlock()
	if !valid {
		switch {
		case accepted && params.Get("state") == state:
			return nil, msgCompleted
		case params.Get("state") == state && state != "":
			return nil, "This callback carries neither a code nor an error."
		}
		return nil, "This callback does not belong to the authorization in progress: its state is missing or wrong."
	}
	cb := &Callback{Params: params, reply: make(chan Outcome, 1)}
	ch <- cb // never blocks: one valid callback per Expect, and room for one
	return cb, ""
}

// Submit delivers a callback that reached the command another way, such as
// the final redirect URL pasted by a person whose browser runs on another
// machine. It gets the same checks as a callback over HTTP: the expected
// state, once, with a code or an error; Wait then returns it. Its Reply goes
// nowhere. The error says why it was refused.
func (s *Server) Submit(params url.Values) error {
	if cb, refusal := s.accept(params); cb == nil {
		return errors.New(refusal)
	}
	return nil
}

func (s *Server) allowedMethods() string {
	if s.opts.Mode == ModeFormPost {
		return "GET, POST"
	}
	return "GET"
}

type pageData struct {
	Title   string
	Message string
	OK      bool
	NextURL string
	Nonce   string
}

// The page states the outcome in words, and never shows a token: a
// screenshot or a shared screen must not leak one.
// The templates are parsed on first use, not at start-up: most runs of the
// tool never serve a page.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageHTML))
})

const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} – hydra</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;line-height:1.5}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p>
{{if .OK}}<p>You can close this window and return to the terminal.</p>{{end}}
{{if .NextURL}}<p><a href="{{.NextURL}}">Start another authorization</a></p>{{end}}
</body></html>
`

func (s *Server) page(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTemplate().Execute(w, d)
}

// fragmentRelay serves, for response_mode=fragment, a page whose script
// moves the parameters from the URL's fragment, which browsers never send,
// into the query of the same path, where the server can read them.
var relayTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("relay").Parse(relayHTML))
})

const relayHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Completing sign-in – hydra</title></head>
<body><p>Completing sign-in…</p><noscript><p>This step needs JavaScript to read the answer from the URL's fragment.</p></noscript>
<script nonce="{{.Nonce}}">
if (location.hash.length > 1) { location.replace(location.pathname + "?" + location.hash.substring(1)); }
else { document.body.textContent = "The authorization server's answer is missing."; }
</script></body></html>
`

func (s *Server) fragmentRelay(w http.ResponseWriter) {
	nonce := rand.Text()
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = relayTemplate().Execute(w, pageData{Nonce: nonce})
}
