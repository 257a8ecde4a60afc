package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/test/hydratest"
)

// Env is what the runs share: the CLI, Hydra, and the proxy in front of
// Hydra's admin API.
type Env struct {
	CLI   string
	Hydra *hydratest.Server
	Toxi  *Toxiproxy
	// Proxy is the name of the Toxiproxy proxy, and ProxyURL the admin
	// API's URL through it.
	Proxy    string
	ProxyURL string
	// Retries, when positive, is passed as --retries; zero keeps the
	// CLI's default.
	Retries int
}

// trace counts the lines of a -v trace on stderr: attempts, and exchanges
// that ended without an answer. Other lines are kept, a few, for messages.
type trace struct {
	attempts, faults int
	other            []string
	otherN           int
}

func (tr *trace) line(l string) {
	switch {
	case strings.HasPrefix(l, "> POST ") || strings.HasPrefix(l, "> GET ") || strings.HasPrefix(l, "> DELETE "):
		tr.attempts++
	case strings.HasPrefix(l, "< error after"):
		tr.faults++
	case strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "< "):
	default:
		tr.otherN++
		if len(tr.other) < 4000 {
			tr.other = append(tr.other, l)
		}
	}
}

// runCLI runs the CLI with -v against the proxy, feeding stdin and handing
// each stdout line to onOut. It returns the exit code, the trace, the wall
// time and the peak RSS.
func (e *Env) runCLI(ctx context.Context, stdin io.Reader, onOut func(string), args ...string) (code int, tr *trace, wall time.Duration, rss int64, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	args = append(args, "-v")
	if e.Retries > 0 {
		// --timeout spans every attempt of a request, and the backoff
		// grows to 5 s: with the default 10 s, a run of faulty
		// connections can end the retries before the count does (a list
		// failed so after 7 attempts under --retries 8). The runs with a
		// budget must be bounded by that budget alone.
		args = append(args, "--retries", strconv.Itoa(e.Retries), "--timeout", "2m")
	}
	cmd := exec.CommandContext(ctx, e.CLI, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "NO_COLOR=1", "HYDRA_ADMIN_URL=" + e.ProxyURL}
	cmd.Stdin = stdin
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, nil, 0, 0, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, nil, 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, nil, 0, 0, err
	}
	done := make(chan struct{})
	peak := peakRSS(cmd.Process.Pid, done)
	tr = &trace{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			onOut(sc.Text())
		}
	}()
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			tr.line(sc.Text())
		}
	}()
	wg.Wait()
	werr := cmd.Wait()
	wall = time.Since(start)
	close(done)
	rss = <-peak
	if ctx.Err() != nil {
		return 0, tr, wall, rss, fmt.Errorf("%s did not finish in time", args[0])
	}
	code = cmd.ProcessState.ExitCode()
	if werr != nil && code < 0 {
		return 0, tr, wall, rss, werr
	}
	return code, tr, wall, rss, nil
}

// Tokens are valid access tokens, each from one of a few clients, so that
// an answer can be told to belong to its token.
type Tokens struct {
	Tokens  []string
	Clients []string // Clients[i] is the client of Tokens[i]
}

// MintTokens gets n tokens from the client credentials grant of c clients,
// directly from Hydra.
func MintTokens(srv *hydratest.Server, n, c int) (*Tokens, error) {
	var clients []hydratest.Client
	for range c {
		cl, err := srv.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "client_secret_basic", "client_name": "soak-token-client"})
		if err != nil {
			return nil, err
		}
		clients = append(clients, cl)
	}
	t := &Tokens{Tokens: make([]string, n), Clients: make([]string, n)}
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				cl := clients[i%c]
				tok, err := srv.ClientCredentials(cl)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				t.Tokens[i], t.Clients[i] = tok.AccessToken, cl.ClientID
			}
		})
	}
	wg.Wait()
	return t, firstErr
}

// IntrospectResult is what one batch introspection run showed.
type IntrospectResult struct {
	Lines    int
	Wall     time.Duration
	Attempts int // requests sent, retries included
	Faults   int // exchanges that ended without an answer
	Errors   int // lines answered with an error
	Wrong    []string
	PeakRSS  int64
	Phases   int // processes run, each under one phase
	Exit     int
}

