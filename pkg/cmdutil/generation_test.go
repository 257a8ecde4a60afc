package cmdutil

import (
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// --api-version reaches every admin client the connection builds.
func TestAPIVersionReachesTheAdminClient(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	for in, want := range map[string]api.Generation{"": api.GenerationUnknown, "v1": api.V1, "v2": api.V2} {
		a := &Admin{Conn: Connection{Kind: api.Admin, Endpoint: "http://127.0.0.1:4445", APIVersion: in}}
		c, err := a.Client(f)
		if err != nil || c.Generation != want {
			t.Errorf("Admin.Client with --api-version %q: generation %v, %v; want %v", in, c.Generation, err, want)
		}
		c, err = a.Conn.Client(f)
		if err != nil || c.Generation != want {
			t.Errorf("Connection.Client with --api-version %q: generation %v, %v; want %v", in, c.Generation, err, want)
		}
	}
	a := &Admin{Conn: Connection{Kind: api.Admin, Endpoint: "http://127.0.0.1:4445", APIVersion: "v3"}}
	if _, err := a.Client(f); ExitCodeOf(err) != ExitUsage {
		t.Errorf("--api-version v3: %v, want a usage error", err)
	}
}
