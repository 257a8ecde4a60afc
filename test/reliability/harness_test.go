package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/test/hydratest"
)

// result is what one invocation produced.
type result struct {
	code           int
	stdout, stderr string
	// echoes is the row's echoes: a secret that may be on stdout after a
	// success, as the command's result.
	echoes string
}

// argvFor expands the row's argv: the endpoint, and file placeholders into
// temporary files.
func argvFor(t *testing.T, c command, endpoint string) []string {
	t.Helper()
	argv := c.argv(endpoint)
	for placeholder, content := range c.files {
		path := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		for i := range argv {
			argv[i] = strings.ReplaceAll(argv[i], placeholder, path)
		}
	}
	return argv
}

func envFor(t *testing.T, c command, endpoint string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for k, v := range c.env {
		env[k] = strings.ReplaceAll(strings.ReplaceAll(v, "$ENDPOINT", endpoint), assertionJWT, freshAssertion())
	}
	if c.seed != nil {
		for k, v := range c.seed(t, endpoint) {
			env[k] = v
		}
	}
	return env
}

// stdinFor is the row's stdin, with a fresh assertion for assertionJWT.
func stdinFor(c command) string {
	return strings.ReplaceAll(c.stdin, assertionJWT, freshAssertion())
}

// invoke runs a row in-process, as cmd/hydra's main does, with extra flags
// appended. Cancelling ctx is Ctrl-C.
func invoke(ctx context.Context, t *testing.T, c command, endpoint string, extra ...string) result {
	t.Helper()
	r := invokeArgs(ctx, t, envFor(t, c, endpoint), stdinFor(c), append(argvFor(t, c, endpoint), extra...))
	r.echoes = c.echoes
	return r
}

func invokeArgs(ctx context.Context, t *testing.T, env map[string]string, stdin string, argv []string) result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}
	code := root.Execute(ctx, f, argv)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

var (
	markupRE     = regexp.MustCompile(`(?i)<\s*(!doctype|html|head|body|title|h[1-6]|p|div|center|hr|script|style)\b`)
	stackTraceRE = regexp.MustCompile(`goroutine \d+|panic:|\.go:\d+|runtime\.|\[recovered\]`)
)

// assertFailedCleanly checks what every failure must hold: the documented
// code the case claims, nothing on stdout, a short message on stderr with
// no markup, no stack trace and no secret.
func assertFailedCleanly(t *testing.T, r result, wantCode int, want ...string) {
	t.Helper()
	if r.code != wantCode {
		t.Errorf("exit code %d, want %d", r.code, wantCode)
	}
	assertDocumented(t, r.code)
	if r.stdout != "" {
		t.Errorf("stdout is not empty: %q", r.stdout)
	}
	if strings.TrimSpace(r.stderr) == "" {
		t.Error("stderr is empty: the failure is not explained")
	}
	if n := strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") + 1; n > 20 {
		t.Errorf("stderr has %d lines, want at most 20", n)
	}
	if m := markupRE.FindString(r.stderr); m != "" {
		t.Errorf("stderr shows HTML markup %q", m)
	}
	if m := stackTraceRE.FindString(r.stderr); m != "" {
		t.Errorf("stderr looks like a stack trace (%q)", m)
	}
	for _, r := range r.stderr {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			t.Errorf("stderr carries control character %U, which a terminal may obey", r)
			break
		}
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not say %q", w)
		}
	}
	assertNoSecrets(t, r)
	if t.Failed() || os.Getenv("SHOW") != "" {
		t.Logf("stderr:\n%s", r.stderr)
	}
}

func assertNoSecrets(t *testing.T, r result) {
	t.Helper()
	for _, s := range allSecrets {
		if strings.Contains(r.stdout, s) && !(r.code == 0 && s == r.echoes) {
			t.Errorf("secret %q on stdout", s)
		}
		if strings.Contains(r.stderr, s) {
			t.Errorf("secret %q on stderr", s)
		}
	}
}

