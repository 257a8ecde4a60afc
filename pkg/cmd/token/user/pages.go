package user

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/text"
)

// pages serves, beside the callback, what Hydra's own CLI serves on its
// port: a welcome page that links to the authorization URL (/), a
// redirect to it (/perform-flow), and a login page and a consent page
// (/login, /consent), so that a development Hydra whose urls.login and
// urls.consent point at this command can be tried with no other app. Hydra's
// CLI serves them whenever it runs; so does this command, in its browser
// flow, on 127.0.0.1 only (the loopback server checks the Host header).
//
// The login and consent pages read and answer Hydra's requests through the
// admin API. Their forms carry a token that only the page gives: an HMAC,
// under a key made for this run, of the kind of request and its challenge.
// A POST without it, or from another origin, is refused, so that another
// web page cannot accept a login in the person's name.
type pages struct {
	// admin returns the admin API's client, built on first use: most runs
	// never serve a page, and should not resolve the admin API.
	admin func() (*api.Client, error)
	// skip is --skip: accept a login or consent that Hydra says it may
	// skip (it remembers the person, or their consent) without asking.
	skip bool
	// authURL returns the authorization URL of the attempt in progress.
	authURL func() string
	// key is the key of the forms' tokens.
	key []byte
	// scheme is the callback server's, for the Origin check.
	scheme string
	notes  *noteWriter
}

func newPages(admin func() (*api.Client, error), skip bool, authURL func() string, scheme string, notes *noteWriter) *pages {
	return &pages{admin: admin, skip: skip, authURL: authURL, key: []byte(rand.Text()), scheme: scheme, notes: notes}
}

// Paths of the admin API's login and consent requests (Hydra v2).
const (
	loginRequestPath   = "/admin/oauth2/auth/requests/login"
	consentRequestPath = "/admin/oauth2/auth/requests/consent"
	// rememberFor is how long Hydra remembers a login or consent that the
	// person asked it to remember, in seconds, as Hydra's CLI asks.
	rememberFor = 3600
	// maxForm bounds a posted form.
	maxForm = 64 << 10
)

// ServeHTTP implements http.Handler.
func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The loopback server's policy, with forms allowed to post to this
	// page: the redirect that answers a post goes to Hydra, whose origin
	// the page cannot name in advance, so form-action is left open. No
	// script runs (default-src 'none').
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
	switch {
	case r.URL.Path == "/" && r.Method == http.MethodGet:
		p.render(w, http.StatusOK, welcomeTemplate, struct{ URL string }{p.authURL()})
	case r.URL.Path == "/perform-flow" && r.Method == http.MethodGet:
		http.Redirect(w, r, p.authURL(), http.StatusFound)
	case r.URL.Path == "/login" && r.Method == http.MethodGet:
		p.loginGET(w, r)
	case r.URL.Path == "/consent" && r.Method == http.MethodGet:
		p.consentGET(w, r)
	case (r.URL.Path == "/login" || r.URL.Path == "/consent") && r.Method == http.MethodPost:
		p.post(w, r, strings.TrimPrefix(r.URL.Path, "/"))
	case r.URL.Path == "/" || r.URL.Path == "/perform-flow" || r.URL.Path == "/login" || r.URL.Path == "/consent":
		w.Header().Set("Allow", "GET, POST")
		p.fail(w, http.StatusMethodNotAllowed, "This page takes GET, and POST from its own form.")
	default:
		p.fail(w, http.StatusNotFound, "This server serves the authorization callback, and the login and consent pages of a development Hydra.")
	}
}

// flowRequest is the part of Hydra's login and consent requests that the
// pages read; raw is the request as Hydra sent it, shown on the page.
type flowRequest struct {
	Challenge                    string   `json:"challenge"`
	Skip                         bool     `json:"skip"`
	Subject                      string   `json:"subject"`
	RequestedScope               []string `json:"requested_scope"`
	RequestedAccessTokenAudience []string `json:"requested_access_token_audience"`
	LoginSessionID               string   `json:"login_session_id"`
	Client                       struct {
		ClientID   string `json:"client_id"`
		ClientName string `json:"client_name"`
	} `json:"client"`
	raw string
}

// requestPath is the admin API's path of a kind of request, "login" or
// "consent".
func requestPath(kind string) string {
	if kind == "login" {
		return loginRequestPath
	}
	return consentRequestPath
}

// get reads the login or consent request of challenge.
func (p *pages) get(ctx context.Context, kind, challenge string) (*flowRequest, error) {
	admin, err := p.admin()
	if err != nil {
		return nil, err
	}
	resp, err := admin.Do(ctx, api.Request{Method: http.MethodGet, Path: requestPath(kind), Query: url.Values{kind + "_challenge": {challenge}}, Retry: true})
	if err != nil {
		return nil, fmt.Errorf("reading the %s request: %w", kind, err)
	}
	var req flowRequest
	if err := api.DecodeJSON(resp, http.MethodGet, admin.URL(requestPath(kind), nil), &req); err != nil {
		return nil, fmt.Errorf("reading the %s request: %w", kind, err)
	}
	var b bytes.Buffer
	if json.Indent(&b, resp.Body, "", "  ") == nil {
		req.raw = b.String()
	}
	if req.Challenge == "" {
		req.Challenge = challenge
	}
	return &req, nil
}

