// Command bench measures the hydra CLI against references taken in the same
// run, on the same machine, against the same in-memory Ory Hydra v2.3.0:
// one introspection (vs curl and Hydra's own CLI), the same over HTTPS (vs
// curl with the same trusted CA), start-up (vs Hydra's own
// binary and a Go hello-world), batch throughput (vs a bare Go keep-alive
// load generator and xargs -P curl), memory over a million tokens (against
// a fake endpoint in this process) and the binary's size.
//
// "make bench" runs it; docs/performance.md explains the method and keeps
// the latest figures. Every loop is bounded and all traffic stays on
// loopback. It prints PASS or MISS beside each target and exits 0 unless a
// measurement itself failed (a command failed or printed a wrong answer);
// with -strict, a missed target exits 1 too.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

type config struct {
	cli         string
	runs        int
	batch       int
	rounds      int
	concurrency int
	memory      int
	xargs       int
	https       bool
	strict      bool
	// defaultHashing repeats figure 7 against a Hydra with its default hashing.
	defaultHashing bool
	// figures selects the figures to run, by number; empty runs all.
	figures map[string]bool
	// Figure 8 (token verify): distinct tokens minted, lines verified,
	// lines introspected for comparison, lines of the memory run.
	verifyDistinct, verifyTokens, verifyIntrospect, verifyMemory int
}

// want reports whether figure n is to be run.
func (c config) want(n string) bool { return len(c.figures) == 0 || c.figures[n] }

func main() {
	var c config
	flag.StringVar(&c.cli, "cli", "bin/hydra", "the hydra `binary` to measure, built for release")
	flag.IntVar(&c.runs, "runs", 31, "processes per single-process figure (median taken)")
	flag.IntVar(&c.batch, "batch", 8000, "tokens in the batch throughput figure")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds of the batch throughput figure (median taken)")
	flag.IntVar(&c.concurrency, "concurrency", 8, "concurrency of the batch figures")
	flag.IntVar(&c.memory, "memory", 1_000_000, "tokens in the memory figure")
	flag.IntVar(&c.xargs, "xargs", 400, "tokens for the xargs -P curl reference (0 skips it)")
	flag.BoolVar(&c.https, "https", true, "measure one introspection over HTTPS too, against a second Hydra serving TLS")
	flag.BoolVar(&c.strict, "strict", false, "exit 1 when a target is missed")
	flag.BoolVar(&c.defaultHashing, "default-hashing", true, "measure figure 7's single call again against a second Hydra with its default secret hashing")
	flag.IntVar(&c.verifyDistinct, "verify-distinct", 2000, "distinct JWT access tokens Hydra mints for figure 8")
	flag.IntVar(&c.verifyTokens, "verify-tokens", 100_000, "lines token verify - reads in figure 8's throughput")
	flag.IntVar(&c.verifyIntrospect, "verify-introspect", 5000, "of those lines, how many token introspect - reads for figure 8's comparison")
	flag.IntVar(&c.verifyMemory, "verify-memory", 1_000_000, "lines in figure 8's memory run (0 skips it)")
	figures := flag.String("figures", "", "run only these figures, by number, comma-separated, such as 8 or 3,4 (default: all)")
	flag.Parse()
	if *figures != "" {
		c.figures = map[string]bool{}
		for _, f := range strings.Split(*figures, ",") {
			c.figures[strings.TrimSpace(f)] = true
		}
	}
	// Bounded: the whole run stops after 30 minutes, or on Ctrl-C.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	code, err := run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// row is one line of the report.
type row struct {
	figure, value, reference, ratio, target, status string
}

type report struct {
	rows   []row
	missed int
}

func (r *report) add(figure, value, reference string) {
	r.rows = append(r.rows, row{figure: figure, value: value, reference: reference})
	r.progress()
}

// progress shows the row just added on stderr, so that a run stopped
// before the table still leaves its figures.
func (r *report) progress() {
	x := r.rows[len(r.rows)-1]
	step("%s: %s; %s %s %s %s", x.figure, x.value, x.reference, x.ratio, x.target, x.status)
}

// check adds a figure with a target: ratio = value/ref must be ≤ limit
// (or ≥ limit when atLeast).
func (r *report) check(figure, value, reference string, ratio, limit float64, atLeast bool) {
	ok := ratio <= limit
	op := "≤"
	if atLeast {
		ok, op = ratio >= limit, "≥"
	}
	status := "PASS"
	if !ok {
		status = "MISS"
		r.missed++
	}
	r.rows = append(r.rows, row{figure, value, reference, fmt.Sprintf("%.2f", ratio), fmt.Sprintf("%s %.2f", op, limit), status})
	r.progress()
}

func (r *report) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tHYDRA CLI\tREFERENCE (same run)\tRATIO\tTARGET\t")
	for _, x := range r.rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", x.figure, x.value, x.reference, x.ratio, x.target, x.status)
	}
	tw.Flush()
}

