package e2e

import (
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"reflect"
	"regexp"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// TestClientsCreateStoresWhatHydraV1Stores (issue 24): "hydra clients
// create", Hydra v1's spelling, stores the client that Hydra v1.11.10's
// own CLI stores for the same flags: its flags' defaults for the fields not
// given. Both CLIs create a client on the same Hydra v1 server; the two
// clients, fetched back, differ only in what each run generates.
func TestClientsCreateStoresWhatHydraV1Stores(t *testing.T) {
	s := compatServer(t, hydratest.HydraV1)
	bin, err := hydratest.BinaryFor(hydratest.HydraV1)
	if err != nil {
		t.Fatal(err)
	}
	env := compatEnv(s)
	idLine := regexp.MustCompile(`(?m)^OAuth 2\.0 Client ID: (\S+)$`)
	for _, flags := range [][]string{
		nil,
		{"-g", "client_credentials", "-n", "Made"},
		{"-c", "http://127.0.0.1:5555/cb", "-a", "openid,offline", "-r", "code,id_token", "--token-endpoint-auth-method", "client_secret_post"},
		{"--audience", "a,b", "-c", "http://127.0.0.1/cb", "--post-logout-callbacks", "http://127.0.0.1/out", "--allowed-cors-origins", "http://127.0.0.1", "--backchannel-logout-session-required"},
	} {
		args := append([]string{"clients", "create", "--endpoint", s.AdminURL}, flags...)
		theirs := run{}.exec(t, args, func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, bin, args...) })
		mine := run{Env: env}.hydra(t, args...)
		theirs.wantCode(t, 0)
		mine.wantCode(t, 0)
		stored := func(r result) map[string]any {
			t.Helper()
			m := idLine.FindStringSubmatch(r.Stdout)
			if m == nil {
				t.Fatalf("no \"OAuth 2.0 Client ID:\" line in:\n%s", r.Stdout)
			}
			resp, err := s.HTTP.Get(s.AdminURL + s.AdminPrefix() + "/clients/" + m[1])
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			var c map[string]any
			if resp.StatusCode != 200 || json.Unmarshal(body, &c) != nil {
				t.Fatalf("GET client %s: %s %s", m[1], resp.Status, body)
			}
			for _, k := range []string{"client_id", "client_secret", "created_at", "updated_at"} {
				delete(c, k)
			}
			return c
		}
		if want, got := stored(theirs), stored(mine); !reflect.DeepEqual(got, want) {
			t.Errorf("clients create %v stored\n%v\nHydra v1's CLI stored\n%v", flags, got, want)
		}
	}
}
