package iostreams

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, "introspecting", "tokens", 4)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }

	p.Add(1) // the first Add draws
	if got := out.String(); got != "\r\x1b[Kintrospecting  25% [=====               ] 1/4 tokens" {
		t.Errorf("first drawing %q", got)
	}
	out.Reset()
	clock = clock.Add(50 * time.Millisecond)
	p.Add(1) // within the throttle: nothing
	if out.Len() != 0 {
		t.Errorf("drew within the throttle: %q", out.String())
	}
	clock = clock.Add(50 * time.Millisecond)
	p.Add(1)
	if got := out.String(); got != "\r\x1b[Kintrospecting  75% [===============     ] 3/4 (30 tokens/s)" {
		t.Errorf("after the throttle %q", got)
	}
	out.Reset()
	p.Clear()
	p.Clear() // once is enough
	if out.String() != "\r\x1b[K" {
		t.Errorf("clear %q", out.String())
	}
	out.Reset()
	p.Add(1) // the last one always draws, even within the throttle
	if !strings.Contains(out.String(), "4/4") {
		t.Errorf("last %q", out.String())
	}
	out.Reset()
	p.Finish()
	if out.String() != "\r\x1b[K" {
		t.Errorf("finish %q", out.String())
	}

	// An unknown total: a count, no bar.
	out.Reset()
	p = NewProgress(&out, "introspecting", "tokens", -1)
	p.Add(7)
	if got := out.String(); got != "\r\x1b[Kintrospecting 7 tokens" {
		t.Errorf("unknown total %q", got)
	}
}