// documentedCodes parses the table of docs/exit-codes.md: code -> meaning.
func documentedCodes(t *testing.T) map[int]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "exit-codes.md"))
	if err != nil {
		t.Fatal(err)
	}
	codes := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		cells := strings.Split(strings.Trim(strings.TrimSpace(sc.Text()), "|"), "|")
		if len(cells) < 2 {
			continue
		}
		code, err := strconv.Atoi(strings.TrimSpace(cells[0]))
		if err != nil {
			continue // the header, its rule, or prose
		}
		codes[code] = strings.TrimSpace(cells[1])
	}
	if len(codes) == 0 {
		t.Fatal("docs/exit-codes.md has no table of codes")
	}
	return codes
}

func assertDocumented(t *testing.T, code int) {
	t.Helper()
	if _, ok := documentedCodes(t)[code]; !ok {
		t.Errorf("exit code %d is not documented in docs/exit-codes.md", code)
	}
}

// stub starts a loopback server for h and stops it when the test ends.
func stub(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// okHandler answers every request with the row's good answer.
func okHandler(c command) http.Handler {
	if c.good != nil {
		return c.good()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			// Hydra answers every deletion 204 with no body; a body
			// there is not Hydra's answer (the response rule).
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(c.ok))
	})
}

// rowsFor returns the rows a case applies to: all when shapes is empty.
func rowsFor(shapes []shape) []command {
	if len(shapes) == 0 {
		return commands
	}
	var rows []command
	for _, c := range commands {
		if slices.Contains(shapes, c.shape) {
			rows = append(rows, c)
		}
	}
	return rows
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/hydra once per test run, for the tests that need a
// fresh process: signals, and proxy settings that net/http reads from the
// environment only once per process.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hydra-reliability-")
		if err != nil {
			buildErr = err
			return
		}
		// hydra-pgp too, beside it (--pgp-key).
		binPath, buildErr = hydratest.BuildCLI(dir)
	})
	if buildErr != nil {
		t.Fatalf("building cmd/hydra: %v", buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	// Every command runs in this process: none may change process-wide
	// state, which belongs to main (a batch once lowered GOMAXPROCS for
	// every later test).
	procs, gc := runtime.GOMAXPROCS(0), gcPercent()
	code := m.Run()
	if now, nowGC := runtime.GOMAXPROCS(0), gcPercent(); now != procs || nowGC != gc {
		fmt.Fprintf(os.Stderr, "FAIL: the commands changed process-wide state: GOMAXPROCS %d -> %d, GC percent %d -> %d\n", procs, now, gc, nowGC)
		code = 1
	}
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.RemoveAll(subprocessHome())
	os.Exit(code)
}

// gcPercent reads the GC percentage, which debug.SetGCPercent only reads
// by setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// subprocessHome is the built binary's HOME: a folder of the test run's
// own, so that nothing the binary keeps (the token cache, the record of
// spent assertions) lands in the developer's home. TestMain removes it.
var subprocessHome = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "hydra-reliability-home-")
	if err != nil {
		panic(err)
	}
	return dir
})

// subprocessEnv is a minimal environment for the built binary: no proxy,
// endpoint or credential settings leak in from the test's own environment,
// and HOME is the test run's own.
func subprocessEnv(extra map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + subprocessHome(), "NO_COLOR=1"}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// failureOf returns what assertFailedCleanly checks of a row's failed run:
// for a batch row, the per-item records on stdout are checked here, for
// secrets and for being JSON records of errors, and left out.
func failureOf(t *testing.T, c command, r result) result {
	t.Helper()
	if !c.batch || r.stdout == "" {
		return r
	}
	assertNoSecrets(t, r)
	for _, line := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
		var rec struct {
			Index *int   `json:"index"`
			Error string `json:"error"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Index == nil || rec.Error == "" {
			t.Errorf("a batch record on stdout is not an error record: %q", line)
			break
		}
	}
	r.stdout = ""
	return r
}
