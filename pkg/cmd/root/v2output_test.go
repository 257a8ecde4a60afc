package root

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// "revoke token" prints the token it revoked, as Hydra v2's CLI does, in
// each format; "token revoke" prints nothing on stdout. Neither spelling
// shows the token on stderr.
func TestRevokeTokenOutput(t *testing.T) {
	const tok = "tok-3f9a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/revoke" || r.FormValue("token") != tok {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"revoke", "token", tok}, tok + "\n"},
		{[]string{"revoke", "token", "-q", tok}, tok + "\n"},
		{[]string{"revoke", "token", "--format", "json", tok}, `"` + tok + `"` + "\n"},
		{[]string{"revoke", "token", "--format", "json-pretty", tok}, `"` + tok + `"` + "\n"},
		{[]string{"revoke", "token", "--format", "yaml", tok}, tok + "\n"},
		{[]string{"revoke", "token", "--format", "table", tok}, "ID\n" + tok + "\n"},
		{[]string{"token", "revoke", tok}, ""},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": "s"})
			root := NewCmdRoot(f)
			root.SetArgs(tc.argv)
			cmd, err := root.ExecuteC()
			if code := cmdutil.HandleError(stderr, cmd, err); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout.String() != tc.want {
				t.Errorf("stdout = %q, want %q", stdout, tc.want)
			}
			if strings.Contains(stderr.String(), tok) {
				t.Errorf("stderr shows the token: %q", stderr)
			}
		})
	}
}