// answer accepts or rejects the request of challenge (verb "accept" or
// "reject") and returns where Hydra sends the browser next.
func (p *pages) answer(ctx context.Context, kind, verb, challenge string, body any) (string, error) {
	admin, err := p.admin()
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	path := requestPath(kind) + "/" + verb
	resp, err := admin.Do(ctx, api.Request{Method: http.MethodPut, Path: path, Query: url.Values{kind + "_challenge": {challenge}}, JSON: b})
	if err != nil {
		return "", fmt.Errorf("%sing the %s request: %w", verb, kind, err)
	}
	var r struct {
		RedirectTo string `json:"redirect_to"`
	}
	if err := api.DecodeJSON(resp, http.MethodPut, admin.URL(path, nil), &r); err != nil {
		return "", err
	}
	if u, err := url.Parse(r.RedirectTo); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%sing the %s request: Hydra answered no http(s) URL to send the browser to", verb, kind)
	}
	return r.RedirectTo, nil
}

func (p *pages) loginGET(w http.ResponseWriter, r *http.Request) {
	challenge := r.URL.Query().Get("login_challenge")
	if challenge == "" {
		p.fail(w, http.StatusBadRequest, "This page is Hydra's login page: Hydra sends the browser here with a login_challenge.")
		return
	}
	req, err := p.get(r.Context(), "login", challenge)
	if err != nil {
		p.adminFailed(w, err)
		return
	}
	if p.skip && req.Skip {
		// Hydra remembers the person: log them in again as the subject it
		// names, as Hydra's CLI does with --skip.
		to, err := p.answer(r.Context(), "login", "accept", challenge, map[string]any{"subject": req.Subject})
		if err != nil {
			p.adminFailed(w, err)
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	p.render(w, http.StatusOK, loginTemplate, formData{Challenge: challenge, Token: p.token("login", challenge), Request: req})
}

func (p *pages) consentGET(w http.ResponseWriter, r *http.Request) {
	challenge := r.URL.Query().Get("consent_challenge")
	if challenge == "" {
		p.fail(w, http.StatusBadRequest, "This page is Hydra's consent page: Hydra sends the browser here with a consent_challenge.")
		return
	}
	req, err := p.get(r.Context(), "consent", challenge)
	if err != nil {
		p.adminFailed(w, err)
		return
	}
	if p.skip && req.Skip {
		// The person consented before: grant what the client asks again.
		to, err := p.answer(r.Context(), "consent", "accept", challenge, consentGrant(req.RequestedScope, req.RequestedAccessTokenAudience, true))
		if err != nil {
			p.adminFailed(w, err)
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	p.render(w, http.StatusOK, consentTemplate, formData{Challenge: challenge, Token: p.token("consent", challenge), Request: req})
}

func consentGrant(scopes, audience []string, remember bool) map[string]any {
	return map[string]any{
		"grant_scope":                 nonNil(scopes),
		"grant_access_token_audience": nonNil(audience),
		"remember":                    remember,
		"remember_for":                rememberFor,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// post answers the login or consent form.
func (p *pages) post(w http.ResponseWriter, r *http.Request, kind string) {
	if !p.sameOrigin(r) {
		p.fail(w, http.StatusForbidden, "This form was posted from another site, and was refused.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		p.fail(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	f := r.PostForm
	challenge := f.Get("challenge")
	if challenge == "" || !hmac.Equal([]byte(f.Get("token")), []byte(p.token(kind, challenge))) {
		p.fail(w, http.StatusForbidden, "This form was not given by this page, or belongs to another request: open the page again from Hydra.")
		return
	}
	ctx := r.Context()
	remember := f.Get("remember") == "on"
	var (
		to  string
		err error
	)
	switch f.Get("action") {
	case "accept":
		if kind == "login" {
			subject := strings.TrimSpace(f.Get("username"))
			if subject == "" {
				p.fail(w, http.StatusBadRequest, "Give a user name to log in as.")
				return
			}
			if f.Get("revoke-consents") == "on" {
				p.revokeConsents(ctx, subject)
			}
			to, err = p.answer(ctx, kind, "accept", challenge, map[string]any{"subject": subject, "remember": remember, "remember_for": rememberFor})
			break
		}
		// Only what the client asked for can be granted: the form may
		// leave a scope out, not add one.
		var req *flowRequest
		if req, err = p.get(ctx, kind, challenge); err != nil {
			break
		}
		scopes := slices.DeleteFunc(slices.Clone(req.RequestedScope), func(s string) bool { return !slices.Contains(f["scope"], s) })
		to, err = p.answer(ctx, kind, "accept", challenge, consentGrant(scopes, req.RequestedAccessTokenAudience, remember))
	case "deny":
		to, err = p.answer(ctx, kind, "reject", challenge, map[string]any{
			"error": "access_denied", "error_description": "The resource owner denied the request",
		})
	default:
		p.fail(w, http.StatusBadRequest, "The form says neither accept nor deny.")
		return
	}
	if err != nil {
		p.adminFailed(w, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// revokeConsents revokes every consent that subject gave, as the login
// form's "Revoke previous consents" asks. A failure is noted, and the login
// goes on, as in Hydra's CLI.
func (p *pages) revokeConsents(ctx context.Context, subject string) {
	admin, err := p.admin()
	if err == nil {
		err = admin.RevokeConsentSessions(ctx, subject, "", true)
	}
	if err != nil {
		p.notes.printf("error: revoking the previous consents of %s: %s\n", text.OneLine(subject, 200), err)
		return
	}
	p.notes.notef("Revoked every consent that %s gave.\n", text.OneLine(subject, 200))
}

// token is the form token of a request: only this run's pages can make it.
func (p *pages) token(kind, challenge string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(challenge))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sameOrigin reports whether a post comes from this server's own page:
// browsers send Origin with every POST, and Sec-Fetch-Site when they know
// it. The Host header was checked by the loopback server.
func (p *pages) sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	return origin == "" || strings.EqualFold(origin, p.scheme+"://"+r.Host)
}

// adminFailed shows an admin API failure on the page and in the terminal.
func (p *pages) adminFailed(w http.ResponseWriter, err error) {
	var ae *api.Error
	msg := err.Error()
	p.notes.printf("error: %s\n", msg)
	status := http.StatusBadGateway
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		msg += " (Hydra does not know this request any more: start again from the authorization URL.)"
	}
	p.fail(w, status, msg)
}

func (p *pages) fail(w http.ResponseWriter, status int, msg string) {
	p.render(w, status, errorTemplate, struct{ Message string }{msg})
}

func (p *pages) render(w http.ResponseWriter, status int, t func() *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = t().Execute(w, data)
}

// formData is what the login and consent pages show.
type formData struct {
	Challenge string
	Token     string
	Request   *flowRequest
}

// The templates are parsed on first use: most runs serve no page.
// html/template escapes every value for its context.
var (
	welcomeTemplate = pageTemplate("welcome", `<h1>Sign in with Hydra</h1>
<p>This command acts as an OAuth 2.0 client: it asks Hydra for tokens with the authorization code flow.</p>
<p><a href="{{.URL}}">Authorize application</a></p>`)
	loginTemplate = pageTemplate("login", `<h1>Login step</h1>
<p>Client: {{.Request.Client.ClientName}} ({{.Request.Client.ClientID}})</p>
<form action="/login" method="post">
<input type="hidden" name="challenge" value="{{.Challenge}}">
<input type="hidden" name="token" value="{{.Token}}">
<p><label>User name <input type="text" name="username" value="{{if .Request.Skip}}{{.Request.Subject}}{{end}}" required autofocus></label></p>
<p><label><input type="checkbox" name="remember" checked> Remember login</label><br>
<label><input type="checkbox" name="revoke-consents"> Revoke previous consents</label></p>
<button type="submit" name="action" value="accept">Submit</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form>
{{if .Request.Skip}}<p><b>Hydra remembers {{.Request.Subject}}: the login could be skipped (--skip).</b></p>{{else}}<p>Hydra does not remember a login for this browser.</p>{{end}}
<hr><h2>The login request</h2><pre>{{.Request.Raw}}</pre>`)
	consentTemplate = pageTemplate("consent", `<h1>Consent step</h1>
<p>{{.Request.Subject}} is asked to let {{.Request.Client.ClientName}} ({{.Request.Client.ClientID}}) act for them.</p>
<form action="/consent" method="post">
<input type="hidden" name="challenge" value="{{.Challenge}}">
<input type="hidden" name="token" value="{{.Token}}">
{{with .Request.RequestedAccessTokenAudience}}<h2>Requested audiences</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>No token audiences requested.</p>{{end}}
{{with .Request.RequestedScope}}<h2>Requested scopes</h2>{{range .}}<label><input type="checkbox" name="scope" value="{{.}}" checked> {{.}}</label><br>{{end}}{{else}}<p>No scopes requested.</p>{{end}}
<p><label><input type="checkbox" name="remember" checked> Remember consent</label></p>
<button type="submit" name="action" value="accept">Submit</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form>
{{if .Request.Skip}}<p><b>Consent was given before: it could be skipped (--skip).</b></p>{{else}}<p>No previous consent matches, or the client asks again.</p>{{end}}
<hr><h2>The consent request</h2><pre>{{.Request.Raw}}</pre>`)
	errorTemplate = pageTemplate("error", `<h1>Something went wrong</h1><p>{{.Message}}</p>`)
)

// Raw is the request as Hydra sent it, indented, for the page.
func (r *flowRequest) Raw() string { return r.raw }

func pageTemplate(name, body string) func() *template.Template {
	return sync.OnceValue(func() *template.Template {
		return template.Must(template.New(name).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hydra</title>
<style>body{font-family:system-ui,sans-serif;max-width:48em;margin:3em auto;padding:0 1em;line-height:1.5}pre{white-space:pre-wrap;word-break:break-all}</style></head>
<body>` + body + `</body></html>
`))
	})
}
