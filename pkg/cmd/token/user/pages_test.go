package user

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// adminStub is Hydra's admin API for the pages: one login and one consent
// request, and a record of every answer.
type adminStub struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	login    map[string]any
	consent  map[string]any
	answers  []answerCall
	revoked  []string
	failWith int
}

type answerCall struct {
	path, challenge string
	body            map[string]any
}

func newAdminStub(t *testing.T) *adminStub {
	a := &adminStub{t: t,
		login: map[string]any{"challenge": "lc-1", "skip": false, "subject": "",
			"client": map[string]any{"client_id": "app", "client_name": `<script>alert("x")</script>`}},
		consent: map[string]any{"challenge": "cc-1", "skip": false, "subject": "alice",
			"requested_scope": []string{"openid", "offline"}, "requested_access_token_audience": []string{"api"},
			"client": map[string]any{"client_id": "app"}},
	}
	mux := http.NewServeMux()
	get := func(kind string, doc func() map[string]any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			a.mu.Lock()
			fail := a.failWith
			d := doc()
			a.mu.Unlock()
			if fail != 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(fail)
				_, _ = w.Write([]byte(`{"error":"Not Found","error_description":"Unable to locate the resource"}`))
				return
			}
			if r.URL.Query().Get(kind+"_challenge") != d["challenge"] {
				http.Error(w, `{"error":"not_found"}`, http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(d)
		}
	}
	mux.HandleFunc("GET /admin/oauth2/auth/requests/login", get("login", func() map[string]any { return a.login }))
	mux.HandleFunc("GET /admin/oauth2/auth/requests/consent", get("consent", func() map[string]any { return a.consent }))
	answer := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			a.mu.Lock()
			a.answers = append(a.answers, answerCall{path: r.URL.Path, challenge: r.URL.Query().Get(kind + "_challenge"), body: body})
			a.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"redirect_to": "http://hydra.example/oauth2/auth?" + kind + "_verifier=v"})
		}
	}
	for _, kind := range []string{"login", "consent"} {
		for _, verb := range []string{"accept", "reject"} {
			mux.HandleFunc("PUT /admin/oauth2/auth/requests/"+kind+"/"+verb, answer(kind))
		}
	}
	mux.HandleFunc("DELETE /admin/oauth2/auth/sessions/consent", func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.revoked = append(a.revoked, r.URL.Query().Get("subject")+" all="+r.URL.Query().Get("all"))
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

func (a *adminStub) calls() []answerCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]answerCall(nil), a.answers...)
}

// newTestPages returns the pages over the stub, and the stderr they write
// to.
func newTestPages(t *testing.T, a *adminStub, skip bool) (*pages, *bytes.Buffer) {
	t.Helper()
	u, _ := url.Parse(a.srv.URL)
	client := &api.Client{HTTP: a.srv.Client(), Endpoint: api.Endpoint{BaseURL: u, Kind: api.Admin}, Generation: api.V2}
	ios, _, _, errOut := iostreams.Test()
	notes := &noteWriter{io: ios, mu: &sync.Mutex{}}
	return newPages(func() (*api.Client, error) { return client, nil }, skip, func() string { return "http://hydra.example/oauth2/auth?state=s" }, "http", notes), errOut
}

// serve sends one request to the pages as the browser on 127.0.0.1:4446
// would.
func serve(p *pages, method, target string, form url.Values, origin string) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, "http://127.0.0.1:4446"+target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	p.ServeHTTP(w, r)
	return w
}

var hiddenRE = regexp.MustCompile(`name="(challenge|token)" value="([^"]*)"`)

// formFields returns the hidden fields of a page's form.
func formFields(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	if v.Get("challenge") == "" || v.Get("token") == "" {
		t.Fatalf("the page has no form with a challenge and a token:\n%s", page)
	}
	return v
}

