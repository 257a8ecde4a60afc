package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
)

// batchLine is one line of batch introspection's NDJSON output.
type batchLine struct {
	Index  *int           `json:"index"`
	Result map[string]any `json:"result"`
	Error  *string        `json:"error"`
}

// parseNDJSON checks that out is one {"index","result"|"error"} object a
// line, with indexes 0..n-1 in order, and returns the lines.
func parseNDJSON(t *testing.T, out string, n int) []batchLine {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), n, out)
	}
	var got []batchLine
	for i, l := range lines {
		var keys map[string]json.RawMessage
		var bl batchLine
		if err := json.Unmarshal([]byte(l), &keys); err != nil {
			t.Fatalf("line %d is not a JSON object: %s", i, l)
		}
		_ = json.Unmarshal([]byte(l), &bl)
		if len(keys) != 2 || bl.Index == nil || *bl.Index != i || (bl.Result == nil) == (bl.Error == nil) {
			t.Fatalf("line %d is not {\"index\":%d, result|error}: %s", i, i, l)
		}
		got = append(got, bl)
	}
	return got
}

func TestIntrospectBatchArguments(t *testing.T) {
	c1, t1 := accessToken(t, "read")
	c2, t2 := accessToken(t, "write")
	r := hydra(t, "token", "introspect", t1, "garbage", t2)
	r.wantCode(t, 0)
	lines := parseNDJSON(t, r.Stdout, 3)
	if lines[0].Result["client_id"] != c1.ClientID || lines[0].Result["active"] != true {
		t.Errorf("line 0: %v", lines[0].Result)
	}
	if lines[1].Result["active"] != false {
		t.Errorf("line 1: %v", lines[1].Result)
	}
	if lines[2].Result["client_id"] != c2.ClientID || lines[2].Result["scope"] != "write" {
		t.Errorf("line 2: %v", lines[2].Result)
	}
	for _, tok := range []string{t1, t2} {
		if strings.Contains(r.Stdout+r.Stderr, tok) {
			t.Errorf("the output contains a token")
		}
	}
	if r.Stderr != "" {
		t.Errorf("stderr should be empty when stderr is not a terminal, got:\n%s", r.Stderr)
	}
}

// batchStdin makes n active tokens of one client, with inactive and
// garbage lines between them, and returns stdin and, for each line that is
// a token, whether it should be active.
func batchStdin(t *testing.T, n int) (clientID string, stdin string, active []bool) {
	t.Helper()
	c := newClient(t, "read")
	var b strings.Builder
	for i := range n {
		tok, err := srv.ClientCredentials(c, "read")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, tok.AccessToken)
		active = append(active, true)
		switch i % 3 {
		case 0:
			// A well-formed token that Hydra never issued.
			fmt.Fprintln(&b, "ory_at_notarealtoken.notarealsignature")
			active = append(active, false)
		case 1:
			fmt.Fprintf(&b, "  garbage-%d \r\n\n", i)
			active = append(active, false)
		}
	}
	return c.ClientID, b.String(), active
}

func TestIntrospectBatchStdinOrderAndConcurrency(t *testing.T) {
	clientID, stdin, active := batchStdin(t, 12)
	for _, conc := range []string{"1", "16"} {
		t.Run("concurrency "+conc, func(t *testing.T) {
			r := run{Env: serverEnv(), Stdin: stdin}.hydra(t, "token", "introspect", "--concurrency", conc, "-")
			r.wantCode(t, 0)
			lines := parseNDJSON(t, r.Stdout, len(active))
			for i, l := range lines {
				if l.Result["active"] != active[i] {
					t.Errorf("line %d: active %v, want %v", i, l.Result["active"], active[i])
				}
				if active[i] && l.Result["client_id"] != clientID {
					t.Errorf("line %d: %v", i, l.Result)
				}
			}
		})
	}
}

func TestIntrospectBatchRequireActive(t *testing.T) {
	_, stdin, active := batchStdin(t, 3)
	r := run{Env: serverEnv(), Stdin: stdin}.hydra(t, "token", "introspect", "--require-active", "-")
	r.wantCode(t, 3)
	parseNDJSON(t, r.Stdout, len(active))
	inactive := 0
	for _, a := range active {
		if !a {
			inactive++
		}
	}
	if want := fmt.Sprintf("%d of %d tokens are not active", inactive, len(active)); !strings.Contains(r.Stderr, want) {
		t.Errorf("stderr should say %q:\n%s", want, r.Stderr)
	}

	_, t1 := accessToken(t, "read")
	_, t2 := accessToken(t, "read")
	r = run{Env: serverEnv(), Stdin: t1 + "\n" + t2 + "\n"}.hydra(t, "token", "introspect", "--require-active", "-")
	r.wantCode(t, 0)
	parseNDJSON(t, r.Stdout, 2)

	// --scope applies to every token.
	r = hydra(t, "token", "introspect", "--require-active", "--scope", "write", t1, t2)
	r.wantCode(t, 3)
}

