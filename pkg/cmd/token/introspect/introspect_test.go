package introspect

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdIntrospect(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     Options
		wantCode int // exit code of a usage error; 0 when parsing succeeds
	}{
		{name: "one token", args: []string{"tok"},
			want: Options{Tokens: []string{"tok"}, Concurrency: 8}},
		{name: "stdin", args: []string{"-"},
			want: Options{Tokens: []string{"-"}, Concurrency: 8}},
		{name: "several tokens", args: []string{"a", "b", "c"},
			want: Options{Tokens: []string{"a", "b", "c"}, Concurrency: 8}},
		{name: "flags", args: []string{"--format", "table", "--scope", "read,write", "--scope", "admin", "--require-active", "--concurrency", "16", "-e", "http://127.0.0.1:4445", "a", "b"},
			want: Options{Tokens: []string{"a", "b"}, Concurrency: 16, Format: printer.Format{Name: "table"}, Scopes: []string{"read", "write", "admin"}, RequireActive: true, Admin: cmdutil.Admin{Conn: cmdutil.Connection{Endpoint: "http://127.0.0.1:4445"}}}},
		{name: "jsonpath", args: []string{"--format", "jsonpath=result.sub", "-"},
			want: Options{Tokens: []string{"-"}, Concurrency: 8, Format: printer.Format{Name: "jsonpath", Expr: "result.sub"}}},
		{name: "concurrency 1", args: []string{"--concurrency", "1", "-"},
			want: Options{Tokens: []string{"-"}, Concurrency: 1}},
		{name: "no token", args: nil, wantCode: 2},
		{name: "stdin and arguments", args: []string{"a", "-"}, wantCode: 2},
		{name: "an empty token among several", args: []string{"a", ""}, wantCode: 2},
		{name: "concurrency 0", args: []string{"--concurrency", "0", "a"}, wantCode: 2},
		{name: "concurrency too high", args: []string{"--concurrency", "100000", "a"}, wantCode: 2},
		{name: "stdin twice", args: []string{"--access-token-file", "-", "-"}, wantCode: 2},
		{name: "unknown format", args: []string{"--format", "xml", "a"}, wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdIntrospect, nil, tt.args...)
			if tt.wantCode != 0 {
				if code := cmdutil.ExitCodeOf(err); code != tt.wantCode {
					t.Fatalf("exit code %d (%v), want %d", code, err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Tokens, tt.want.Tokens) || got.Concurrency != tt.want.Concurrency ||
				got.Format != tt.want.Format || !slices.Equal(got.Scopes, tt.want.Scopes) ||
				got.RequireActive != tt.want.RequireActive || got.Conn.Endpoint != tt.want.Conn.Endpoint {
				t.Errorf("options:\n got %+v\nwant %+v", *got, tt.want)
			}
			if got.Conn.Timeout != cmdutil.DefaultTimeout || got.Conn.Retries != 2 {
				t.Errorf("connection defaults: timeout %s, retries %d", got.Conn.Timeout, got.Conn.Retries)
			}
		})
	}
}

// stubHydra answers introspection like Hydra's admin API, from the token:
// "active-X" is active with subject X, "inactive…" is inactive, "fail…" is
// a 500, "echo…" is a 400 whose text body repeats the token, as a badly
// behaved proxy might. "slow…" waits for every "fast…" token to be
// answered first, so that answers complete out of input order.
type stubHydra struct {
	*httptest.Server
	inFlight, peak atomic.Int32
	requests       atomic.Int32
	fast           sync.WaitGroup
}

