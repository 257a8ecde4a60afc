package cmdutil

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
)

// The one constructor decides what each target gets: Hydra's APIs get the
// -H headers, and the admin API the bearer token; a server that is not
// Hydra gets neither. Every client traces with -v, and refuses an
// unreadable --ca-cert as a usage error.
func TestConnectSendsWhatTheTargetGets(t *testing.T) {
	type seen struct{ header, auth string }
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{r.Header.Get("X-Hydra-Only"), r.Header.Get("Authorization")})
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)

	c := Connection{Endpoint: srv.URL, Headers: []string{"X-Hydra-Only: yes"}, Verbose: true}
	for _, tc := range []struct {
		name  string
		build func(*Factory) (*api.Client, error)
		want  seen
	}{
		{"Hydra public", func(f *Factory) (*api.Client, error) { pc := c; pc.Kind = api.Public; return pc.Client(f) }, seen{"yes", ""}},
		{"Hydra admin", func(f *Factory) (*api.Client, error) {
			a := Admin{Conn: c, AccessToken: Secret{Value: "bearer-1", Flag: "access-token"}, Quiet: true}
			return a.Client(f)
		}, seen{"yes", "Bearer bearer-1"}},
		{"external", func(f *Factory) (*api.Client, error) {
			return c.External(f, base, ExternalServer{Name: "the issuer", Source: "--jwks-url"})
		}, seen{}},
	} {
		f, ios := testFactory(nil)
		errOut := ios.ErrOut.(interface{ String() string })
		client, err := tc.build(f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, err := client.Do(context.Background(), api.Request{Method: http.MethodDelete, Path: "/x"}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got[len(got)-1] != tc.want {
			t.Errorf("%s: sent %+v, want %+v", tc.name, got[len(got)-1], tc.want)
		}
		if !strings.Contains(errOut.String(), srv.URL) {
			t.Errorf("%s: -v traced nothing: %q", tc.name, errOut.String())
		}
	}

	bad := Connection{Endpoint: srv.URL, CACert: t.TempDir() + "/missing.pem"}
	f, _ := testFactory(nil)
	for name, build := range map[string]func(*Factory) (*api.Client, error){
		"Hydra": bad.Client,
		"external": func(f *Factory) (*api.Client, error) {
			return bad.External(f, base, ExternalServer{Name: "x", Source: "y"})
		},
	} {
		var fe *FlagError
		if _, err := build(f); !errors.As(err, &fe) || !strings.Contains(err.Error(), "--ca-cert") {
			t.Errorf("%s: an unreadable --ca-cert gave %v, want a usage error naming --ca-cert", name, err)
		}
	}
}

// The plain-HTTP warning comes once per host, however many clients a
// command builds.
func TestPlainHTTPWarningOncePerHost(t *testing.T) {
	f, ios := testFactory(nil)
	errOut := ios.ErrOut.(interface{ String() string })
	for _, e := range []string{"http://hydra.example:4445", "http://hydra.example:4445/", "http://other.example"} {
		c := Connection{Kind: api.Admin, Endpoint: e}
		if _, err := c.Client(f); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(errOut.String(), "plain HTTP"); n != 2 {
		t.Errorf("%d warnings, want one per host:\n%s", n, errOut.String())
	}
}