func TestPagesLogin(t *testing.T) {
	a := newAdminStub(t)
	p, _ := newTestPages(t, a, false)
	w := serve(p, http.MethodGet, "/login?login_challenge=lc-1", nil, "")
	page := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET /login: %d\n%s", w.Code, page)
	}
	// Hydra's values are escaped: the client's name cannot run a script.
	if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("the client name is not escaped:\n%s", page)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q should allow no script", csp)
	}
	form := formFields(t, page)

	// Without the page's token, from another origin, or with the token of
	// another challenge: refused, and nothing is sent to Hydra.
	forged := url.Values{"challenge": {"lc-1"}, "username": {"mallory"}, "action": {"accept"}}
	if w := serve(p, http.MethodPost, "/login", forged, ""); w.Code != http.StatusForbidden {
		t.Errorf("a post without the token: %d, want 403", w.Code)
	}
	stolen := url.Values{"challenge": {"lc-2"}, "token": {form.Get("token")}, "username": {"mallory"}, "action": {"accept"}}
	if w := serve(p, http.MethodPost, "/login", stolen, ""); w.Code != http.StatusForbidden {
		t.Errorf("a post with another challenge's token: %d, want 403", w.Code)
	}
	good := url.Values{"challenge": {form.Get("challenge")}, "token": {form.Get("token")}, "username": {" alice "}, "remember": {"on"}, "action": {"accept"}}
	if w := serve(p, http.MethodPost, "/login", good, "https://evil.example"); w.Code != http.StatusForbidden {
		t.Errorf("a post from another origin: %d, want 403", w.Code)
	}
	if c := a.calls(); len(c) != 0 {
		t.Fatalf("refused posts reached Hydra: %v", c)
	}

	// The page's own form logs alice in, remembered, and sends the
	// browser where Hydra says.
	w = serve(p, http.MethodPost, "/login", good, "http://127.0.0.1:4446")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "http://hydra.example/oauth2/auth?login_verifier=v" {
		t.Fatalf("accept: %d to %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
	}
	c := a.calls()
	if len(c) != 1 || c[0].path != "/admin/oauth2/auth/requests/login/accept" || c[0].challenge != "lc-1" ||
		c[0].body["subject"] != "alice" || c[0].body["remember"] != true || c[0].body["remember_for"] != float64(3600) {
		t.Errorf("accept sent %+v", c)
	}
}

func TestPagesLoginDenyAndRevoke(t *testing.T) {
	a := newAdminStub(t)
	p, errOut := newTestPages(t, a, false)
	form := formFields(t, serve(p, http.MethodGet, "/login?login_challenge=lc-1", nil, "").Body.String())
	form.Set("action", "deny")
	if w := serve(p, http.MethodPost, "/login", form, ""); w.Code != http.StatusSeeOther {
		t.Fatalf("deny: %d\n%s", w.Code, w.Body)
	}
	form.Set("action", "accept")
	form.Set("username", "bob")
	form.Set("revoke-consents", "on")
	if w := serve(p, http.MethodPost, "/login", form, ""); w.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", w.Code, w.Body)
	}
	c := a.calls()
	if len(c) != 2 || c[0].path != "/admin/oauth2/auth/requests/login/reject" || c[0].body["error"] != "access_denied" ||
		c[1].path != "/admin/oauth2/auth/requests/login/accept" || c[1].body["remember"] != false {
		t.Errorf("answers: %+v", c)
	}
	if len(a.revoked) != 1 || a.revoked[0] != "bob all=true" {
		t.Errorf("revoked: %v", a.revoked)
	}
	if !strings.Contains(errOut.String(), "Revoked every consent that bob gave") {
		t.Errorf("stderr: %s", errOut)
	}
	form.Set("username", " ")
	if w := serve(p, http.MethodPost, "/login", form, ""); w.Code != http.StatusBadRequest {
		t.Errorf("an empty user name: %d, want 400", w.Code)
	}
}

func TestPagesConsentGrantsOnlyWhatWasAsked(t *testing.T) {
	a := newAdminStub(t)
	p, _ := newTestPages(t, a, false)
	w := serve(p, http.MethodGet, "/consent?consent_challenge=cc-1", nil, "")
	page := w.Body.String()
	for _, want := range []string{`name="scope" value="openid" checked`, `name="scope" value="offline" checked`, "<li>api</li>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the consent page lacks %q:\n%s", want, page)
		}
	}
	form := formFields(t, page)
	// The person unchecks offline; a forged extra scope is dropped.
	form["scope"] = []string{"openid", "admin"}
	form.Set("action", "accept")
	if w := serve(p, http.MethodPost, "/consent", form, ""); w.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", w.Code, w.Body)
	}
	c := a.calls()
	if len(c) != 1 || c[0].path != "/admin/oauth2/auth/requests/consent/accept" {
		t.Fatalf("answers: %+v", c)
	}
	if b, _ := json.Marshal(c[0].body["grant_scope"]); string(b) != `["openid"]` {
		t.Errorf("grant_scope = %s, want [openid]", b)
	}
	if b, _ := json.Marshal(c[0].body["grant_access_token_audience"]); string(b) != `["api"]` {
		t.Errorf("grant_access_token_audience = %s, want [api]", b)
	}
	// A login form's token is not a consent form's.
	login := formFields(t, serve(p, http.MethodGet, "/login?login_challenge=lc-1", nil, "").Body.String())
	login.Set("challenge", "cc-1")
	login.Set("action", "accept")
	if w := serve(p, http.MethodPost, "/consent", login, ""); w.Code != http.StatusForbidden {
		t.Errorf("a login token on the consent form: %d, want 403", w.Code)
	}
}