func newStubHydra(t *testing.T, fastTokens int) *stubHydra {
	s := &stubHydra{}
	s.fast.Add(fastTokens)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
		}
		s.requests.Add(1)
		if r.URL.Path != "/admin/oauth2/introspect" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		tok := r.PostFormValue("token")
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(tok, "slow"):
			s.fast.Wait()
			fmt.Fprintf(w, `{"active":true,"sub":%q}`+"\n", tok)
		case strings.HasPrefix(tok, "fast"):
			defer s.fast.Done()
			fmt.Fprintf(w, `{"active":true,"sub":%q}`+"\n", tok)
		case strings.HasPrefix(tok, "active-"):
			fmt.Fprintf(w, `{"active":true,"sub":%q,"client_id":"c1","scope":"read","exp":1700000000,"token_use":"access_token","ext":{"k":[1, 2]}}`+"\n", strings.TrimPrefix(tok, "active-"))
		case strings.HasPrefix(tok, "inactive"):
			fmt.Fprintln(w, `{"active":false}`)
		case strings.HasPrefix(tok, "fail"):
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintln(w, `{"error":"server_error","error_description":"the database is down"}`)
		case strings.HasPrefix(tok, "echo"):
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "bad token %s\n", tok)
		default:
			fmt.Fprintln(w, `{"active":false}`)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// runCmdTTY is runCmd with stdin and stderr on a terminal.
func runCmdTTY(t *testing.T, srv *httptest.Server, stdin string, args ...string) runResult {
	t.Helper()
	return runCmdWith(t, srv, stdin, true, true, args...)
}

type runResult struct {
	stdout, stderr string
	code           int
}

// runCmd runs the command as main does, against srv, with stdin.
func runCmd(t *testing.T, srv *httptest.Server, stdin string, stderrTTY bool, args ...string) runResult {
	t.Helper()
	return runCmdWith(t, srv, stdin, false, stderrTTY, args...)
}

func runCmdWith(t *testing.T, srv *httptest.Server, stdin string, stdinTTY, stderrTTY bool, args ...string) runResult {
	t.Helper()
	f, in, out, errOut := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
	f.IOStreams.SetStdinTTY(stdinTTY)
	f.IOStreams.SetStderrTTY(stderrTTY)
	in.WriteString(stdin)
	if stdinTTY {
		// The prompts are written as stdin is read, beside the batch's
		// own writes: os.Stderr takes that, a bytes.Buffer needs a lock.
		locked := &lockedWriter{w: errOut}
		f.IOStreams.ErrOut = locked
		// A terminal: what is typed is read line by line, without echo.
		r := bufio.NewReader(in)
		f.IOStreams.SetReadPassword(func() ([]byte, error) {
			line, err := r.ReadString('\n')
			if line == "" && err != nil {
				return nil, err
			}
			return []byte(strings.TrimSuffix(line, "\n")), nil
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cmdutil.ExecuteCommand(ctx, NewCmdIntrospect(f, nil), errOut, append([]string{"--retries", "0"}, args...))
	return runResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

type envelope struct {
	Index  *int            `json:"index"`
	Result json.RawMessage `json:"result"`
	Error  *string         `json:"error"`
}

// ndjson parses NDJSON output strictly: one object a line, each with an
// index and exactly one of result and error.
func ndjson(t *testing.T, out string) []envelope {
	t.Helper()
	var envs []envelope
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &keys); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		var e envelope
		_ = json.Unmarshal([]byte(line), &e)
		if e.Index == nil || len(keys) != 2 || (e.Result == nil) == (e.Error == nil) {
			t.Fatalf("line %d is not {index, result|error}: %s", i+1, line)
		}
		envs = append(envs, e)
	}
	return envs
}

func TestIntrospectRunSingle(t *testing.T) {
	srv := newStubHydra(t, 0)
	want := "{\n  \"active\": true,\n  \"sub\": \"alice\",\n  \"client_id\": \"c1\",\n  \"scope\": \"read\",\n  \"exp\": 1700000000,\n  \"token_use\": \"access_token\",\n  \"ext\": {\n    \"k\": [\n      1,\n      2\n    ]\n  }\n}\n"
	for name, r := range map[string]runResult{
		"argument":       runCmd(t, srv.Server, "", false, "active-alice"),
		"one stdin line": runCmd(t, srv.Server, "active-alice\n", false, "-"),
		"stdin, no EOL":  runCmd(t, srv.Server, "  active-alice", false, "-"),
	} {
		if r.code != 0 || r.stdout != want || r.stderr != "" {
			t.Errorf("%s: code %d\nstdout:\n%s\nstderr:\n%s", name, r.code, r.stdout, r.stderr)
		}
	}

	r := runCmd(t, srv.Server, "", false, "--format", "json", "--require-active", "inactive")
	if r.code != 3 || r.stdout != "{\"active\":false}\n" || !strings.Contains(r.stderr, "not active") {
		t.Errorf("inactive with --require-active: %+v", r)
	}
	r = runCmd(t, srv.Server, "\n\n", false, "-")
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "empty") {
		t.Errorf("empty stdin: %+v", r)
	}
	r = runCmd(t, srv.Server, "", false, "fail")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "the database is down") {
		t.Errorf("server error: %+v", r)
	}
}

