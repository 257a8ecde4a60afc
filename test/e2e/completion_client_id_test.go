package e2e

import (
	"strings"
	"testing"
)

// Every command that takes a client ID completes it from the admin API:
// the token commands on the public API read the admin API's URL from the
// environment, token delete from its own --endpoint, and Hydra v2's
// "delete access-tokens" takes it as its argument.
func TestTokenCommandsCompleteClientIDs(t *testing.T) {
	c, err := srv.CreateClient(map[string]any{"client_id": "tok-complete-1", "client_name": "Token completion", "token_endpoint_auth_method": "none"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hydra(t, "client", "delete", c.ClientID) })
	for _, argv := range [][]string{
		{"__complete", "token", "client", "--client-id", "tok-complete"},
		{"__complete", "token", "refresh", "--client-id", "tok-complete"},
		{"__complete", "token", "revoke", "--client-id", "tok-complete"},
		{"__complete", "token", "user", "--client-id", "tok-complete"},
		{"__complete", "token", "delete", "--client-id", "tok-complete"},
		{"__complete", "perform", "client-credentials", "--client-id", "tok-complete"},
		{"__complete", "delete", "access-tokens", "tok-complete"},
	} {
		r := hydra(t, argv...)
		r.wantCode(t, 0)
		if !strings.HasPrefix(r.Stdout, "tok-complete-1\tToken completion\n:4\n") {
			t.Errorf("%v: completions = %q", argv[1:], r.Stdout)
		}
	}
	// token delete's own --endpoint wins over the environment.
	r := run{Env: map[string]string{"HYDRA_ADMIN_URL": "http://127.0.0.1:1"}}.hydra(t,
		"__complete", "token", "delete", "--endpoint", srv.AdminURL, "--client-id", "tok-complete")
	if !strings.HasPrefix(r.Stdout, "tok-complete-1\t") {
		t.Errorf("token delete --endpoint: completions = %q", r.Stdout)
	}
	// delete access-tokens takes one ID.
	r = hydra(t, "__complete", "delete", "access-tokens", c.ClientID, "")
	if strings.Contains(r.Stdout, "tok-complete-1") {
		t.Errorf("a second ID was offered: %q", r.Stdout)
	}
	// Nothing reachable: nothing offered, nothing printed, exit 0.
	r = run{Env: map[string]string{"HYDRA_ADMIN_URL": "http://127.0.0.1:1"}}.hydra(t, "__complete", "token", "client", "--client-id", "")
	r.wantCode(t, 0)
	if r.Stdout != ":4\n" {
		t.Errorf("completions with no server = %q", r.Stdout)
	}
}
