package root

import (
	"net"
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
		{"introspect", "token", "--fail-after", "1m", "--retries", "1", "-q", "tok"},
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
			// --fail-after means something here: no note.
			if strings.Contains(stderr.String(), "fail-after") {
				t.Errorf("a note about --fail-after on stderr: %q", stderr)
			}
			for _, flag := range []string{"client-id", "client-secret"} {
				if strings.Contains(strings.Join(argv, " "), "--"+flag) && !strings.Contains(stderr.String(), "--"+flag+" is deprecated and ignored") {
					t.Errorf("no note about --%s on stderr: %q", flag, stderr)
				}
			}
		})
	}
	// Hidden from help; --fail-after, which works, is shown.
	f, _, stdout, _ := cmdtest.Factory(nil)
	root := NewCmdRoot(f)
	root.SetArgs([]string{"token", "introspect", "--help"})
	_ = root.Execute()
	if strings.Contains(stdout.String(), "client-secret") {
		t.Errorf("help shows a no-op flag:\n%s", stdout)
	}
	if !strings.Contains(stdout.String(), "--fail-after duration") || strings.Contains(stdout.String(), "Ignored") {
		t.Errorf("help does not show --fail-after as working:\n%s", stdout)
	}
}

// On a command that sends no request, Hydra v1's global --fail-after is
// accepted, with a note that it has nothing to do.
func TestFailAfterOnCommandWithoutRequests(t *testing.T) {
	f, _, stdout, stderr := cmdtest.Factory(nil)
	root := NewCmdRoot(f)
	root.SetArgs([]string{"--fail-after", "1m", "version"})
	cmd, err := root.ExecuteC()
	if code := cmdutil.HandleError(stderr, cmd, err); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "hydra") || !strings.Contains(stderr.String(), "--fail-after is deprecated and ignored: this command sends no request") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

// Against a down server, --fail-after retries, and the command fails with
// the usual error naming the URL: a safe request (introspection) within
// --retries when given, and a token grant, which a refused connection
// proves unsent, within the time alone.
func TestFailAfterAgainstDownServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	for _, tc := range []struct {
		argv     []string
		path     string
		attempts int // 0: bounded by time alone
	}{
		{[]string{"token", "introspect", "--fail-after", "1h", "--retries", "3", "--api-version", "v2", "-v", "tok"}, "/admin/oauth2/introspect", 4},
		{[]string{"token", "client", "--fail-after", "50ms", "-v", "--client-id", "c", "--client-secret", "s"}, "/oauth2/token", 0},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": url, "HYDRA_URL": url})
			root := NewCmdRoot(f)
			root.SetArgs(tc.argv)
			cmd, err := root.ExecuteC()
			if code := cmdutil.HandleError(stderr, cmd, err); code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q", stdout)
			}
			if !strings.Contains(stderr.String(), url+tc.path) || !strings.Contains(stderr.String(), "refused") {
				t.Errorf("the error does not name %s and the refused connection: %q", url+tc.path, stderr)
			}
			n := strings.Count(stderr.String(), "< error after")
			if tc.attempts > 0 && n != tc.attempts || n < 1 {
				t.Errorf("%d attempts traced, want %d:\n%s", n, tc.attempts, stderr)
			}
		})
	}
}

// Hydra v1's groups took their bool flags before the verb: the verb after
// them is found, and its own flag is set (the request carries
// X-Forwarded-Proto), through Execute's branch as through the whole tree.
func TestV1GroupBoolsBeforeTheVerb(t *testing.T) {
	var proto []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto = append(proto, r.Header.Get("X-Forwarded-Proto"))
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/introspect") {
			_, _ = w.Write([]byte(`{"active":true}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	for _, argv := range [][]string{
		{"clients", "--fake-tls-termination", "list", "-e", srv.URL, "-q"},
		{"token", "--fake-tls-termination", "introspect", "-e", srv.URL, "--format", "jsonpath=active", "tok"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			proto = nil
			f, _, _, stderr := cmdtest.Factory(nil)
			if code := Execute(t.Context(), f, argv); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if len(proto) != 1 || proto[0] != "https" {
				t.Errorf("X-Forwarded-Proto %q, want https on the one request", proto)
			}
		})
	}
}