func TestIntrospectRunBatchNDJSON(t *testing.T) {
	srv := newStubHydra(t, 0)
	stdin := "active-alice\n\ninactive-x\r\nactive-bob\n"
	r := runCmd(t, srv.Server, stdin, false, "-")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("code %d, stderr:\n%s", r.code, r.stderr)
	}
	envs := ndjson(t, r.stdout)
	if len(envs) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(envs), r.stdout)
	}
	wantSub := []string{"alice", "", "bob"}
	for i, e := range envs {
		var res map[string]any
		if *e.Index != i || json.Unmarshal(e.Result, &res) != nil {
			t.Fatalf("line %d: %+v", i, e)
		}
		if sub, _ := res["sub"].(string); sub != wantSub[i] {
			t.Errorf("line %d: sub %q, want %q", i, sub, wantSub[i])
		}
	}
	// The server's JSON is kept, unknown fields included, compacted.
	if !strings.Contains(r.stdout, `"ext":{"k":[1,2]}`) {
		t.Errorf("the result is not the server's JSON, compacted:\n%s", r.stdout)
	}
	for _, tok := range []string{"active-alice", "inactive-x", "active-bob"} {
		if strings.Contains(r.stdout, tok) {
			t.Errorf("stdout contains the token %q", tok)
		}
	}
}

func TestIntrospectRunBatchOrderWithOutOfOrderAnswers(t *testing.T) {
	// Two slow tokens first; they are answered only after the six fast
	// ones, yet come out first.
	srv := newStubHydra(t, 6)
	args := []string{"--concurrency", "8", "--format", "jsonpath=result.sub", "slow0", "slow1"}
	for i := range 6 {
		args = append(args, fmt.Sprint("fast", i))
	}
	r := runCmd(t, srv.Server, "", false, args...)
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	if want := "slow0\nslow1\nfast0\nfast1\nfast2\nfast3\nfast4\nfast5\n"; r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestIntrospectRunBatchConcurrencyBound(t *testing.T) {
	for _, conc := range []int{1, 3} {
		srv := newStubHydra(t, 0)
		var stdin strings.Builder
		for i := range 40 {
			fmt.Fprintf(&stdin, "active-%d\n", i)
		}
		r := runCmd(t, srv.Server, stdin.String(), false, "--concurrency", fmt.Sprint(conc), "-")
		if r.code != 0 || len(ndjson(t, r.stdout)) != 40 {
			t.Fatalf("code %d, stderr %s", r.code, r.stderr)
		}
		if p := srv.peak.Load(); p > int32(conc) {
			t.Errorf("--concurrency %d: %d requests were in flight at once", conc, p)
		}
	}
}

func TestIntrospectRunBatchPartialErrors(t *testing.T) {
	srv := newStubHydra(t, 0)
	secret := "echo-SECRET-TOKEN-VALUE"
	r := runCmd(t, srv.Server, "", false, "active-a", "fail-1", "inactive", secret, "active-b")
	if r.code != 1 {
		t.Fatalf("code %d, want 1\n%s", r.code, r.stderr)
	}
	if n := srv.requests.Load(); n != 5 {
		t.Errorf("%d requests, want every token answered (5)", n)
	}
	envs := ndjson(t, r.stdout)
	if len(envs) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(envs), r.stdout)
	}
	for i, wantErr := range []bool{false, true, false, true, false} {
		if (envs[i].Error != nil) != wantErr || *envs[i].Index != i {
			t.Errorf("line %d: %+v", i, envs[i])
		}
	}
	if !strings.Contains(*envs[1].Error, "500") || !strings.Contains(*envs[1].Error, "the database is down") {
		t.Errorf("error line does not say what failed: %s", *envs[1].Error)
	}
	if !strings.Contains(*envs[3].Error, "bad token ***") {
		t.Errorf("the echoed token should be masked: %s", *envs[3].Error)
	}
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("output leaks the token:\n%s", s)
		}
	}
	for _, want := range []string{"token 1: ", "token 3: ", "2 of 5 tokens could not be introspected"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr should contain %q:\n%s", want, r.stderr)
		}
	}
}

