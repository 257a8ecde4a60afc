package cmdutil

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Hydra's client gets the -H headers; a third party's never does. Both
// trace with -v, and both refuse an unreadable --ca-cert as a usage error.
func TestHTTPClientAndThirdPartyHTTPClient(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("X-Hydra-Only"))
	}))
	defer srv.Close()

	c := Connection{Headers: []string{"X-Hydra-Only: yes"}, Verbose: true}
	for _, tc := range []struct {
		name  string
		build func(*Factory) (*http.Client, error)
		want  string
	}{
		{"Hydra", c.HTTPClient, "yes"},
		{"third party", c.ThirdPartyHTTPClient, ""},
	} {
		f, ios := testFactory(nil)
		errOut := ios.ErrOut.(interface{ String() string })
		client, err := tc.build(f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp.Body.Close()
		if got[len(got)-1] != tc.want {
			t.Errorf("%s: X-Hydra-Only %q, want %q", tc.name, got[len(got)-1], tc.want)
		}
		if !strings.Contains(errOut.String(), srv.URL) {
			t.Errorf("%s: -v traced nothing: %q", tc.name, errOut.String())
		}
	}

	bad := Connection{CACert: t.TempDir() + "/missing.pem"}
	f, _ := testFactory(nil)
	for name, build := range map[string]func(*Factory) (*http.Client, error){"Hydra": bad.HTTPClient, "third party": bad.ThirdPartyHTTPClient} {
		var fe *FlagError
		if _, err := build(f); !errors.As(err, &fe) {
			t.Errorf("%s: an unreadable --ca-cert gave %v, want a usage error", name, err)
		}
	}
}
