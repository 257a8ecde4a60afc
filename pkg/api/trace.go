package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/hydratoken/hydra/pkg/text"
)

// traceTransport writes a short trace of each exchange: method, URL with
// sensitive query values masked, request headers with credentials masked,
// the names of form fields (values of secret ones masked), status and time.
// It never writes a body.
//
// Batch commands send requests from several goroutines at once, so each
// request's lines, and each response's, are written in one piece under a
// lock: traces of concurrent requests alternate whole, never mid-line.
type traceTransport struct {
	next http.RoundTripper
	w    io.Writer
	// masked names the request headers whose values are never shown.
	masked map[string]bool
	mu     sync.Mutex
}

func (t *traceTransport) write(b *bytes.Buffer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = t.w.Write(b.Bytes())
}

func (t *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var b bytes.Buffer
	fmt.Fprintf(&b, "> %s %s\n", req.Method, MaskURL(req.URL))
	for _, k := range sortedKeys(req.Header) {
		for _, v := range req.Header[k] {
			if t.masked[k] {
				v = Masked
			}
			fmt.Fprintf(&b, "> %s: %s\n", k, MaskHeader(k, v))
		}
	}
	if form, ok := requestForm(req); ok {
		fmt.Fprintf(&b, "> (form) %s\n", MaskForm(form))
	}
	t.write(&b)
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(100 * time.Microsecond)
	b.Reset()
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %s\n", elapsed, describeNetErr(err))
		t.write(&b)
		return nil, err
	}
	// The server chose the status text and headers: fold them to one line
	// without control characters, as for error messages.
	fmt.Fprintf(&b, "< %s %s (%s)\n", resp.Proto, text.OneLine(resp.Status, 80), elapsed)
	for _, k := range sortedKeys(resp.Header) {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "< %s: %s\n", text.OneLine(k, 80), text.OneLine(MaskHeader(k, v), 500))
		}
	}
	t.write(&b)
	return resp, nil
}