func TestIntrospectRunBatchRequireActive(t *testing.T) {
	srv := newStubHydra(t, 0)
	r := runCmd(t, srv.Server, "active-a\ninactive\nactive-b\n", false, "--require-active", "-")
	if r.code != 3 || len(ndjson(t, r.stdout)) != 3 || !strings.Contains(r.stderr, "1 of 3 tokens are not active") {
		t.Errorf("one inactive: %+v", r)
	}
	r = runCmd(t, srv.Server, "active-a\nactive-b\n", false, "--require-active", "-")
	if r.code != 0 {
		t.Errorf("all active: %+v", r)
	}
	// A failure outranks inactivity: the answer is incomplete.
	r = runCmd(t, srv.Server, "inactive\nfail\n", false, "--require-active", "-")
	if r.code != 1 {
		t.Errorf("inactive and failed: %+v", r)
	}
	// Without --require-active, inactive tokens are valid answers.
	r = runCmd(t, srv.Server, "inactive\ninactive\n", false, "-")
	if r.code != 0 {
		t.Errorf("inactive without --require-active: %+v", r)
	}
}

func TestIntrospectRunBatchFormats(t *testing.T) {
	srv := newStubHydra(t, 0)
	tests := []struct {
		format string
		want   string
	}{
		{"table", "" +
			"INDEX  ACTIVE  SUBJECT  CLIENT ID  SCOPE  TOKEN USE     EXPIRES\n" +
			"0      true    alice    c1         read   access_token  2023-11-14T22:13:20Z\n" +
			"1      false\n" +
			"2      error\n"},
		{"jsonpath=result.sub", "alice\n\n\n"},
		{"jsonpath=$.index", "0\n1\n2\n"},
		{"jsonpointer=/result/active", "true\nfalse\n\n"},
		{"yaml", "index: 0\nresult:\n  active: true\n  sub: alice\n  client_id: c1\n  scope: read\n  exp: 1700000000\n  token_use: access_token\n  ext:\n    k:\n      - 1\n      - 2\n---\nindex: 1\nresult:\n  active: false\n---\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r := runCmd(t, srv.Server, "active-alice\ninactive\nfail\n", false, "--format", tt.format, "-")
			if r.code != 1 {
				t.Errorf("code %d, want 1 for the failed token", r.code)
			}
			if !strings.HasPrefix(r.stdout, tt.want) {
				t.Errorf("stdout:\n%s\nwant (prefix):\n%s", r.stdout, tt.want)
			}
		})
	}
	r := runCmd(t, srv.Server, "active-alice\ninactive\n", false, "--format", "json-pretty", "-")
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	n := 0
	for dec.More() {
		var e envelope
		if err := dec.Decode(&e); err != nil || *e.Index != n {
			t.Fatalf("json-pretty document %d: %v", n, err)
		}
		n++
	}
	if n != 2 || !strings.Contains(r.stdout, "\n  \"result\": {\n") {
		t.Errorf("json-pretty should be indented documents:\n%s", r.stdout)
	}
}

func TestIntrospectRunBatchTableAlignsLongStreams(t *testing.T) {
	srv := newStubHydra(t, 0)
	var stdin strings.Builder
	for i := range printer.AlignRows + 20 {
		fmt.Fprintf(&stdin, "active-u%d\n", i)
	}
	r := runCmd(t, srv.Server, stdin.String(), false, "--format", "table", "-")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != printer.AlignRows+21 {
		t.Fatalf("code %d, %d lines", r.code, len(lines))
	}
	col := strings.Index(lines[0], "ACTIVE")
	for i, l := range lines[1:] {
		if l[col:col+4] != "true" {
			t.Errorf("row %d is not aligned with the header:\n%s\n%s", i, lines[0], l)
		}
	}
}