func run(ctx context.Context, c config) (int, error) {
	cli, err := filepath.Abs(c.cli)
	if err != nil {
		return 1, err
	}
	if _, err := os.Stat(cli); err != nil {
		return 1, fmt.Errorf("%w (run make build first)", err)
	}
	hydraBin, err := hydratest.Binary()
	if err != nil {
		return 1, err
	}
	printMachine(os.Stdout)

	rep := &report{}
	// Size first: it needs no server.
	if fi, err := os.Stat(cli); err == nil && c.want("5") {
		hfi, _ := os.Stat(hydraBin)
		mb := float64(fi.Size()) / 1e6
		rep.check("5. binary size (stripped)", fmt.Sprintf("%.1f MB", mb), fmt.Sprintf("target 14 MB; Hydra's %.0f MB", float64(hfi.Size())/1e6), mb/14, 1, false)
	}

	// The memory figure needs no Hydra either: a fake endpoint answers.
	if c.memory > 0 && c.want("4") {
		step("4. memory: %d tokens from stdin against a fake endpoint", c.memory)
		if err := memoryFigure(ctx, c, cli, rep); err != nil {
			return 1, fmt.Errorf("memory figure: %w", err)
		}
	}

	if !c.want("1") && !c.want("2") && !c.want("3") && !c.want("6") && !c.want("7") && !c.want("8") {
		return finish(rep, c)
	}
	step("starting Ory Hydra %s in memory", hydratest.HydraVersion)
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	// Client secrets are hashed with one PBKDF2 iteration, so that minting
	// thousands of tokens takes seconds; introspection does not hash.
	srv, err := hydratest.Start(startCtx, hydratest.Options{Config: "oauth2:\n  hashers:\n    algorithm: pbkdf2\n    pbkdf2:\n      iterations: 1\n"})
	cancel()
	if err != nil {
		return 1, err
	}
	defer srv.Stop()

	var tokens []string
	if c.want("1") || c.want("3") {
		need := max(c.batch, c.xargs, 1)
		step("minting %d tokens", need)
		if tokens, err = mintTokens(srv, need); err != nil {
			return 1, err
		}
	}

	if c.want("1") {
		step("1. one introspection, %d processes each", c.runs)
		if err := singleFigure(ctx, c, cli, hydraBin, srv, tokens[0], rep); err != nil {
			return 1, fmt.Errorf("single introspection: %w", err)
		}
	}
	if c.want("2") {
		step("2. start-up, %d processes each", c.runs)
		if err := startupFigure(ctx, c, cli, hydraBin, rep); err != nil {
			return 1, fmt.Errorf("start-up: %w", err)
		}
	}
	if c.https && c.want("6") {
		step("6. one introspection over HTTPS, %d processes each", c.runs)
		if err := httpsFigure(ctx, c, cli, rep); err != nil {
			return 1, fmt.Errorf("https: %w", err)
		}
	}
	if c.batch > 0 && c.want("3") {
		step("3. batch: %d tokens at concurrency %d, %d rounds", c.batch, c.concurrency, c.rounds)
		if err := batchFigure(ctx, c, cli, srv, tokens[:c.batch], rep); err != nil {
			return 1, fmt.Errorf("batch: %w", err)
		}
	}

	if c.want("7") {
		step("7. token client --cache: %d processes each, then 100 sequential calls", c.runs)
		if err := cacheFigure(ctx, c, cli, srv, rep); err != nil {
			return 1, fmt.Errorf("token cache: %w", err)
		}
	}
	if c.defaultHashing && c.want("7") {
		step("7. token client --cache against a Hydra with its default secret hashing, %d processes each", c.runs)
		if err := cacheDefaultHashingFigure(ctx, c, cli, rep); err != nil {
			return 1, fmt.Errorf("token cache, default hashing: %w", err)
		}
	}

	if c.want("8") && c.verifyTokens > 0 {
		if err := verifyFigures(ctx, c, cli, srv, rep); err != nil {
			return 1, fmt.Errorf("token verify: %w", err)
		}
	}
	return finish(rep, c)
}

