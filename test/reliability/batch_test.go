package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// batchLines parses a batch's NDJSON answers.
func batchLines(t *testing.T, stdout string) []struct {
	Index  int             `json:"index"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
} {
	t.Helper()
	var out []struct {
		Index  int             `json:"index"`
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
	}
	for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var rec struct {
			Index  int             `json:"index"`
			Result json.RawMessage `json:"result"`
			Error  string          `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Index != i {
			t.Fatalf("line %d is not the answer for token %d: %q", i, i, line)
		}
		out = append(out, rec)
	}
	return out
}

// A batch whose server dies part-way, or that is aimed at a port where
// every token gets the same HTTP error, stops sending once a run of tokens
// has failed the same way, answers the rest with an error line each, and
// exits 1, instead of going on for minutes (issue 11, point 11).
func TestBatchStopsWhenEveryTokenFailsTheSameWay(t *testing.T) {
	const tokens = 3000
	var stdin strings.Builder
	for i := range tokens {
		fmt.Fprintf(&stdin, "token-%06d\n", i)
	}
	for _, tc := range []struct {
		name string
		// handler answers request n (from 1); srv is the server, for
		// the case that shuts it down.
		handler func(srv func() *httptest.Server, n int64, w http.ResponseWriter)
		want    string
		// answered is how many tokens get a real answer first.
		answered int
	}{
		{
			name: "the server dies after 200 tokens",
			handler: func(srv func() *httptest.Server, n int64, w http.ResponseWriter) {
				if n > 200 {
					// Shut down: the listener closes, and every later
					// connection is refused.
					once.Do(func() { go srv().Close() })
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"active":false}`))
			},
			want: "(no answer from the server)",
			// Requests arrive out of order, --concurrency (8) at a time:
			// the tokens well before the 200th were all answered.
			answered: 150,
		},
		{
			name: "every token gets a 404",
			handler: func(_ func() *httptest.Server, _ int64, w http.ResponseWriter) {
				http.NotFound(w, nil)
			},
			want: "(HTTP 404)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			once = sync.Once{}
			var requests atomic.Int64
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.handler(func() *httptest.Server { return srv }, requests.Add(1), w)
			}))
			t.Cleanup(srv.Close)
			r := invokeArgs(context.Background(), t, map[string]string{"HYDRA_ADMIN_URL": srv.URL}, stdin.String(),
				[]string{"token", "introspect", "--retries", "1", "-"})
			if r.code != 1 || !strings.Contains(r.stderr, "tokens in a row failed the same way "+tc.want) {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			lines := batchLines(t, r.stdout)
			if len(lines) != tokens {
				t.Fatalf("%d answers, want one for each of %d tokens", len(lines), tokens)
			}
			for i, l := range lines[:tc.answered] {
				if l.Error != "" {
					t.Fatalf("token %d, sent before the server died, got an error: %s", i, l.Error)
				}
			}
			if last := lines[tokens-1]; !strings.HasPrefix(last.Error, "not sent: ") {
				t.Errorf("the last token's answer is %+v, want an error saying it was not sent", last)
			}
			// The window of the batch bounds what was sent after the run
			// of failures began: far from every token.
			if n := requests.Load(); n > 600 {
				t.Errorf("the server saw %d requests: the batch went on after the failures", n)
			}
		})
	}
}

var once sync.Once

// A line of stdin over 1 MiB is answered with an error line, and the
// tokens after it are still introspected (issue 11, point 12).
func TestBatchAnswersAnOverlongLineAndGoesOn(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"active":true,"sub":"` + r.PostFormValue("token") + `"}`))
	}))
	t.Cleanup(srv.Close)
	stdin := "first\n" + strings.Repeat("x", 1<<20+1) + "\nthird\n"
	r := invokeArgs(context.Background(), t, map[string]string{"HYDRA_ADMIN_URL": srv.URL}, stdin,
		[]string{"token", "introspect", "-"})
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 for the line that failed; stderr:\n%s", r.code, r.stderr)
	}
	lines := batchLines(t, r.stdout)
	if len(lines) != 3 || lines[0].Error != "" || lines[2].Error != "" || !strings.Contains(string(lines[2].Result), `"third"`) {
		t.Fatalf("answers:\n%.500s", r.stdout)
	}
	if !strings.Contains(lines[1].Error, "line 2") || !strings.Contains(lines[1].Error, "1024 KiB") || strings.Contains(lines[1].Error, "xxxx") {
		t.Errorf("the long line's answer: %q", lines[1].Error)
	}
	if requests.Load() != 2 {
		t.Errorf("%d requests, want 2: the long line is not sent", requests.Load())
	}
	if !strings.Contains(r.stderr, "1 of 3 tokens could not be introspected") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// Every command that acts on many items, run as the built binary against a
// port where nothing listens, stops after the first failure and says so in
// one line that counts what was not done, instead of an error per item
// (issue 23: token revoke - printed 121 lines for 60 tokens). Introspection
// stops after its run of failures in a row (TestBatchStops... above).
func TestEveryBatchStopsAtADeadPort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	const n = 60
	ids := strings.Join(manyIDs(n), " ")
	for _, tc := range []struct {
		name  string
		argv  []string
		env   map[string]string
		stdin string
		want  string
	}{
		{
			name: "token revoke, tokens on stdin", argv: []string{"token", "revoke", "-e", "$DEAD", "-"},
			env:   map[string]string{"OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": secretClient},
			stdin: manyTokens(n), want: "stopped: 60 of 60 tokens were not revoked, 59 of them not attempted",
		},
		{
			name: "token revoke, tokens as arguments", argv: append([]string{"token", "revoke", "-e", "$DEAD"}, strings.Fields(strings.TrimSpace(manyTokens(n)))...),
			env:  map[string]string{"OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": secretClient},
			want: "stopped: 60 of 60 tokens were not revoked, 59 of them not attempted",
		},
		{
			name: "client delete", argv: append([]string{"client", "delete", "-e", "$DEAD"}, strings.Fields(ids)...),
			want: "stopped: 60 of 60 clients were not deleted, 59 of them not attempted",
		},
		{
			name: "trust delete", argv: append([]string{"trust", "delete", "-e", "$DEAD"}, strings.Fields(ids)...),
			want: "stopped: 60 of 60 trust relationships were not deleted, 59 of them not attempted",
		},
		{
			name: "keys delete", argv: append([]string{"keys", "delete", "-e", "$DEAD"}, strings.Fields(ids)...),
			want: "stopped: 60 of 60 key sets were not deleted, 59 of them not attempted",
		},
		{
			name: "client import", argv: []string{"client", "import", "-e", "$DEAD", "-"},
			stdin: manyClients(n), want: "stopped: 60 of 60 clients were not imported, 59 of them not attempted",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dead := closedPort(t)
			argv := slices.Clone(tc.argv)
			for i := range argv {
				argv[i] = strings.ReplaceAll(argv[i], "$DEAD", dead)
			}
			cmd := exec.Command(binary(t), argv...)
			cmd.Env = subprocessEnv(tc.env)
			cmd.Stdin = strings.NewReader(tc.stdin)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
				t.Fatalf("%v, want exit 1\nstderr:\n%s", err, errOut.String())
			}
			lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
			if lines[len(lines)-1] != tc.want || len(lines) > 5 || strings.Count(errOut.String(), "error: ") != 1 {
				t.Errorf("want one error and %q, got %d lines:\n%s", tc.want, len(lines), errOut.String())
			}
			assertNoSecrets(t, result{stdout: out.String(), stderr: errOut.String()})
		})
	}
}
