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
	first := "introspecting  25% [=====               ] 1/4 tokens"
	if got := out.String(); got != "\r"+first {
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
	if got := out.String(); got != "\rintrospecting  75% [===============     ] 3/4 (30 tokens/s)" {
		t.Errorf("after the throttle %q", got)
	}
	out.Reset()
	p.Clear()
	p.Clear() // once is enough
	blank := "\r" + strings.Repeat(" ", len("introspecting  75% [===============     ] 3/4 (30 tokens/s)")) + "\r"
	if out.String() != blank {
		t.Errorf("clear %q", out.String())
	}
	out.Reset()
	p.Add(1) // the last one always draws, even within the throttle
	if !strings.Contains(out.String(), "4/4") {
		t.Errorf("last %q", out.String())
	}
	out.Reset()
	p.Finish()
	if !strings.HasPrefix(out.String(), "\r") || strings.TrimSpace(out.String()) != "" || !strings.HasSuffix(out.String(), "\r") {
		t.Errorf("finish %q", out.String())
	}

	// No escape code: colour and the rest belong to fatih/color.
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("escape code in %q", out.String())
	}

	// A shorter line covers the end of the longer one drawn before.
	out.Reset()
	p = NewProgress(&out, "x", "tokens", -1)
	p.now = func() time.Time { return clock }
	p.Add(123456789) // "x 123456789 tokens"
	clock = clock.Add(time.Second)
	out.Reset()
	p.n = 0
	p.Add(1)
	if got, want := out.String(), "\rx 1 (1 tokens/s)  "; got != want {
		t.Errorf("shorter line %q, want %q", got, want)
	}

	// An unknown total: a count, no bar.
	out.Reset()
	p = NewProgress(&out, "introspecting", "tokens", -1)
	p.Add(7)
	if got := out.String(); got != "\rintrospecting 7 tokens" {
		t.Errorf("unknown total %q", got)
	}
}
