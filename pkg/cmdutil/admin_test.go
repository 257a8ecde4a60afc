package cmdutil

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// sentAuthorization sends one request through the admin client that a
// builds and returns the Authorization header the server saw.
func sentAuthorization(t *testing.T, a *Admin, env map[string]string) (string, error) {
	t.Helper()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"active":false}`))
	}))
	defer srv.Close()
	ios, _, _, _ := iostreams.Test()
	env["HYDRA_ADMIN_URL"] = srv.URL
	f := &Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}
	a.Conn.Kind = api.Admin
	client, err := a.Client(f)
	if err != nil {
		return "", err
	}
	if _, err := client.Introspect(context.Background(), "t", nil); err != nil {
		t.Fatal(err)
	}
	return got, nil
}

// A flag always wins over the environment: -H 'Authorization: ...' is sent
// as given, whatever OAUTH2_ACCESS_TOKEN holds (issue 11, point 9).
func TestAdminHeaderFlagWinsOverEnvironment(t *testing.T) {
	envToken := Secret{Flag: "access-token", Env: EnvAccessToken}
	got, err := sentAuthorization(t, &Admin{Conn: Connection{Headers: []string{"Authorization: Bearer from-flag"}}, AccessToken: envToken},
		map[string]string{EnvAccessToken: "from-env"})
	if err != nil || got != "Bearer from-flag" {
		t.Errorf("Authorization = %q, err %v; want the -H value", got, err)
	}
	got, err = sentAuthorization(t, &Admin{AccessToken: envToken}, map[string]string{EnvAccessToken: "from-env"})
	if err != nil || got != "Bearer from-env" {
		t.Errorf("without -H: Authorization = %q, err %v; want the environment's token", got, err)
	}
	_, err = sentAuthorization(t, &Admin{Conn: Connection{Headers: []string{"authorization: Basic x"}}, AccessToken: Secret{Flag: "access-token", Value: "v"}}, map[string]string{})
	if err == nil || ExitCodeOf(err) != ExitUsage || !strings.Contains(err.Error(), "give only one of --access-token and -H") {
		t.Errorf("--access-token with -H Authorization: err = %v, want a usage error", err)
	}
}

func TestAdminClientFor(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	env := map[string]string{EnvURL: "http://127.0.0.1:4444"}
	f := &Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}
	a := &Admin{Conn: Connection{Kind: api.Public}}
	// HYDRA_URL names the public API here: it is not the admin API.
	_, err := a.ClientFor(f, http.DefaultClient, "--admin-endpoint", "")
	if err == nil || !strings.Contains(err.Error(), "pass --admin-endpoint or set HYDRA_ADMIN_URL") {
		t.Errorf("err = %v", err)
	}
	env[EnvAdminURL] = "http://127.0.0.1:4445/"
	c, err := a.ClientFor(f, http.DefaultClient, "--admin-endpoint", "")
	if err != nil || c.BaseURL.String() != "http://127.0.0.1:4445/" || c.Kind != api.Admin || c.HTTP != http.DefaultClient {
		t.Errorf("client %+v, err %v", c, err)
	}
	c, err = a.ClientFor(f, nil, "--admin-endpoint", "http://127.0.0.1:5445")
	if err != nil || c.BaseURL.Host != "127.0.0.1:5445" || c.Source != "--admin-endpoint" {
		t.Errorf("client %+v, err %v", c, err)
	}
}
