package root

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// The token verbs that Hydra v1's CLI had print its confirmation lines on
// stdout (issue 24); -q, this tool's flag, keeps the tool's own stdout: the
// client ID of a deletion, nothing for a revocation or a flush. The notes
// stay on stderr.
func TestV1TokenLines(t *testing.T) {
	const tok = "tok-7c1e"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/oauth2/revoke" && r.FormValue("token") == tok:
			w.WriteHeader(http.StatusOK)
		case r.URL.Path == "/admin/oauth2/tokens" && r.Method == http.MethodDelete && r.URL.Query().Get("client_id") == "c1":
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/admin/clients/c1":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"client_id":"c1"}`))
		case r.URL.Path == "/oauth2/flush" && r.Method == http.MethodPost:
			// Hydra v1: flush at the root of the admin API.
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		argv               []string
		want, stderrPrefix string
	}{
		{[]string{"token", "revoke", tok}, "Revoked OAuth 2.0 Access Token: " + tok + "\n", "Hydra accepted the revocation"},
		{[]string{"token", "revoke", "-q", tok}, "", "Hydra accepted the revocation"},
		{[]string{"token", "delete", "--client-id", "c1"}, "Successfully deleted access tokens for client c1\n", "Deleted every access and refresh token of client c1."},
		{[]string{"token", "delete", "-q", "--client-id", "c1"}, "c1\n", ""},
		{[]string{"delete", "access-tokens", "c1"}, "ID\tc1\t\n", "Deleted every access and refresh token of client c1."},
		{[]string{"token", "flush", "--api-version", "v1"}, "Successfully flushed inactive access tokens\n", "Flushed expired access and refresh tokens"},
		{[]string{"token", "flush", "--api-version", "v1", "-q"}, "", ""},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{
				"HYDRA_URL": srv.URL, "HYDRA_ADMIN_URL": "", "OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": "s",
			})
			if tc.argv[0] != "token" || tc.argv[1] != "revoke" {
				f, _, stdout, stderr = cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
			}
			if code := Execute(context.Background(), f, tc.argv); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout.String() != tc.want {
				t.Errorf("stdout = %q, want %q", stdout, tc.want)
			}
			if !strings.HasPrefix(stderr.String(), tc.stderrPrefix) || (tc.stderrPrefix == "" && stderr.Len() > 0) {
				t.Errorf("stderr = %q, want it to start with %q", stderr, tc.stderrPrefix)
			}
			if strings.Contains(stderr.String(), tok) {
				t.Errorf("stderr shows the token: %q", stderr)
			}
		})
	}
}

// Against Hydra v2, which has no flush endpoint, "token flush" prints
// nothing on stdout and fails, as before.
func TestV1FlushAgainstV2(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
	if code := Execute(context.Background(), f, []string{"token", "flush", "--api-version", "v2"}); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "janitor") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}