func TestPagesSkip(t *testing.T) {
	a := newAdminStub(t)
	a.login["skip"], a.login["subject"] = true, "alice"
	a.consent["skip"] = true
	// Without --skip, the pages ask anyway, as Hydra's CLI's do.
	p, _ := newTestPages(t, a, false)
	if w := serve(p, http.MethodGet, "/login?login_challenge=lc-1", nil, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "could be skipped") {
		t.Errorf("without --skip: %d\n%s", w.Code, w.Body)
	}
	if len(a.calls()) != 0 {
		t.Fatal("without --skip, nothing is accepted without the person")
	}
	p, _ = newTestPages(t, a, true)
	if w := serve(p, http.MethodGet, "/login?login_challenge=lc-1", nil, ""); w.Code != http.StatusFound {
		t.Errorf("--skip login: %d\n%s", w.Code, w.Body)
	}
	if w := serve(p, http.MethodGet, "/consent?consent_challenge=cc-1", nil, ""); w.Code != http.StatusFound {
		t.Errorf("--skip consent: %d\n%s", w.Code, w.Body)
	}
	c := a.calls()
	if len(c) != 2 || c[0].body["subject"] != "alice" || c[1].body["remember"] != true {
		t.Errorf("--skip answers: %+v", c)
	}
}

func TestPagesOtherPathsAndFailures(t *testing.T) {
	a := newAdminStub(t)
	p, errOut := newTestPages(t, a, false)
	w := serve(p, http.MethodGet, "/", nil, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `href="http://hydra.example/oauth2/auth?state=s"`) {
		t.Errorf("/: %d\n%s", w.Code, w.Body)
	}
	if w := serve(p, http.MethodGet, "/perform-flow", nil, ""); w.Code != http.StatusFound || w.Header().Get("Location") != "http://hydra.example/oauth2/auth?state=s" {
		t.Errorf("/perform-flow: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if w := serve(p, http.MethodGet, "/favicon.ico", nil, ""); w.Code != http.StatusNotFound {
		t.Errorf("/favicon.ico: %d", w.Code)
	}
	if w := serve(p, http.MethodGet, "/login", nil, ""); w.Code != http.StatusBadRequest {
		t.Errorf("/login without a challenge: %d", w.Code)
	}
	if w := serve(p, http.MethodPut, "/login", nil, ""); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT /login: %d", w.Code)
	}
	a.failWith = http.StatusNotFound
	w = serve(p, http.MethodGet, "/login?login_challenge=lc-1", nil, "")
	if w.Code != http.StatusBadGateway || !strings.Contains(w.Body.String(), "start again from the authorization URL") {
		t.Errorf("an unknown challenge: %d\n%s", w.Code, w.Body)
	}
	if !strings.Contains(errOut.String(), "reading the login request") {
		t.Errorf("stderr should say what failed: %s", errOut)
	}

	// An admin API that cannot be reached: the page says so.
	p2, _ := newTestPages(t, a, false)
	p2.admin = func() (*api.Client, error) { return nil, errors.New("no admin API") }
	if w := serve(p2, http.MethodGet, "/consent?consent_challenge=cc-1", nil, ""); w.Code != http.StatusBadGateway || !strings.Contains(w.Body.String(), "no admin API") {
		t.Errorf("no admin API: %d\n%s", w.Code, w.Body)
	}
}

func TestWriteV1Block(t *testing.T) {
	var b bytes.Buffer
	tok := &shared.Token{AccessToken: "AT", Raw: []byte(`{"access_token":"AT","token_type":"bearer","expires_in":3600}`),
		OAuth2: &oauth2.Token{AccessToken: "AT", TokenType: "bearer", Expiry: time.Now().Add(time.Hour)}}
	if err := writeV1Block(&b, tok); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^Access Token:\n\tAT\nRefresh Token:\n\t\nExpires in:\n\t[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [A-Z+-][A-Z0-9]*\nID Token:\n\t<nil>\n\n$`)
	if !want.MatchString(b.String()) {
		t.Errorf("not Hydra v1's token lines:\n%q", b.String())
	}
}
