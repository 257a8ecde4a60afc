package user

import (
	"context"
	"html"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// countingBrowser counts how often the browser is opened, and completes
// each flow it is given through the fake browser.
type countingBrowser struct {
	fakeBrowser
	mu     sync.Mutex
	opened int
}

func (b *countingBrowser) Browse(raw string) error {
	b.mu.Lock()
	b.opened++
	b.mu.Unlock()
	return b.fakeBrowser.Browse(raw)
}

// testDeadline is a context whose deadline passes when the test closes
// done.
type testDeadline struct {
	context.Context
	done chan struct{}
}

func (d *testDeadline) Done() <-chan struct{} { return d.done }

func (d *testDeadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// Under --no-shutdown, Ctrl-C ends the flow; once tokens were obtained,
// that is a success.
func TestUserRunNoShutdownCtrlCAfterTokensIsSuccess(t *testing.T) {
	idp := newStubIdP(t)
	b := &countingBrowser{fakeBrowser: fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 4)}}
	f, _, out, errOut := cmdtest.Factory(nil)
	f.Browser = b
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "2m", "--no-shutdown", "--format", "json"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- userRun(ctx, got) }()
	<-b.page
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("err = %v; stderr: %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), `"access_token"`) {
		t.Errorf("stdout: %s", out.String())
	}
}

func TestUserRunNoShutdownServesFreshAttempts(t *testing.T) {
	idp := newStubIdP(t)
	b := &countingBrowser{fakeBrowser: fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 4)}}
	f, _, out, errOut := cmdtest.Factory(nil)
	f.Browser = b
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	// The flow's own --timeout is long; the test ends the flow itself, as
	// the deadline would, once both attempts are through, so that a loaded
	// machine cannot make it flaky.
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "2m", "--no-shutdown", "--format", "json"); err != nil {
		t.Fatal(err)
	}
	deadline := &testDeadline{Context: context.Background(), done: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- userRun(deadline, got) }()

	// The first attempt goes through the browser; its page links to the
	// second, whose state differs.
	page := <-b.page
	next := regexp.MustCompile(`href="([^"]+)"`).FindStringSubmatch(page)
	if next == nil {
		t.Fatalf("the page offers no next attempt:\n%s", page)
	}
	nextURL := html.UnescapeString(next[1])
	if err := b.fakeBrowser.Browse(nextURL); err != nil {
		t.Fatal(err)
	}
	if second := <-b.page; !strings.Contains(second, "Tokens were obtained") {
		t.Errorf("the second attempt's page is not a success:\n%s", second)
	}
	close(deadline.done)
	if err := <-done; err != nil {
		t.Fatalf("err = %v; stderr: %s", err, errOut.String())
	}
	if n := strings.Count(out.String(), `"access_token"`); n != 2 {
		t.Errorf("want two token responses on stdout, got %d:\n%s", n, out.String())
	}
	if b.opened != 1 {
		t.Errorf("the browser was opened %d times, want once", b.opened)
	}
	if len(idp.forms) != 2 || idp.forms[0].Get("code_verifier") == idp.forms[1].Get("code_verifier") {
		t.Errorf("each attempt needs its own PKCE verifier: %v", idp.forms)
	}
}