// Retries is how many requests were repeats.
func (r IntrospectResult) Retries() int { return r.Attempts - r.Lines }

// Rate is tokens per second, from start to exit.
func (r IntrospectResult) Rate() float64 { return float64(r.Lines) / r.Wall.Seconds() }

// Introspect streams n lines, cycling through toks, into
// "hydra token introspect -" through the proxy, and checks every answer
// line: its index is the next one, and the result is active and belongs to
// the line's token's client. With phases, the lines are split into
// segments of at most 5,000, each run by its own process under the next
// phase in turn.
func (e *Env) Introspect(ctx context.Context, toks *Tokens, n int, phases []Phase) (IntrospectResult, error) {
	var res IntrospectResult
	segments := 1
	if len(phases) > 0 {
		segments = max(len(phases), (n+4999)/5000)
	}
	for seg := range segments {
		from, to := n*seg/segments, n*(seg+1)/segments
		var phase *Phase
		if len(phases) > 0 {
			phase = &phases[seg%len(phases)]
			res.Phases++
		}
		if err := e.Toxi.Use(e.Proxy, phase); err != nil {
			return res, err
		}
		r, err := e.introspect(ctx, toks, from, to)
		if err != nil {
			return res, err
		}
		res.Lines += r.Lines
		res.Wall += r.Wall
		res.Attempts += r.Attempts
		res.Faults += r.Faults
		res.Errors += r.Errors
		res.PeakRSS = max(res.PeakRSS, r.PeakRSS)
		res.Exit = max(res.Exit, r.Exit)
		for _, w := range r.Wrong {
			if len(res.Wrong) < 20 {
				res.Wrong = append(res.Wrong, w)
			}
		}
	}
	return res, e.Toxi.Use(e.Proxy, nil)
}

// introspect runs one process on lines from..to-1.
func (e *Env) introspect(ctx context.Context, toks *Tokens, from, to int) (IntrospectResult, error) {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 64<<10)
		for k := from; k < to; k++ {
			bw.WriteString(toks.Tokens[k%len(toks.Tokens)])
			bw.WriteByte('\n')
		}
		pw.CloseWithError(bw.Flush())
	}()
	var res IntrospectResult
	type line struct {
		Index  *int `json:"index"`
		Result *struct {
			Active   bool   `json:"active"`
			ClientID string `json:"client_id"`
		} `json:"result"`
		Error *string `json:"error"`
	}
	wrong := func(format string, args ...any) {
		if len(res.Wrong) < 20 {
			res.Wrong = append(res.Wrong, fmt.Sprintf(format, args...))
		}
	}
	onOut := func(s string) {
		i := res.Lines
		k := from + i
		res.Lines++
		var l line
		if err := json.Unmarshal([]byte(s), &l); err != nil || l.Index == nil {
			wrong("line %d is not an answer: %.200q", k, s)
			return
		}
		switch {
		case *l.Index != i:
			wrong("line %d has index %d, want %d", k, *l.Index, i)
		case l.Error != nil:
			res.Errors++
			wrong("line %d: error: %s", k, *l.Error)
		case l.Result == nil:
			wrong("line %d has no result", k)
		case !l.Result.Active:
			wrong("line %d: a valid token reported inactive", k)
		case l.Result.ClientID != toks.Clients[k%len(toks.Clients)]:
			wrong("line %d: the answer is about client %s, not %s", k, l.Result.ClientID, toks.Clients[k%len(toks.Clients)])
		}
	}
	code, tr, wall, rss, err := e.runCLI(ctx, pr, onOut, "token", "introspect", "-")
	if err != nil {
		return res, err
	}
	res.Wall, res.PeakRSS, res.Exit = wall, rss, code
	res.Attempts, res.Faults = tr.attempts, tr.faults
	if res.Lines != to-from {
		wrong("%d lines answered, want %d", res.Lines, to-from)
	}
	if code != 0 {
		wrong("exit code %d; stderr: %s", code, strings.Join(tail(tr.other, 5), " | "))
	}
	return res, nil
}