func TestIntrospectBatchTable(t *testing.T) {
	c, t1 := accessToken(t, "read")
	r := hydra(t, "token", "introspect", "--format", "table", t1, "garbage")
	r.wantCode(t, 0)
	rows := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if len(rows) != 3 {
		t.Fatalf("want a header and a row per token:\n%s", r.Stdout)
	}
	if f := strings.Fields(rows[0]); len(f) < 3 || f[0] != "INDEX" || f[1] != "ACTIVE" {
		t.Errorf("header: %q", rows[0])
	}
	if f := strings.Fields(rows[1]); len(f) < 4 || f[0] != "0" || f[1] != "true" || f[3] != c.ClientID {
		t.Errorf("row 0: %q", rows[1])
	}
	if f := strings.Fields(rows[2]); len(f) != 2 || f[0] != "1" || f[1] != "false" {
		t.Errorf("row 1: %q", rows[2])
	}
}

func TestIntrospectBatchPartialErrors(t *testing.T) {
	// The public API answers the introspection path with 404: every token
	// fails, each is still answered, and the command exits 1 at the end.
	_, t1 := accessToken(t, "read")
	r := run{Stdin: t1 + "\nsecond-token-value\n"}.hydra(t, "token", "introspect", "-e", srv.PublicURL, "-")
	r.wantCode(t, 1)
	r.assertClean(t)
	lines := parseNDJSON(t, r.Stdout, 2)
	for i, l := range lines {
		if l.Error == nil || !strings.Contains(*l.Error, "404 Not Found") {
			t.Errorf("line %d should carry the 404: %+v", i, l)
		}
	}
	for _, want := range []string{"token 0: ", "token 1: ", "2 of 2 tokens could not be introspected"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr should contain %q:\n%s", want, r.Stderr)
		}
	}
	if strings.Contains(r.Stdout+r.Stderr, t1) || strings.Contains(r.Stdout+r.Stderr, "second-token-value") {
		t.Errorf("output leaks a token")
	}
}

func TestIntrospectBatchOneLineIsSingle(t *testing.T) {
	// One token on stdin keeps the single-token output: Hydra v1's JSON,
	// tab-indented, with no index wrapper.
	c, tok := accessToken(t, "read")
	r := run{Env: serverEnv(), Stdin: "\n" + tok + "\n\n"}.hydra(t, "token", "introspect", "-")
	r.wantCode(t, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || got["client_id"] != c.ClientID {
		t.Fatalf("want the single-token output:\n%s", r.Stdout)
	}
	if !strings.HasPrefix(r.Stdout, "{\n\t\"active\": true,\n") {
		t.Errorf("want Hydra v1's JSON:\n%s", r.Stdout)
	}
}

// Under Hydra v2's spelling, introspect token takes one token as Hydra's
// CLI does (exit 2 for more, where Hydra's exits 1); several come through
// "-", one a line on stdin.
func TestIntrospectBatchV2Spelling(t *testing.T) {
	_, t1 := accessToken(t, "read")
	r := hydra(t, "introspect", "token", "--format", "jsonpath=result.active", t1, "garbage")
	r.wantCode(t, 2)
	r.wantStderr(t, "hydra token introspect TOKEN...")
	if r.Stdout != "" {
		t.Errorf("stdout %q, want nothing", r.Stdout)
	}
	r = run{Env: serverEnv(), Stdin: t1 + "\ngarbage\n"}.hydra(t, "introspect", "token", "--format", "jsonpath=result.active", "-")
	r.wantCode(t, 0)
	if r.Stdout != "true\nfalse\n" {
		t.Errorf("got %q", r.Stdout)
	}
}

func TestIntrospectBatchStopsWhenNothingAnswers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	r := run{Stdin: strings.Repeat("some-token\n", 1000)}.hydra(t, "token", "introspect", "-e", closed, "--retries", "0", "-")
	r.wantCode(t, 1)
	r.assertClean(t)
	lines := parseNDJSON(t, r.Stdout, 1000)
	if lines[0].Error == nil || !strings.Contains(*lines[0].Error, "connection refused") {
		t.Errorf("line 0 should say the connection was refused: %+v", lines[0])
	}
	if lines[999].Error == nil || !strings.HasPrefix(*lines[999].Error, "not sent: ") {
		t.Errorf("line 999 should say it was not sent: %+v", lines[999])
	}
	if !strings.Contains(r.Stderr, "after 16 tokens in a row failed the same way") || !strings.Contains(r.Stderr, "stopped: 1000 of 1000 tokens were not introspected") {
		t.Errorf("stderr should say why it stopped:\n%s", r.Stderr)
	}
}

// Aimed at the public port, every token gets a 404: the batch stops
// sending after a run of them, answers every token, and exits 1
// (issue 11, point 11).
func TestIntrospectBatchStopsOnTheWrongPort(t *testing.T) {
	r := run{Stdin: strings.Repeat("some-token\n", 2000)}.hydra(t, "token", "introspect", "-e", srv.PublicURL, "-")
	r.wantCode(t, 1)
	r.assertClean(t)
	lines := parseNDJSON(t, r.Stdout, 2000)
	if lines[0].Error == nil || !strings.Contains(*lines[0].Error, "404") {
		t.Errorf("line 0 should carry the 404: %+v", lines[0])
	}
	if lines[1999].Error == nil || !strings.HasPrefix(*lines[1999].Error, "not sent: ") {
		t.Errorf("line 1999 should say it was not sent: %+v", lines[1999])
	}
	if !strings.Contains(r.Stderr, "tokens in a row failed the same way (HTTP 404)") {
		t.Errorf("stderr should say why it stopped:\n%s", r.Stderr)
	}
}
