package user

import (
	"net/url"
	"testing"
)

// Under --issuer, the headless flow reaches URLs on the issuer's and the
// public URL's origin through the endpoint, and leaves others alone.
func TestThroughEndpoint(t *testing.T) {
	mustParse := func(s string) *url.URL {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	fl := &flow{
		base:        mustParse("http://localhost:4444"),
		viaEndpoint: []*url.URL{mustParse("http://127.0.0.1:4444/"), mustParse("https://auth.example.com/hydra")},
	}
	for in, want := range map[string]string{
		"http://127.0.0.1:4444/oauth2/auth?login_verifier=v":     "http://localhost:4444/oauth2/auth?login_verifier=v",
		"http://127.0.0.1:4444":                                  "http://localhost:4444",
		"https://auth.example.com/hydra/oauth2/auth?x=1":         "http://localhost:4444/oauth2/auth?x=1",
		"https://auth.example.com:443/hydra/oauth2/auth":         "http://localhost:4444/oauth2/auth",
		"https://auth.example.com/hydrax/oauth2/auth":            "https://auth.example.com/hydrax/oauth2/auth",
		"https://auth.example.com/oauth2/auth":                   "https://auth.example.com/oauth2/auth",
		"http://127.0.0.1:4455/login?login_challenge=c":          "http://127.0.0.1:4455/login?login_challenge=c",
		"https://127.0.0.1:4444/oauth2/auth":                     "https://127.0.0.1:4444/oauth2/auth",
		"http://127.0.0.1:4446/callback?code=c&state=s":          "http://127.0.0.1:4446/callback?code=c&state=s",
		"http://user:pw@127.0.0.1:4444/oauth2/fallbacks/consent": "http://localhost:4444/oauth2/fallbacks/consent",
	} {
		if got := fl.throughEndpoint(mustParse(in)).String(); got != want {
			t.Errorf("throughEndpoint(%s) = %s, want %s", in, got, want)
		}
	}
}
