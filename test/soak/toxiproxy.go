// Package soak runs the hydra CLI against a real Ory Hydra v2.3.0 behind
// Toxiproxy, Shopify's TCP fault injector, under changing faults: latency
// with jitter, connections reset, connections that go silent and close,
// slow closes and a narrow bandwidth. It checks that nothing is lost or
// wrong: every token answered once and in order, every client created once
// and printed with its secret, every client listed once.
//
// "make soak" runs the full version (TestSoak with SOAK=1); make test runs
// a short one. docs/performance.md keeps the figures.
package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// ToxiproxyVersion is the version of Toxiproxy that test/toxiproxy pins.
const ToxiproxyVersion = "v2.5.0"

// ToxiproxyBinary returns the path of toxiproxy-server, built from the tool
// module test/toxiproxy and cached like Hydra's binary.
func ToxiproxyBinary() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the soak package's source")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "toxiproxy")
	return hydratest.BuildCached(dir, "github.com/Shopify/toxiproxy/v2/cmd/server", "toxiproxy-server-"+ToxiproxyVersion, nil, "CGO_ENABLED=0")
}

// Toxiproxy is a running toxiproxy-server, driven through its HTTP API on
// a loopback port.
type Toxiproxy struct {
	api  string
	cmd  *exec.Cmd
	done chan struct{}
	log  syncBuffer
	http *http.Client
	// installed names the toxics that Install added.
	installed []string
}

// StartToxiproxy starts toxiproxy-server on a free loopback port.
func StartToxiproxy(ctx context.Context) (*Toxiproxy, error) {
	bin, err := ToxiproxyBinary()
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	t := &Toxiproxy{api: "http://127.0.0.1:" + port, done: make(chan struct{}), http: &http.Client{Timeout: 10 * time.Second}}
	t.cmd = exec.Command(bin, "-host", "127.0.0.1", "-port", port)
	t.cmd.Stdout, t.cmd.Stderr = &t.log, &t.log
	t.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := t.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting toxiproxy-server: %w", err)
	}
	go func() { _ = t.cmd.Wait(); close(t.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-t.done:
			return nil, fmt.Errorf("toxiproxy-server exited at start")
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		default:
		}
		if resp, err := t.http.Get(t.api + "/version"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return t, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Stop()
	return nil, fmt.Errorf("toxiproxy-server did not answer within 30s")
}

// Stop ends toxiproxy-server.
func (t *Toxiproxy) Stop() {
	if t.cmd == nil || t.cmd.Process == nil {
		return
	}
	_ = t.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-t.done:
	case <-time.After(5 * time.Second):
		_ = t.cmd.Process.Kill()
		<-t.done
	}
}

func (t *Toxiproxy) call(method, path string, body any, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, t.api+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.http.Do(req)
	if err != nil {
		return fmt.Errorf("toxiproxy %s %s: %w\n%s", method, path, err, lastLines(t.log.String(), 30))
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("toxiproxy %s %s: %s: %s", method, path, resp.Status, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// Proxy creates a proxy named name from a free loopback port to upstream
// (host:port), and returns the address it listens on.
func (t *Toxiproxy) Proxy(name, upstream string) (string, error) {
	var p struct {
		Listen string `json:"listen"`
	}
	err := t.call(http.MethodPost, "/proxies", map[string]any{"name": name, "listen": "127.0.0.1:0", "upstream": upstream, "enabled": true}, &p)
	return p.Listen, err
}

// Toxic is one fault on a proxy's connections; see Toxiproxy's README for
// the types and their attributes.
type Toxic struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Stream     string         `json:"stream"`
	Toxicity   float32        `json:"toxicity"`
	Attributes map[string]any `json:"attributes"`
}

// Phase is a set of toxics applied together.
type Phase struct {
	Name   string
	Toxics []Toxic
}

func latency(ms, jitter int) Toxic {
	return Toxic{Name: "latency", Type: "latency", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"latency": ms, "jitter": jitter}}
}

// Phases are the faults the soak cycles through. Each keeps the server
// reachable: a fault hits a share of the connections, or slows them all.
// Toxicity is drawn for each connection whenever the toxics change, so a
// connection that was healthy may turn faulty at the next phase.
var Phases = []Phase{
	{"latency 2±2 ms; reset_peer on 50% of connections: the first answer swallowed, reset after 300 ms", []Toxic{
		latency(2, 2),
		{Name: "reset", Type: "reset_peer", Stream: "downstream", Toxicity: 0.5, Attributes: map[string]any{"timeout": 300}},
	}},
	// A connection lives a few hundred answers, then breaks mid-answer,
	// after the server did the work: new connections keep coming, each
	// drawn anew for the reset. The limit is above the largest answer (a
	// page of 250 clients), or that answer could never pass.
	{"latency 2±2 ms; every connection closed after 512 KB of answers, mid-answer; reset_peer on 30%", []Toxic{
		latency(2, 2),
		{Name: "limit", Type: "limit_data", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"bytes": 512 << 10}},
		{Name: "reset", Type: "reset_peer", Stream: "downstream", Toxicity: 0.3, Attributes: map[string]any{"timeout": 300}},
	}},
	{"latency 2±2 ms; timeout on 10% of connections: silent, then closed after 1 s", []Toxic{
		latency(2, 2),
		{Name: "timeout", Type: "timeout", Stream: "downstream", Toxicity: 0.1, Attributes: map[string]any{"timeout": 1000}},
	}},
	{"latency 5±5 ms; slow_close 200 ms on every connection", []Toxic{
		latency(5, 5),
		{Name: "slow_close", Type: "slow_close", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"delay": 200}},
	}},
	{"latency 2±2 ms; bandwidth 64 KB/s per connection; reset_peer on 20% after 100 ms", []Toxic{
		latency(2, 2),
		{Name: "bandwidth", Type: "bandwidth", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"rate": 64}},
		{Name: "reset", Type: "reset_peer", Stream: "downstream", Toxicity: 0.2, Attributes: map[string]any{"timeout": 100}},
	}},
}

