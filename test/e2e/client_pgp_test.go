package e2e

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
)

// hydraRowCell is the cell of the row named key in Hydra v2's vertical
// table (KEY\tVALUE lines).
func hydraRowCell(t *testing.T, out, key string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(line, "\t")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s row in:\n%s", key, out)
	return ""
}

// wantSecretWorks decrypts the printed secret with key and gets a token
// with it from Hydra: the secret printed is the client's.
func wantSecretWorks(t *testing.T, key pgptest.Key, clientID, encrypted string) string {
	t.Helper()
	if strings.HasPrefix(encrypted, "-----") || encrypted == "" {
		t.Fatalf("the secret is printed as base64 of an armored message, got %q", encrypted)
	}
	secret, err := key.Decrypt(encrypted)
	if err != nil {
		t.Fatalf("decrypting the printed secret: %v", err)
	}
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = clientID
	env["OAUTH2_CLIENT_SECRET"] = secret
	r := run{Env: env}.hydra(t, "token", "client", "--scope", "read")
	r.wantCode(t, 0)
	wantActive(t, strings.TrimSpace(r.Stdout), true)
	return secret
}

// TestPGPCreate creates clients with --pgp-key under Hydra v2's spelling
// and the tool's own, decrypts the printed secret with the private key,
// and gets a token with it from Hydra v2.3.0.
func TestPGPCreate(t *testing.T) {
	key := pgptest.NewKey(t)

	t.Run("create oauth2-client", func(t *testing.T) {
		r := hydra(t, "create", "oauth2-client", "-g", "client_credentials", "--scope", "read", "--pgp-key", key.Base64())
		r.wantCode(t, 0)
		r.assertClean(t)
		id := hydraRowCell(t, r.Stdout, "CLIENT ID")
		secret := wantSecretWorks(t, key, id, hydraRowCell(t, r.Stdout, "CLIENT SECRET"))
		r.wantNoLeak(t, secret)
	})

	t.Run("client create --format json", func(t *testing.T) {
		r := hydra(t, "client", "create", "-g", "client_credentials", "-a", "read", "--pgp-key", key.Base64(), "--format", "json")
		r.wantCode(t, 0)
		var c struct {
			ID     string `json:"client_id"`
			Secret string `json:"client_secret"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
			t.Fatalf("%v\n%s", err, r.Stdout)
		}
		secret := wantSecretWorks(t, key, c.ID, c.Secret)
		r.wantNoLeak(t, secret)
	})

	t.Run("client create -q shows the encrypted secret on stderr", func(t *testing.T) {
		r := hydra(t, "client", "create", "-g", "client_credentials", "-a", "read", "--pgp-key", key.Base64(), "-q")
		r.wantCode(t, 0)
		id := strings.TrimSpace(r.Stdout)
		var enc string
		for _, line := range strings.Split(r.Stderr, "\n") {
			if v, ok := strings.CutPrefix(line, "client_secret: "); ok {
				enc = strings.TrimSpace(v)
			}
		}
		wantSecretWorks(t, key, id, enc)
	})

	t.Run("a given secret is encrypted too", func(t *testing.T) {
		const given = "a-secret-given-by-the-user"
		env := serverEnv()
		env["HYDRA_CLIENT_SECRET"] = given
		r := run{Env: env}.hydra(t, "create", "oauth2-client", "-g", "client_credentials", "--scope", "read", "--pgp-key", key.Base64())
		r.wantCode(t, 0)
		if got := wantSecretWorks(t, key, hydraRowCell(t, r.Stdout, "CLIENT ID"), hydraRowCell(t, r.Stdout, "CLIENT SECRET")); got != given {
			t.Errorf("decrypted %q, want the given secret", got)
		}
		r.wantNoLeak(t, given)
	})
}

// TestPGPImportUpdate imports a client and changes its secret with
// --pgp-key.
func TestPGPImportUpdate(t *testing.T) {
	key := pgptest.NewKey(t)
	r := run{Env: serverEnv(), Stdin: `{"grant_types":["client_credentials"],"scope":"read"}`}.hydra(t, "import", "oauth2-client", "--pgp-key", key.Base64())
	r.wantCode(t, 0)
	id := hydraRowCell(t, r.Stdout, "CLIENT ID")
	wantSecretWorks(t, key, id, hydraRowCell(t, r.Stdout, "CLIENT SECRET"))

	r = run{Env: serverEnv(), Stdin: `[{"grant_types":["client_credentials"],"scope":"read"}]`}.hydra(t, "client", "import", "-", "--pgp-key", key.Base64(), "--format", "json")
	r.wantCode(t, 0)
	var cs []struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &cs); err != nil || len(cs) != 1 {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	wantSecretWorks(t, key, cs[0].ID, cs[0].Secret)

	const newSecret = "the-new-secret-of-the-client"
	r = run{Env: serverEnv(), Stdin: newSecret}.hydra(t, "client", "update", id, "--secret-file", "-", "--pgp-key", key.Base64(), "--format", "json")
	r.wantCode(t, 0)
	var c struct {
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	if got := wantSecretWorks(t, key, id, c.Secret); got != newSecret {
		t.Errorf("decrypted %q, want the new secret", got)
	}
	r.wantNoLeak(t, newSecret)
}

// TestPGPKeyURL fetches the key over TLS from a loopback server, verified
// with --ca-cert.
func TestPGPKeyURL(t *testing.T) {
	key := pgptest.NewKey(t)
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/key.asc" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pgp-keys")
		w.Write(key.Public)
	}))
	defer ts.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	r := hydra(t, "create", "oauth2-client", "-g", "client_credentials", "--scope", "read", "--pgp-key-url", ts.URL+"/key.asc", "--ca-cert", ca)
	r.wantCode(t, 0)
	wantSecretWorks(t, key, hydraRowCell(t, r.Stdout, "CLIENT ID"), hydraRowCell(t, r.Stdout, "CLIENT SECRET"))

	// Without the CA, TLS verification fails, and nothing is created.
	r = hydra(t, "client", "create", "--id", "pgp-url-unverified", "-g", "client_credentials", "--pgp-key-url", ts.URL+"/key.asc")
	if r.Code != 1 || !strings.Contains(r.Stderr, ts.URL+"/key.asc") {
		t.Errorf("want exit 1 naming the URL, got %d:\n%s", r.Code, r.Stderr)
	}
	r.assertClean(t)
	if g := hydra(t, "client", "get", "pgp-url-unverified"); g.Code == 0 {
		t.Error("a client was created although the key could not be fetched")
	}

	// A 404 says what failed, against which URL.
	r = hydra(t, "client", "create", "-g", "client_credentials", "--pgp-key-url", ts.URL+"/missing.asc", "--ca-cert", ca)
	if r.Code != 1 || !strings.Contains(r.Stderr, ts.URL+"/missing.asc") {
		t.Errorf("want exit 1 naming the URL, got %d:\n%s", r.Code, r.Stderr)
	}
}

// TestPGPUnusableKey: a key that cannot encrypt is refused before the
// client is sent, so that no secret is made and lost. Hydra's CLI creates
// the client first, and then loses its secret.
func TestPGPUnusableKey(t *testing.T) {
	key := pgptest.NewSigningOnlyKey(t)
	r := hydra(t, "create", "oauth2-client", "--id", "pgp-unusable-key", "-g", "client_credentials", "--pgp-key", key.Base64())
	r.wantCode(t, 2)
	r.assertClean(t)
	if !strings.Contains(r.Stderr, "cannot encrypt") {
		t.Errorf("stderr says why: %q", r.Stderr)
	}
	if r.Stdout != "" {
		t.Errorf("stdout: %q", r.Stdout)
	}
	if g := hydra(t, "client", "get", "pgp-unusable-key"); g.Code == 0 {
		t.Error("a client was created although its secret could not be encrypted")
	}

	r = hydra(t, "client", "create", "-g", "client_credentials", "--pgp-key", "not base64!")
	r.wantCode(t, 2)
	if !strings.Contains(r.Stderr, "--pgp-key is not base64") {
		t.Errorf("stderr: %q", r.Stderr)
	}
}

// TestPGPHelper: hydra finds hydra-pgp next to itself (through a symlink
// to it too), then on PATH; without it, --pgp-key is an error that says
// what is missing and how to get it, and nothing is created.
func TestPGPHelper(t *testing.T) {
	key := pgptest.NewKey(t)
	b, err := os.ReadFile(cli)
	if err != nil {
		t.Fatal(err)
	}
	lone := filepath.Join(t.TempDir(), filepath.Base(cli))
	if err := os.WriteFile(lone, b, 0o755); err != nil {
		t.Fatal(err)
	}
	emptyPath := t.TempDir()
	runAs := func(bin, path string, args ...string) result {
		env := serverEnv()
		env["PATH"] = path
		return run{Env: env}.exec(t, args, func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, bin, args...) })
	}

	r := runAs(lone, emptyPath, "create", "oauth2-client", "--id", "pgp-no-helper", "-g", "client_credentials", "--pgp-key", key.Base64())
	r.wantCode(t, 1)
	r.assertClean(t)
	if !strings.Contains(r.Stderr, "--pgp-key needs hydra-pgp") || !strings.Contains(r.Stderr, "go install github.com/hydratoken/hydra/cmd/hydra-pgp@latest") || r.Stdout != "" {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	if g := hydra(t, "client", "get", "pgp-no-helper"); g.Code == 0 {
		t.Error("a client was created without the helper")
	}

	// On PATH.
	r = runAs(lone, filepath.Dir(cli), "client", "create", "-g", "client_credentials", "--scope", "read", "--pgp-key", key.Base64(), "--format", "json")
	r.wantCode(t, 0)
	var c struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	wantSecretWorks(t, key, c.ID, c.Secret)

	// Beside the target of a symlink to hydra.
	if runtime.GOOS == "windows" {
		return
	}
	link := filepath.Join(t.TempDir(), "hydra")
	if err := os.Symlink(cli, link); err != nil {
		t.Fatal(err)
	}
	r = runAs(link, emptyPath, "client", "create", "-g", "client_credentials", "--scope", "read", "--pgp-key", key.Base64(), "--format", "json")
	r.wantCode(t, 0)
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	wantSecretWorks(t, key, c.ID, c.Secret)
}
