package root

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// Hydra v1's no-op flags are accepted, with a note on stderr, and the
// result is unchanged on stdout.
func TestV1NoOpFlags(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"active":true}`))
	}))
	defer srv.Close()
	for _, argv := range [][]string{
		{"token", "introspect", "--client-id", "c", "--client-secret", "s", "--format", "jsonpath=active", "tok"},
		{"--fail-after", "10s", "token", "introspect", "--format", "jsonpath=active", "tok"},
		{"introspect", "token", "--fail-after", "1m", "-q", "tok"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
			root := NewCmdRoot(f)
			root.SetArgs(argv)
			cmd, err := root.ExecuteC()
			if code := cmdutil.HandleError(stderr, cmd, err); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout.String() != "true\n" {
				t.Errorf("stdout = %q", stdout)
			}
			for _, flag := range []string{"client-id", "client-secret", "fail-after"} {
				if strings.Contains(strings.Join(argv, " "), "--"+flag) && !strings.Contains(stderr.String(), "--"+flag+" is deprecated and ignored") {
					t.Errorf("no note about --%s on stderr: %q", flag, stderr)
				}
			}
		})
	}
	// Hidden from help.
	f, _, stdout, _ := cmdtest.Factory(nil)
	root := NewCmdRoot(f)
	root.SetArgs([]string{"token", "introspect", "--help"})
	_ = root.Execute()
	if strings.Contains(stdout.String(), "client-secret") || strings.Contains(stdout.String(), "fail-after") {
		t.Errorf("help shows a no-op flag:\n%s", stdout)
	}
}