func TestIntrospectRunBatchProgressOnlyOnATerminal(t *testing.T) {
	srv := newStubHydra(t, 0)
	r := runCmd(t, srv.Server, "", true, "--format", "json", "active-a", "active-b")
	if r.code != 0 || !strings.Contains(r.stderr, "introspecting") || strings.Contains(r.stdout, "introspecting") {
		t.Errorf("a terminal stderr should show progress, stdout never:\nstdout:\n%s\nstderr:\n%q", r.stdout, r.stderr)
	}
	r = runCmd(t, srv.Server, "", false, "--format", "json", "active-a", "active-b")
	if r.stderr != "" {
		t.Errorf("no progress when stderr is not a terminal, got %q", r.stderr)
	}
}

func TestIntrospectRunBatchVerboseTraces(t *testing.T) {
	srv := newStubHydra(t, 0)
	r := runCmd(t, srv.Server, "", false, "-v", "--concurrency", "4", "active-a", "fail-b", "active-c", "inactive-d")
	if r.code != 1 {
		t.Fatalf("code %d, want 1 for the failed token\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "> POST "+srv.URL+"/admin/oauth2/introspect\n"); n != 4 {
		t.Errorf("%d request traces, want 4:\n%s", n, r.stderr)
	}
	if n := strings.Count(r.stderr, "> (form) token=***\n"); n != 4 {
		t.Errorf("%d masked forms, want 4:\n%s", n, r.stderr)
	}
	// Traces of concurrent requests never mix within a line.
	for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if !strings.HasPrefix(l, "> ") && !strings.HasPrefix(l, "< ") && !strings.HasPrefix(l, "error: ") && l != "1 of 4 tokens could not be introspected" {
			t.Errorf("unexpected stderr line %q", l)
		}
	}
	for _, tok := range []string{"active-a", "fail-b", "active-c", "inactive-d"} {
		if strings.Contains(r.stderr+r.stdout, tok) {
			t.Errorf("output leaks token %q", tok)
		}
	}
}

