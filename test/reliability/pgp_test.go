package reliability

import (
	"bytes"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// TestPGPHostileKeyServer: --pgp-key-url against a key server that hangs,
// sends a body no key is, a login page or an error: hydra fetches the key
// itself (hydra-pgp never uses the network), fails within --timeout with
// exit 1 and an explanation, and sends nothing to the admin API.
func TestPGPHostileKeyServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var adminRequests atomic.Int32
	admin := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		adminRequests.Add(1)
		http.Error(w, "no", http.StatusTeapot)
	}))
	for name, c := range map[string]struct {
		h    http.HandlerFunc
		want string
	}{
		"hangs": {func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(20 * time.Second):
			}
		}, "GET"},
		"huge": {func(w http.ResponseWriter, r *http.Request) {
			w.Write(bytes.Repeat([]byte("A"), 3<<20))
		}, "no public key is"},
		"login page": {func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body>Sign in</body></html>"))
		}, "not an OpenPGP public key"},
		"not found": {http.NotFound, "Not Found"},
	} {
		t.Run(name, func(t *testing.T) {
			keys := stub(t, c.h)
			start := time.Now()
			cmd := exec.Command(binary(t), "client", "create", "-e", admin.URL, "-g", "client_credentials",
				"--pgp-key-url", keys.URL+"/k.asc", "--timeout", "1s", "--retries", "0")
			cmd.Env = subprocessEnv(nil)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			}
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("took %s", took)
			}
			assertFailedCleanly(t, result{code: code, stdout: out.String(), stderr: errOut.String()}, cmdutil.ExitFailure, c.want)
			if !strings.Contains(errOut.String(), keys.URL) {
				t.Errorf("stderr does not name the key's URL:\n%s", errOut.String())
			}
			if n := adminRequests.Load(); n != 0 {
				t.Errorf("%d requests reached the admin API", n)
			}
		})
	}
}