func tail(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// ImportResult is what one client import run showed.
type ImportResult struct {
	Clients   int
	Chosen    int
	Printed   int
	Uncertain []int // indexes of server-ID creates named on stderr as unconfirmed
	Attempts  int
	Faults    int
	Wall      time.Duration
	Wrong     []string
	Exit      int
}

var (
	createdLine = regexp.MustCompile(`^created (\S+) from stdin\[(\d+)\](?:, client_secret: (\S+))?$`)
	errorLine   = regexp.MustCompile(`^error: stdin\[(\d+)\]: (.*)$`)
)

// Import creates n clients with "hydra client import -" through the proxy,
// a share under each phase of faults, one process each; every second one
// has a chosen ID. Each has a
// unique client_name, prefix plus its index. Then it checks, from Hydra
// directly: no client exists twice; every chosen ID exists; every client
// that exists was printed with a secret that works, or is a server-ID
// create named on stderr as unconfirmed; every printed client exists.
func (e *Env) Import(ctx context.Context, prefix string, n int, phases []Phase) (ImportResult, error) {
	res := ImportResult{Clients: n}
	wrong := func(format string, args ...any) {
		if len(res.Wrong) < 20 {
			res.Wrong = append(res.Wrong, fmt.Sprintf(format, args...))
		}
	}
	docs := make([]map[string]any, n)
	for i := range docs {
		docs[i] = map[string]any{"client_name": fmt.Sprintf("%s-%d", prefix, i), "grant_types": []string{"client_credentials"}}
		if i%2 == 0 {
			docs[i]["client_id"] = fmt.Sprintf("%s-id-%d", prefix, i)
			res.Chosen++
		}
	}
	type printed struct{ id, secret string }
	out := map[int]printed{}
	uncertain := map[int]bool{}
	segments := max(1, len(phases))
	for seg := range segments {
		from, to := n*seg/segments, n*(seg+1)/segments
		var phase *Phase
		if len(phases) > 0 {
			phase = &phases[seg]
		}
		if err := e.Toxi.Use(e.Proxy, phase); err != nil {
			return res, err
		}
		in, err := json.Marshal(docs[from:to])
		if err != nil {
			return res, err
		}
		onOut := func(s string) {
			m := createdLine.FindStringSubmatch(s)
			if m == nil {
				wrong("unexpected stdout line %.200q", s)
				return
			}
			i, _ := strconv.Atoi(m[2])
			i += from
			if _, dup := out[i]; dup {
				wrong("client %d printed twice", i)
			}
			out[i] = printed{m[1], m[3]}
		}
		code, tr, wall, _, err := e.runCLI(ctx, bytes.NewReader(in), onOut, "client", "import", "-")
		if err != nil {
			return res, err
		}
		res.Wall += wall
		res.Attempts += tr.attempts
		res.Faults += tr.faults
		lost := 0
		for _, l := range tr.other {
			m := errorLine.FindStringSubmatch(l)
			switch {
			case m == nil:
			case strings.Contains(m[2], "may have created this client"):
				i, _ := strconv.Atoi(m[1])
				uncertain[i+from] = true
				res.Uncertain = append(res.Uncertain, i+from)
				lost++
			default:
				wrong("stderr: %.300s", l)
			}
		}
		if want := min(lost, 1); code != want {
			wrong("exit code %d, want %d; stderr: %s", code, want, strings.Join(tail(tr.other, 5), " | "))
		}
	}
	if err := e.Toxi.Use(e.Proxy, nil); err != nil {
		return res, err
	}
	res.Printed = len(out)

	all, err := ListDirect(e.Hydra)
	if err != nil {
		return res, err
	}
	byName := map[string][]map[string]any{}
	for _, c := range all {
		name, _ := c["client_name"].(string)
		byName[name] = append(byName[name], c)
	}
	var creds []hydratest.Client
	for i, doc := range docs {
		name := doc["client_name"].(string)
		got := byName[name]
		p, wasPrinted := out[i]
		switch {
		case len(got) > 1:
			wrong("%s exists %d times", name, len(got))
		case len(got) == 0 && doc["client_id"] != nil:
			wrong("chosen ID %s does not exist", doc["client_id"])
		case len(got) == 0 && wasPrinted:
			wrong("%s was printed as created but does not exist", name)
		case len(got) == 0 && !uncertain[i]:
			wrong("server-ID client %s was neither created nor named on stderr", name)
		case len(got) == 1 && doc["client_id"] != nil && got[0]["client_id"] != doc["client_id"]:
			wrong("%s has ID %v, want %v", name, got[0]["client_id"], doc["client_id"])
		case len(got) == 1 && wasPrinted && p.id != got[0]["client_id"]:
			wrong("%s printed with ID %s, exists as %v", name, p.id, got[0]["client_id"])
		case len(got) == 1 && wasPrinted && p.secret == "":
			wrong("%s printed without its secret", name)
		case len(got) == 1 && wasPrinted:
			creds = append(creds, hydratest.Client{ClientID: p.id, ClientSecret: p.secret})
		case len(got) == 1 && !uncertain[i]:
			wrong("%s exists but was not printed, nor named on stderr", name)
		case len(got) == 1 && doc["client_id"] != nil:
			wrong("chosen-ID %s named unconfirmed, though a chosen ID can be confirmed", name)
		}
		if uncertain[i] && wasPrinted {
			wrong("%s both printed and named unconfirmed", name)
		}
	}
	// Every secret printed works: a grant with it, directly against Hydra.
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(creds) {
					return
				}
				if _, err := e.Hydra.ClientCredentials(creds[i]); err != nil {
					mu.Lock()
					wrong("the secret printed for %s does not work: %v", creds[i].ClientID, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	sort.Ints(res.Uncertain)
	return res, nil
}

// ListResult is what one client list run showed.
type ListResult struct {
	Runs     int
	Clients  int
	Listed   int
	Attempts int
	Faults   int
	Wall     time.Duration
	Wrong    []string
}

// List walks every page of "hydra client list -q" through the proxy, once
// under each phase of faults, and checks that each run printed exactly the
// clients Hydra holds, each once.
func (e *Env) List(ctx context.Context, phases []Phase) (ListResult, error) {
	var res ListResult
	wrong := func(format string, args ...any) {
		if len(res.Wrong) < 20 {
			res.Wrong = append(res.Wrong, fmt.Sprintf(format, args...))
		}
	}
	all, err := ListDirect(e.Hydra)
	if err != nil {
		return res, err
	}
	res.Clients = len(all)
	want := map[string]bool{}
	for _, c := range all {
		id, _ := c["client_id"].(string)
		want[id] = true
	}
	runs := []*Phase{nil}
	if len(phases) > 0 {
		runs = runs[:0]
		for i := range phases {
			runs = append(runs, &phases[i])
		}
	}
	for _, phase := range runs {
		if err := e.Toxi.Use(e.Proxy, phase); err != nil {
			return res, err
		}
		seen := map[string]int{}
		code, tr, wall, _, err := e.runCLI(ctx, nil, func(s string) { seen[s]++; res.Listed++ }, "client", "list", "-q")
		if err != nil {
			return res, err
		}
		res.Runs++
		res.Wall += wall
		res.Attempts += tr.attempts
		res.Faults += tr.faults
		if code != 0 {
			wrong("exit code %d; stderr: %s", code, strings.Join(tail(tr.other, 5), " | "))
		}
		for id := range want {
			if seen[id] != 1 {
				wrong("client %s listed %d times", id, seen[id])
			}
		}
		for id := range seen {
			if !want[id] {
				wrong("listed %s, which Hydra does not hold", id)
			}
		}
	}
	return res, e.Toxi.Use(e.Proxy, nil)
}

// ListDirect fetches every client from Hydra's admin API directly, page by
// page.
func ListDirect(srv *hydratest.Server) ([]map[string]any, error) {
	var all []map[string]any
	token := ""
	for range 10_000 {
		q := url.Values{"page_size": {"500"}}
		if token != "" {
			q.Set("page_token", token)
		}
		resp, err := srv.HTTP.Get(srv.AdminURL + api.ClientsPath + "?" + q.Encode())
		if err != nil {
			return nil, err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("listing clients: %s: %s", resp.Status, raw)
		}
		var page []map[string]any
		if err := json.Unmarshal(raw, &page); err != nil {
			return nil, err
		}
		all = append(all, page...)
		if token = api.NextPageToken(resp.Header); token == "" || len(page) == 0 {
			return all, nil
		}
	}
	return nil, fmt.Errorf("listing clients: more than 10,000 pages")
}