func TestIntrospectRunStdinTerminalHint(t *testing.T) {
	srv := newStubHydra(t, 0)
	// From a terminal each token is prompted for on stderr and read
	// without echo (issue 11, point 7): the tokens appear in neither
	// stream, and the answers keep their order.
	r := runCmdTTY(t, srv.Server, "active-a\nactive-b\n\n", "--format", "json", "-")
	if r.code != 0 || !strings.Contains(r.stderr, "Token 1 (input is hidden; an empty line ends the list)") ||
		!strings.Contains(r.stderr, "Token 3 (input is hidden") || strings.Contains(r.stdout, "input is hidden") ||
		strings.Contains(r.stderr, "active-a") || strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("a terminal on stdin should get hidden prompts on stderr only:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	r = runCmd(t, srv.Server, "active-a\n", false, "--format", "json", "-")
	if r.stderr != "" {
		t.Errorf("no hint when stdin is not a terminal, got %q", r.stderr)
	}
}

func TestIntrospectRunBatchGivesUpWithoutAnyAnswer(t *testing.T) {
	srv := newStubHydra(t, 0)
	srv.Close() // connection refused, for every token
	var stdin strings.Builder
	// More tokens than the batch window (16 x --concurrency), so that
	// some are never sent.
	for i := range 1000 {
		fmt.Fprintf(&stdin, "active-%d\n", i)
	}
	for _, format := range []string{"json", "table"} {
		r := runCmd(t, srv.Server, stdin.String(), false, "--format", format, "-")
		if r.code != 1 || !strings.Contains(r.stderr, "after 16 tokens in a row failed the same way (no answer from the server)") ||
			!regexp.MustCompile(`stopped: 1000 of 1000 tokens were not introspected, \d+ of them not attempted`).MatchString(r.stderr) {
			t.Fatalf("code %d, stderr:\n%s", r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if format == "json" {
			// Every token is answered: the first 16 with their error, the
			// rest with the reason they were not sent.
			envs := ndjson(t, r.stdout)
			if len(envs) != 1000 || envs[0].Error == nil || !strings.Contains(*envs[0].Error, "connection refused") ||
				envs[999].Error == nil || !strings.HasPrefix(*envs[999].Error, "not sent: ") {
				t.Errorf("want every token answered with an error:\n%s", r.stdout)
			}
		} else if len(lines) != 1001 {
			t.Errorf("want a header and a row per token:\n%s", r.stdout)
		}
	}
}

func TestIntrospectRunBatchAnswersEveryTokenWhenTheServerAnswers(t *testing.T) {
	// Failures that are not in a row never stop the batch early.
	srv := newStubHydra(t, 0)
	var stdin strings.Builder
	for i := range 40 {
		fmt.Fprintf(&stdin, "fail-%d\nactive-%d\n", i, i)
	}
	r := runCmd(t, srv.Server, stdin.String(), false, "--concurrency", "1", "-")
	if r.code != 1 || len(ndjson(t, r.stdout)) != 80 || !strings.Contains(r.stderr, "40 of 80 tokens could not be introspected") || strings.Contains(r.stdout, "not sent") {
		t.Errorf("code %d, stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "(30 more errors not shown)") {
		t.Errorf("stderr should cap the errors shown:\n%s", r.stderr)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("no space left on device") }

func TestIntrospectRunBatchWriteError(t *testing.T) {
	srv := newStubHydra(t, 0)
	f, in, _, errOut := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
	f.IOStreams.Out = failingWriter{}
	in.WriteString("active-a\nactive-b\n")
	code := cmdutil.ExecuteCommand(context.Background(), NewCmdIntrospect(f, nil), errOut, []string{"-"})
	if code != 1 || !strings.Contains(errOut.String(), "writing the results: no space left on device") {
		t.Errorf("code %d, stderr:\n%s", code, errOut.String())
	}
}

// A batch changes no process-wide state: tests run many commands in one
// process, and GOMAXPROCS and the GC belong to main (issue 12, point 7).
func TestIntrospectBatchLeavesProcessStateAlone(t *testing.T) {
	srv := newStubHydra(t, 0)
	gcPercent := func() int {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	procs, gc := runtime.GOMAXPROCS(0), gcPercent()
	r := runCmd(t, srv.Server, "active-a\nactive-b\n", false, "--concurrency", "1", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if now := runtime.GOMAXPROCS(0); now != procs {
		t.Errorf("GOMAXPROCS went from %d to %d", procs, now)
	}
	if now := gcPercent(); now != gc {
		t.Errorf("the GC percentage went from %d to %d", gc, now)
	}
}

// TestIntrospectRunHydraV1: under Hydra v1's spelling ("token
// introspect"), one token's default output is Hydra v1's JSON of its
// introspection model; --require-active still gates; --format keeps the
// server's JSON; several tokens keep the batch's records.
func TestIntrospectRunHydraV1(t *testing.T) {
	srv := newStubHydra(t, 0)
	run := func(args ...string) runResult {
		t.Helper()
		f, _, out, errOut := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
		cmd := NewCmdIntrospectStyled(f, nil, printer.Style{HydraV1: true})
		code := cmdutil.ExecuteCommand(context.Background(), cmd, errOut, append([]string{"--retries", "0"}, args...))
		return runResult{stdout: out.String(), stderr: errOut.String(), code: code}
	}
	want := "{\n\t\"active\": true,\n\t\"aud\": null,\n\t\"client_id\": \"c1\",\n\t\"exp\": 1700000000,\n\t\"ext\": {\n\t\t\"k\": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t},\n" +
		"\t\"scope\": \"read\",\n\t\"sub\": \"alice\",\n\t\"token_use\": \"access_token\"\n}\n"
	if r := run("active-alice"); r.code != 0 || r.stdout != want {
		t.Errorf("default: code %d\n%s\nwant\n%s", r.code, r.stdout, want)
	}
	if r := run("--require-active", "inactive"); r.code != 3 || r.stdout != "{\n\t\"active\": false,\n\t\"aud\": null\n}\n" {
		t.Errorf("inactive, --require-active: %+v", r)
	}
	if r := run("--format", "json", "inactive"); r.code != 0 || r.stdout != "{\"active\":false}\n" {
		t.Errorf("--format json: %+v", r)
	}
	if r := run("active-a", "inactive"); r.code != 0 || len(ndjson(t, r.stdout)) != 2 {
		t.Errorf("two tokens: %+v", r)
	}
}