// Install adds every toxic that phases use to proxy, each harmless
// (toxicity 0), so that Use then only updates them. Call it before any
// connection to the proxy exists: Toxiproxy v2.5.0 can panic (index out of
// range in ToxicLink.AddToxic) when a toxic is added while connections are
// being made, and updating a toxic does not race so.
func (t *Toxiproxy) Install(proxy string, phases []Phase) error {
	seen := map[string]bool{}
	for _, p := range phases {
		for _, x := range p.Toxics {
			if seen[x.Name] {
				continue
			}
			seen[x.Name] = true
			x.Toxicity = 0
			if err := t.call(http.MethodPost, "/proxies/"+proxy+"/toxics", x, nil); err != nil {
				return err
			}
			t.installed = append(t.installed, x.Name)
		}
	}
	return nil
}

// apply updates the installed toxics: those of phase to its toxicity and
// attributes, the others (all, when phase is nil) to toxicity 0.
func (t *Toxiproxy) apply(proxy string, phase *Phase) error {
	on := map[string]Toxic{}
	if phase != nil {
		for _, x := range phase.Toxics {
			on[x.Name] = x
		}
	}
	for _, name := range t.installed {
		body := map[string]any{"toxicity": 0}
		if x, ok := on[name]; ok {
			body = map[string]any{"toxicity": x.Toxicity, "attributes": x.Attributes}
		}
		if err := t.call(http.MethodPost, "/proxies/"+proxy+"/toxics/"+name, body, nil); err != nil {
			return err
		}
	}
	return nil
}

// Use applies phase to proxy (nil makes every toxic harmless). The soak
// changes phases between runs of the CLI, while no connection is open:
// Toxiproxy v2.5.0 drops the data a reset_peer or timeout toxic holds when
// that toxic is updated, which would leave a connection silent forever, a
// fault of the injector rather than of the network.
func (t *Toxiproxy) Use(proxy string, phase *Phase) error {
	return t.apply(proxy, phase)
}

// peakRSS follows the peak resident memory (VmHWM) of process pid until
// done is closed, and returns the last value read, in bytes.
func peakRSS(pid int, done <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		read := func() {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err != nil {
				return
			}
			for _, l := range bytes.Split(b, []byte("\n")) {
				var kb int64
				if _, err := fmt.Sscanf(string(l), "VmHWM: %d kB", &kb); err == nil && kb*1024 > peak {
					peak = kb * 1024
				}
			}
		}
		for {
			read()
			select {
			case <-done:
				out <- peak
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return out
}

// syncBuffer keeps the last 256 KiB of a process's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > 256<<10 {
		b.buf = append([]byte(nil), b.buf[len(b.buf)-128<<10:]...)
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