// finish prints the report and chooses the exit code.
func finish(rep *report, c config) (int, error) {
	fmt.Println()
	slices.SortStableFunc(rep.rows, func(a, b row) int { return strings.Compare(a.figure[:2], b.figure[:2]) })
	rep.print(os.Stdout)
	fmt.Println()
	if rep.missed > 0 {
		fmt.Printf("%d target(s) missed. Wall times on a shared machine are noisy: see docs/performance.md.\n", rep.missed)
		if c.strict {
			return 1, nil
		}
	} else {
		fmt.Println("Every target met.")
	}
	return 0, nil
}

func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func printMachine(w io.Writer) {
	model := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Fprintf(w, "machine: %d CPUs (nproc), %s; %s %s/%s; load average %s\n",
		runtime.NumCPU(), model, runtime.Version(), runtime.GOOS, runtime.GOARCH, load)
}

// sample is one process's wall time and peak resident memory.
type sample struct {
	wall time.Duration
	rss  int64         // bytes
	cpu  time.Duration // user + system
}

// proc runs one process and measures it. It fails unless the process exits
// 0 and check (if any) accepts its stdout.
type proc struct {
	name  string
	args  []string
	env   []string
	stdin func() io.Reader
	out   func() io.Writer // default: a buffer given to check
	check func(stdout []byte) error
	// rss measures peak memory under GNU time, when it is installed; see
	// peakRSS.
	rss bool
}

// gnuTime is GNU time's path, or "" when it is not installed.
var gnuTime = func() string {
	p, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		return ""
	}
	// BusyBox's time, for one, takes no -f.
	out, err := exec.Command(p, "-f", "%M", "true").CombinedOutput()
	if _, perr := strconv.ParseInt(string(bytes.TrimSpace(out)), 10, 64); err != nil || perr != nil {
		return ""
	}
	return p
}()

// rssNote says how peak memory was measured, for the report.
func rssNote() string {
	if gnuTime != "" {
		return ""
	}
	return " (no GNU time: the bench's own RSS is a floor)"
}

