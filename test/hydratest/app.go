package hydratest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// DefaultSubject is the user the login app logs in, unless told otherwise.
const DefaultSubject = "e2e-user@example.com"

// LoginConsentApp is a minimal login and consent app for Hydra: it logs in
// DefaultSubject (or a subject chosen per client) without asking, and grants
// every requested scope and audience, through the admin API. Consent can be
// denied per client, to test the error path, and remembered per client, to
// test sessions; the app records every login and consent request it sees.
type LoginConsentApp struct {
	URL string

	adminURL string
	// prefix is the admin API's path prefix: "/admin" in Hydra v2, none in
	// Hydra v1.
	prefix string
	srv    *http.Server
	client *http.Client

	mu       sync.Mutex
	deny     map[string]bool
	remember map[string]bool
	subjects map[string]string
	logins   int
	devices  int
	seen     map[string][]FlowRequest
}

// FlowRequest is what the app saw of one login or consent request.
type FlowRequest struct {
	// Kind is "login" or "consent".
	Kind string
	// Subject is the subject Hydra named: for a skipped request, the one
	// it remembers.
	Subject string
	// Skip is Hydra's skip: the user was remembered (login) or had
	// already consented (consent), so nothing would be asked.
	Skip bool
}

func startLoginConsentApp(adminURL, prefix string, client *http.Client) (*LoginConsentApp, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	a := &LoginConsentApp{
		URL:      "http://" + l.Addr().String(),
		adminURL: adminURL,
		prefix:   prefix,
		client:   client,
		deny:     map[string]bool{},
		remember: map[string]bool{},
		subjects: map[string]string{},
		seen:     map[string][]FlowRequest{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("GET /consent", a.consent)
	mux.HandleFunc("GET /logout", a.logout)
	mux.HandleFunc("GET /device", a.device)
	mux.HandleFunc("GET /device/success", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "The device is signed in. You can close this window.")
	})
	mux.HandleFunc("GET /error", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "error: %s: %s", html.EscapeString(r.URL.Query().Get("error")), html.EscapeString(r.URL.Query().Get("error_description")))
	})
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go a.srv.Serve(l)
	return a, nil
}

// Close stops the app.
func (a *LoginConsentApp) Close() { a.srv.Close() }

// DenyConsent makes the app reject consent for clientID with access_denied.
func (a *LoginConsentApp) DenyConsent(clientID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.deny[clientID] = true
}

// SetSubject makes the app log in subject for clientID.
func (a *LoginConsentApp) SetSubject(clientID, subject string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.subjects[clientID] = subject
}

// Remember makes the app accept login and consent for clientID with
// remember: Hydra then keeps a login session (a cookie in the browser) and
// skips the consent that was given before.
func (a *LoginConsentApp) Remember(clientID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.remember[clientID] = true
}

// Requests returns the login and consent requests the app has seen for
// clientID, in order.
func (a *LoginConsentApp) Requests(clientID string) []FlowRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]FlowRequest(nil), a.seen[clientID]...)
}

func (a *LoginConsentApp) record(kind string, req flowRequest) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen[req.Client.ClientID] = append(a.seen[req.Client.ClientID], FlowRequest{Kind: kind, Subject: req.Subject, Skip: req.Skip})
	return a.remember[req.Client.ClientID]
}

// Logins counts the logins the app has accepted.
func (a *LoginConsentApp) Logins() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.logins
}

type flowRequest struct {
	Challenge                    string   `json:"challenge"`
	Subject                      string   `json:"subject"`
	Skip                         bool     `json:"skip"`
	RequestedScope               []string `json:"requested_scope"`
	RequestedAccessTokenAudience []string `json:"requested_access_token_audience"`
	Client                       struct {
		ClientID string `json:"client_id"`
	} `json:"client"`
}

func (a *LoginConsentApp) login(w http.ResponseWriter, r *http.Request) {
	challenge := r.URL.Query().Get("login_challenge")
	var req flowRequest
	if err := a.admin(http.MethodGet, "/oauth2/auth/requests/login?login_challenge="+url.QueryEscape(challenge), nil, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	remember := a.record("login", req)
	a.mu.Lock()
	subject := a.subjects[req.Client.ClientID]
	a.logins++
	a.mu.Unlock()
	if subject == "" {
		subject = DefaultSubject
	}
	if req.Skip {
		subject = req.Subject
	}
	var redirect struct {
		RedirectTo string `json:"redirect_to"`
	}
	body := map[string]any{"subject": subject, "remember": remember}
	if err := a.admin(http.MethodPut, "/oauth2/auth/requests/login/accept?login_challenge="+url.QueryEscape(challenge), body, &redirect); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, redirect.RedirectTo, http.StatusFound)
}

func (a *LoginConsentApp) consent(w http.ResponseWriter, r *http.Request) {
	challenge := r.URL.Query().Get("consent_challenge")
	var req flowRequest
	if err := a.admin(http.MethodGet, "/oauth2/auth/requests/consent?consent_challenge="+url.QueryEscape(challenge), nil, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	remember := a.record("consent", req)
	a.mu.Lock()
	deny := a.deny[req.Client.ClientID]
	a.mu.Unlock()
	var redirect struct {
		RedirectTo string `json:"redirect_to"`
	}
	var err error
	if deny {
		err = a.admin(http.MethodPut, "/oauth2/auth/requests/consent/reject?consent_challenge="+url.QueryEscape(challenge),
			map[string]any{"error": "access_denied", "error_description": "The resource owner denied the request", "error_hint": "The test app denies consent for this client."}, &redirect)
	} else {
		err = a.admin(http.MethodPut, "/oauth2/auth/requests/consent/accept?consent_challenge="+url.QueryEscape(challenge),
			map[string]any{
				"grant_scope":                 req.RequestedScope,
				"grant_access_token_audience": req.RequestedAccessTokenAudience,
				"remember":                    remember,
				"session": map[string]any{
					"id_token": map[string]any{"email": req.Subject},
				},
			}, &redirect)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, redirect.RedirectTo, http.StatusFound)
}

// device is the verification page of the device authorization grant
// (Hydra v25.4 and later, urls.device.verification): it plays the person
// who types the code shown on the device. Hydra passes the user_code of the
// complete verification URL along; a person who opened the plain URL would
// type it in a form, which the test drives by adding user_code itself.
func (a *LoginConsentApp) device(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	challenge, code := q.Get("device_challenge"), q.Get("user_code")
	if challenge == "" || code == "" {
		http.Error(w, "want device_challenge and user_code", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.devices++
	a.mu.Unlock()
	var redirect struct {
		RedirectTo string `json:"redirect_to"`
	}
	if err := a.admin(http.MethodPut, "/oauth2/auth/requests/device/accept?device_challenge="+url.QueryEscape(challenge),
		map[string]any{"user_code": code}, &redirect); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, redirect.RedirectTo, http.StatusFound)
}

// Devices counts the device requests the app has accepted.
func (a *LoginConsentApp) Devices() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.devices
}

func (a *LoginConsentApp) logout(w http.ResponseWriter, r *http.Request) {
	challenge := r.URL.Query().Get("logout_challenge")
	var redirect struct {
		RedirectTo string `json:"redirect_to"`
	}
	if err := a.admin(http.MethodPut, "/oauth2/auth/requests/logout/accept?logout_challenge="+url.QueryEscape(challenge), nil, &redirect); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, redirect.RedirectTo, http.StatusFound)
}

// admin calls the admin API at path, spelled without the /admin prefix of
// Hydra v2, which a.prefix adds.
func (a *LoginConsentApp) admin(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.adminURL+a.prefix+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}
