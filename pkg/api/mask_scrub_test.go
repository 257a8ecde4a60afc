package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A proxy's error page that echoes the request never carries its secrets
// into our messages.
func TestErrorsScrubEchoedSecrets(t *testing.T) {
	const (
		token  = "tok-SECRET-0123456789"
		secret = "cs SECRET:%+& 0123"
		bearer = "bearer-SECRET-0123456789"
	)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, 4096)
		n, _ := r.Body.Read(body)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		// Echo everything, decoded, as a careless proxy page might.
		form, _ := url.ParseQuery(string(body[:n]))
		w.Write([]byte("<p>bad gateway for " + r.Header.Get("Authorization") + " " + form.Encode() + " " + form.Get("token") + " " + form.Get("client_secret") + " " + string(body[:n]) + "</p>"))
	}))
	defer echo.Close()
	u, _ := url.Parse(echo.URL)
	hc, _ := NewHTTPClient(TransportOptions{Timeout: 5 * time.Second})
	c := &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: u, Kind: Admin}, BearerToken: bearer}

	for _, r := range []Request{
		{Method: http.MethodPost, Path: IntrospectPath, Form: url.Values{"token": {token}}},
		{Method: http.MethodPost, Path: "/oauth2/token", Form: url.Values{"grant_type": {"client_credentials"}, "client_secret": {secret}}},
		{Method: http.MethodPost, Path: ClientsPath, JSON: []byte(`{"client_id":"c","client_secret":"` + secret + `"}`)},
	} {
		_, err := c.Do(context.Background(), r)
		if err == nil {
			t.Fatal("want an error")
		}
		for _, s := range []string{token, secret, bearer, url.QueryEscape(secret)} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s %s: the message carries %q:\n%v", r.Method, r.Path, s, err)
			}
		}
		if !strings.Contains(err.Error(), "502") {
			t.Errorf("the message should name the status: %v", err)
		}
	}
}