func (p proc) run(ctx context.Context) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	args := p.args
	if p.rss && gnuTime != "" {
		// Linux carries the peak RSS of the mm a process had before exec
		// into ru_maxrss. Go starts children with vfork, whose mm is the
		// parent's, so a child of this (large) process would report at
		// least this process's RSS. GNU time forks from a small process,
		// so what it reports is the child's own peak, give or take its
		// own megabyte.
		args = append([]string{gnuTime, "-f", "%M"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, p.env...)
	if p.stdin != nil {
		cmd.Stdin = p.stdin()
	}
	var buf bytes.Buffer
	cmd.Stdout = &buf
	if p.out != nil {
		cmd.Stdout = p.out()
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s", p.name, err, excerpt(stderr.String()))
	}
	if p.check != nil {
		if err := p.check(buf.Bytes()); err != nil {
			return sample{}, fmt.Errorf("%s: %v", p.name, err)
		}
	}
	var rss int64
	if p.rss && gnuTime != "" {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		kib, err := strconv.ParseInt(strings.TrimSpace(lines[len(lines)-1]), 10, 64)
		if err != nil {
			return sample{}, fmt.Errorf("%s: reading GNU time's %%M: %q", p.name, lines[len(lines)-1])
		}
		rss = kib * 1024
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024 // KiB on Linux
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return sample{wall: wall, rss: rss, cpu: cpu}, nil
}

func excerpt(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// interleave runs each proc n times, one of each in turn, so that a burst of
// load on the machine hits them alike, and returns the medians.
func interleave(ctx context.Context, n int, procs ...proc) ([]sample, error) {
	walls := make([][]time.Duration, len(procs))
	rsss := make([][]int64, len(procs))
	for range n {
		for i, p := range procs {
			s, err := p.run(ctx)
			if err != nil {
				return nil, err
			}
			walls[i] = append(walls[i], s.wall)
			rsss[i] = append(rsss[i], s.rss)
		}
	}
	out := make([]sample, len(procs))
	for i := range procs {
		out[i] = sample{wall: median(walls[i]), rss: median(rsss[i])}
	}
	return out, nil
}

func median[T int64 | time.Duration | float64](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
func mib(b int64) string        { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func mintTokens(srv *hydratest.Server, n int) ([]string, error) {
	return mintTokensFor(srv, map[string]any{
		"grant_types":                []string{"client_credentials"},
		"scope":                      "read",
		"token_endpoint_auth_method": "client_secret_basic",
	}, n)
}

func wantActive(out []byte) error {
	if !bytes.Contains(out, []byte(`"active": true`)) && !bytes.Contains(out, []byte(`"active":true`)) {
		return fmt.Errorf("the answer is not an active introspection: %s", excerpt(string(out)))
	}
	return nil
}

func singleFigure(ctx context.Context, c config, cli, hydraBin string, srv *hydratest.Server, token string, rep *report) error {
	procs := []proc{{
		name:  "hydra token introspect",
		args:  []string{cli, "token", "introspect", token},
		env:   []string{"HYDRA_ADMIN_URL=" + srv.AdminURL},
		check: wantActive,
	}, {
		name: "Hydra v2.3.0's hydra introspect token",
		args: []string{hydraBin, "introspect", "token", "-e", srv.AdminURL, token},
		// It prints a table: "ACTIVE\t\ttrue\t...".
		check: func(out []byte) error {
			if f := strings.Fields(string(out)); len(f) < 2 || f[0] != "ACTIVE" || f[1] != "true" {
				return fmt.Errorf("the answer is not an active introspection: %s", excerpt(string(out)))
			}
			return nil
		},
	}}
	curl, _ := exec.LookPath("curl")
	if curl != "" {
		procs = append(procs, proc{
			name:  "curl",
			args:  []string{curl, "-s", "-d", "token=" + token, srv.AdminURL + "/admin/oauth2/introspect"},
			check: wantActive,
		})
	}
	s, err := interleave(ctx, c.runs, procs...)
	if err != nil {
		return err
	}
	if curl == "" {
		rep.add("1. one introspection, median wall", ms(s[0].wall), "curl not found: reference skipped")
		rep.add("1. (Hydra v2.3.0 introspect token)", ms(s[1].wall), "")
		return nil
	}
	rep.check("1. one introspection, median wall", ms(s[0].wall), "curl "+ms(s[2].wall), ratio(s[0].wall, s[2].wall), 1, false)
	rep.add("1. (Hydra v2.3.0 introspect token)", ms(s[1].wall), fmt.Sprintf("%.2f× curl", ratio(s[1].wall, s[2].wall)))
	return nil
}

// httpsFigure times one introspection against a Hydra serving TLS with a
// certificate from a CA made for it, beside curl trusting the same CA in the
// same way: (a) the CA given as a flag (--ca-cert, curl --cacert); (b) the
// CA as the only trusted root, in SSL_CERT_FILE with an empty SSL_CERT_DIR
// (curl: CURL_CA_BUNDLE, which Debian's curl reads before its built-in
// bundle, and the same SSL_CERT_*). All four run in one interleaved loop.
func httpsFigure(ctx context.Context, c config, cli string, rep *report) error {
	curl, err := exec.LookPath("curl")
	if err != nil {
		rep.add("6. HTTPS introspection", "", "curl not found: skipped")
		return nil
	}
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	srv, err := hydratest.Start(startCtx, hydratest.Options{TLS: true})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	client, err := srv.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "client_secret_basic"})
	if err != nil {
		return err
	}
	tok, err := srv.ClientCredentials(client)
	if err != nil {
		return err
	}
	emptyDir, err := os.MkdirTemp("", "bench-certs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(emptyDir)
	alone := []string{"SSL_CERT_FILE=" + srv.CAFile, "SSL_CERT_DIR=" + emptyDir}
	endpoint := srv.AdminURL + "/admin/oauth2/introspect"
	form := "token=" + tok.AccessToken
	procs := []proc{
		{name: "hydra --ca-cert", args: []string{cli, "token", "introspect", "--ca-cert", srv.CAFile, tok.AccessToken},
			env: []string{"HYDRA_ADMIN_URL=" + srv.AdminURL}, check: wantActive},
		{name: "curl --cacert", args: []string{curl, "-s", "--cacert", srv.CAFile, "-d", form, endpoint}, check: wantActive},
		{name: "hydra, SSL_CERT_FILE", args: []string{cli, "token", "introspect", tok.AccessToken},
			env: append([]string{"HYDRA_ADMIN_URL=" + srv.AdminURL}, alone...), check: wantActive},
		{name: "curl, SSL_CERT_FILE", args: []string{curl, "-s", "-d", form, endpoint},
			env: append([]string{"CURL_CA_BUNDLE=" + srv.CAFile}, alone...), check: wantActive},
	}
	s, err := interleave(ctx, c.runs, procs...)
	if err != nil {
		return err
	}
	rep.check("6a. HTTPS: --ca-cert, median wall", ms(s[0].wall), "curl --cacert "+ms(s[1].wall), ratio(s[0].wall, s[1].wall), 1, false)
	rep.check("6b. HTTPS: CA alone in SSL_CERT_FILE", ms(s[2].wall), "curl, same file "+ms(s[3].wall), ratio(s[2].wall, s[3].wall), 1, false)
	return nil
}

func ratio[T int64 | time.Duration | float64](a, b T) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func startupFigure(ctx context.Context, c config, cli, hydraBin string, rep *report) error {
	hello, cleanup, err := buildHello(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	nonEmpty := func(out []byte) error {
		if len(out) == 0 {
			return errors.New("printed nothing")
		}
		return nil
	}
	procs := []proc{
		{name: "hydra version", args: []string{cli, "version"}, check: nonEmpty},
		{name: "Hydra v2.3.0's hydra version", args: []string{hydraBin, "version"}, check: nonEmpty},
		{name: "Go hello-world", args: []string{hello}, check: nonEmpty},
	}
	s, err := interleave(ctx, c.runs, procs...)
	if err != nil {
		return err
	}
	// Memory in runs of their own, so that GNU time's start-up does not
	// count in the wall times.
	for i := range procs {
		procs[i].rss = true
	}
	m, err := interleave(ctx, max(c.runs/3, 3), procs...)
	if err != nil {
		return err
	}
	for i := range s {
		s[i].rss = m[i].rss
	}
	rep.check("2. start-up: hydra version, median wall", ms(s[0].wall), "Hydra v2.3.0 "+ms(s[1].wall), ratio(s[0].wall, s[1].wall), 0.2, false)
	rep.check("2. start-up: hydra version, peak RSS", mib(s[0].rss), "Hydra v2.3.0 "+mib(s[1].rss)+rssNote(), ratio(s[0].rss, s[1].rss), 0.5, false)
	rep.add("2. (Go hello-world)", ms(s[2].wall)+", "+mib(s[2].rss), fmt.Sprintf("hydra version is %.2f× its time", ratio(s[0].wall, s[2].wall)))
	return nil
}

func buildHello(ctx context.Context) (string, func(), error) {
	dir, err := os.MkdirTemp("", "bench-hello-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	files := map[string]string{
		"go.mod":  "module hello\n\ngo 1.26\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			cleanup()
			return "", nil, err
		}
	}
	bin := filepath.Join(dir, "hello")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("building a Go hello-world: %v\n%s", err, out)
	}
	return bin, cleanup, nil
}

// lineCounter counts lines, and lines that hold want, without keeping them.
type lineCounter struct {
	want        []byte
	lines, hits int
	partial     []byte
}

func (l *lineCounter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = append(l.partial, p...)
			break
		}
		line := p[:i]
		if len(l.partial) > 0 {
			line = append(l.partial, line...)
			l.partial = l.partial[:0]
		}
		l.lines++
		if bytes.Contains(line, l.want) {
			l.hits++
		}
		p = p[i+1:]
	}
	return n, nil
}

func batchFigure(ctx context.Context, c config, cli string, srv *hydratest.Server, tokens []string, rep *report) error {
	stdin := []byte(strings.Join(tokens, "\n") + "\n")
	var counter *lineCounter
	cliProc := proc{
		name:  "hydra token introspect -",
		args:  []string{cli, "token", "introspect", "--concurrency", fmt.Sprint(c.concurrency), "-"},
		env:   []string{"HYDRA_ADMIN_URL=" + srv.AdminURL},
		stdin: func() io.Reader { return bytes.NewReader(stdin) },
		out: func() io.Writer {
			counter = &lineCounter{want: []byte(`"active":true`)}
			return counter
		},
		check: func([]byte) error {
			if counter.lines != len(tokens) || counter.hits != len(tokens) {
				return fmt.Errorf("%d lines, %d active, want %d of each", counter.lines, counter.hits, len(tokens))
			}
			return nil
		},
	}
	var cliRates, genRates, cliCPU, genCPU []float64
	for range c.rounds {
		s, err := cliProc.run(ctx)
		if err != nil {
			return err
		}
		cliRates = append(cliRates, float64(len(tokens))/s.wall.Seconds())
		cliCPU = append(cliCPU, float64(s.cpu.Microseconds())/float64(len(tokens)))
		before := selfCPU()
		d, err := loadGenerator(ctx, srv.AdminURL, tokens, c.concurrency)
		if err != nil {
			return err
		}
		genRates = append(genRates, float64(len(tokens))/d.Seconds())
		genCPU = append(genCPU, float64((selfCPU()-before).Microseconds())/float64(len(tokens)))
	}
	cr, gr := median(cliRates), median(genRates)
	rep.check(fmt.Sprintf("3. batch: %d tokens, --concurrency %d", len(tokens), c.concurrency), fmt.Sprintf("%.0f/s", cr),
		fmt.Sprintf("Go keep-alive generator %.0f/s", gr), cr/gr, 0.8, true)
	rep.add("3. (client CPU per token)", fmt.Sprintf("%.0f µs", median(cliCPU)), fmt.Sprintf("generator %.0f µs", median(genCPU)))

	if c.xargs > 0 {
		curl, err := exec.LookPath("curl")
		if err != nil {
			rep.add("3. (xargs -P curl)", "", "curl not found: skipped")
			return nil
		}
		n := min(c.xargs, len(tokens))
		in := strings.Join(tokens[:n], "\n") + "\n"
		s, err := proc{
			name:  "xargs -P curl",
			args:  []string{"xargs", "-P", fmt.Sprint(c.concurrency), "-I{}", curl, "-s", "-o", "/dev/null", "-d", "token={}", srv.AdminURL + "/admin/oauth2/introspect"},
			stdin: func() io.Reader { return strings.NewReader(in) },
		}.run(ctx)
		if err != nil {
			return err
		}
		rep.add(fmt.Sprintf("3. (xargs -P%d curl, %d tokens)", c.concurrency, n), "", fmt.Sprintf("%.0f/s", float64(n)/s.wall.Seconds()))
	}
	return nil
}

// selfCPU is this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadGenerator is the bare reference: concurrency goroutines posting
// introspection requests over kept-alive connections, reading each body.
func loadGenerator(ctx context.Context, adminURL string, tokens []string, concurrency int) (time.Duration, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: concurrency}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	endpoint := adminURL + "/admin/oauth2/introspect"
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(tokens) || ctx.Err() != nil {
					return
				}
				resp, err := client.PostForm(endpoint, url.Values{"token": {tokens[i]}})
				if err != nil {
					failed.Store(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Store(fmt.Errorf("load generator: %s", resp.Status))
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		return 0, err
	}
	return d, ctx.Err()
}

func memoryFigure(ctx context.Context, c config, cli string, rep *report) error {
	var served atomic.Int64
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"active":true}`)
	}))
	defer fake.Close()
	var counter *lineCounter
	s, err := proc{
		name: "hydra token introspect - (1M)",
		rss:  true,
		args: []string{cli, "token", "introspect", "--concurrency", fmt.Sprint(c.concurrency), "-"},
		env:  []string{"HYDRA_ADMIN_URL=" + fake.URL},
		stdin: func() io.Reader {
			pr, pw := io.Pipe()
			go func() {
				bw := bufio.NewWriterSize(pw, 64<<10)
				for i := range c.memory {
					fmt.Fprintf(bw, "ory_at_bench-token-%09d.signature-part-of-a-realistic-length-0123456789abcdef\n", i)
				}
				pw.CloseWithError(bw.Flush())
			}()
			return pr
		},
		out: func() io.Writer {
			counter = &lineCounter{want: []byte(`"result":{"active":true}`)}
			return counter
		},
		check: func([]byte) error {
			if counter.lines != c.memory || counter.hits != c.memory {
				return fmt.Errorf("%d lines, %d active, want %d of each", counter.lines, counter.hits, c.memory)
			}
			return nil
		},
	}.run(ctx)
	if err != nil {
		return err
	}
	limit := int64(60 << 20)
	rep.check(fmt.Sprintf("4. memory: %d tokens, peak RSS", c.memory), mib(s.rss),
		fmt.Sprintf("target 60 MiB (%.0f tokens/s, fake endpoint)%s", float64(c.memory)/s.wall.Seconds(), rssNote()), ratio(s.rss, limit), 1, false)
	return nil
}

// cacheFigure times "token client --cache" reading a cached token against
// an uncached "token client" from the same run: one call (medians of
// interleaved runs), and 100 sequential calls of each.
func cacheFigure(ctx context.Context, c config, cli string, srv *hydratest.Server, rep *report) error {
	uncached, cached, s, cleanup, err := cacheSingleCall(ctx, c, cli, srv)
	if err != nil {
		return err
	}
	defer cleanup()
	rep.check("7. token client --cache, median wall", ms(s[1].wall), "uncached "+ms(s[0].wall), ratio(s[1].wall, s[0].wall), 0.5, false)

	const n = 100
	seq := func(p proc) (time.Duration, error) {
		start := time.Now()
		for range n {
			if _, err := p.run(ctx); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	tu, err := seq(uncached)
	if err != nil {
		return err
	}
	tc, err := seq(cached)
	if err != nil {
		return err
	}
	rep.check("7. 100 sequential token client --cache", ms(tc), fmt.Sprintf("100 uncached %s", ms(tu)), ratio(tc, tu), 0.3, false)
	return nil
}

// cacheDefaultHashingFigure is figure 7's single call again, against a
// second Hydra with its default secret hashing (PBKDF2, 25,000 iterations),
// which a real deployment has: the bench's own Hydra hashes with one
// iteration, so that figure 3 can mint thousands of tokens, which makes its
// grants cheaper than any real server's. It is reported beside figure 7,
// without a target of its own.
func cacheDefaultHashingFigure(ctx context.Context, c config, cli string, rep *report) error {
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	srv, err := hydratest.Start(startCtx, hydratest.Options{})
	cancel()
	if err != nil {
		return err
	}
	defer srv.Stop()
	_, _, s, cleanup, err := cacheSingleCall(ctx, c, cli, srv)
	if err != nil {
		return err
	}
	defer cleanup()
	rep.add("7. (Hydra's default hashing)", ms(s[1].wall), fmt.Sprintf("uncached %s; ratio %.2f", ms(s[0].wall), ratio(s[1].wall, s[0].wall)))
	return nil
}

// cacheSingleCall creates a client on srv, fills a cache with its token,
// and times the uncached and the cached "token client" processes,
// interleaved (samples s[0] and s[1]). It returns the two processes for
// more runs, and cleanup, which removes the cache.
func cacheSingleCall(ctx context.Context, c config, cli string, srv *hydratest.Server) (uncached, cached proc, s []sample, cleanup func(), err error) {
	client, err := srv.CreateClient(map[string]any{
		"grant_types":                []string{"client_credentials"},
		"scope":                      "read",
		"token_endpoint_auth_method": "client_secret_basic",
	})
	if err != nil {
		return proc{}, proc{}, nil, nil, err
	}
	cacheHome, err := os.MkdirTemp("", "hydra-bench-cache-")
	if err != nil {
		return proc{}, proc{}, nil, nil, err
	}
	cleanup = func() { os.RemoveAll(cacheHome) }
	env := []string{"HYDRA_URL=" + srv.PublicURL, "OAUTH2_CLIENT_ID=" + client.ClientID, "OAUTH2_CLIENT_SECRET=" + client.ClientSecret, "XDG_CACHE_HOME=" + cacheHome}
	oneToken := func(out []byte) error {
		if s := strings.TrimSpace(string(out)); s == "" || strings.Contains(s, "\n") {
			return fmt.Errorf("not one token: %q", excerpt(string(out)))
		}
		return nil
	}
	uncached = proc{name: "hydra token client", args: []string{cli, "token", "client", "--scope", "read"}, env: env, check: oneToken}
	var warm []byte
	cached = proc{name: "hydra token client --cache", args: []string{cli, "token", "client", "--scope", "read", "--cache"}, env: env,
		check: func(out []byte) error {
			if !bytes.Equal(out, warm) {
				return fmt.Errorf("the cached call printed another token than the one cached")
			}
			return nil
		}}
	// Fill the cache, and keep what a cached call must print.
	fill := cached
	fill.check = func(out []byte) error { warm = slices.Clone(out); return oneToken(out) }
	if _, err := fill.run(ctx); err != nil {
		cleanup()
		return proc{}, proc{}, nil, nil, err
	}
	if s, err = interleave(ctx, c.runs, uncached, cached); err != nil {
		cleanup()
		return proc{}, proc{}, nil, nil, err
	}
	return uncached, cached, s, cleanup, nil
}
