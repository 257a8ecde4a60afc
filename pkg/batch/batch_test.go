package batch

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

func ints(n int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for i := range n {
			if !yield(i, nil) {
				return
			}
		}
	}
}

// collect runs r over items and returns the emitted (index, result) pairs.
func collect[T, R any](t *testing.T, r Runner[T, R], items iter.Seq2[T, error]) ([]int, []R, error) {
	t.Helper()
	var idx []int
	var res []R
	r.Emit = func(i int, v R) error {
		idx = append(idx, i)
		res = append(res, v)
		return nil
	}
	err := r.Run(context.Background(), items)
	return idx, res, err
}

func TestRunKeepsInputOrderWhenWorkFinishesOutOfOrder(t *testing.T) {
	const n = 8
	// Item i finishes only after item i+1 has: completion is in reverse.
	done := make([]chan struct{}, n+1)
	for i := range done {
		done[i] = make(chan struct{})
	}
	close(done[n])
	var mu sync.Mutex
	var finished []int
	r := Runner[int, string]{
		Concurrency: n,
		Work: func(_ context.Context, i int) string {
			<-done[i+1]
			mu.Lock()
			finished = append(finished, i)
			mu.Unlock()
			close(done[i])
			return fmt.Sprint("r", i)
		},
	}
	idx, res, err := collect(t, r, ints(n))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{7, 6, 5, 4, 3, 2, 1, 0}; !slices.Equal(finished, want) {
		t.Fatalf("work finished in order %v, want %v: the test did not force out-of-order completion", finished, want)
	}
	if !slices.Equal(idx, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("indexes %v, want 0..7", idx)
	}
	for i, v := range res {
		if v != fmt.Sprint("r", i) {
			t.Errorf("result %d is %q, want r%d", i, v, i)
		}
	}
}

func TestRunBoundsConcurrency(t *testing.T) {
	for _, conc := range []int{1, 3, 16} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			var inFlight, peak atomic.Int32
			full := make(chan struct{})
			var once sync.Once
			r := Runner[int, int]{
				Concurrency: conc,
				Work: func(_ context.Context, i int) int {
					n := inFlight.Add(1)
					for {
						p := peak.Load()
						if n <= p || peak.CompareAndSwap(p, n) {
							break
						}
					}
					// Hold the first workers until all conc are busy, so
					// that the peak reaches the bound if it is allowed to.
					if n == int32(conc) {
						once.Do(func() { close(full) })
					}
					<-full
					inFlight.Add(-1)
					return i * i
				},
			}
			_, res, err := collect(t, r, ints(10*conc))
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 10*conc {
				t.Fatalf("%d results, want %d", len(res), 10*conc)
			}
			if got := peak.Load(); got != int32(conc) {
				t.Errorf("peak concurrency %d, want exactly %d", got, conc)
			}
		})
	}
}

func TestRunBoundsTheWindow(t *testing.T) {
	// Item 0 is held until the reader has taken items 0..3, which fill
	// the window of 4; whatever the scheduling, the reader must never be
	// more than the window ahead of the output.
	var read atomic.Int32
	release := make(chan struct{})
	items := func(yield func(int, error) bool) {
		for i := range 100 {
			if i == 4 {
				close(release)
			}
			read.Add(1)
			if !yield(i, nil) {
				return
			}
		}
	}
	var maxAhead int32
	r := Runner[int, int]{
		Concurrency: 2,
		Window:      4,
		Work: func(_ context.Context, i int) int {
			if i == 0 {
				<-release
			}
			return i
		},
	}
	r.Emit = func(i int, _ int) error {
		if ahead := read.Load() - int32(i); ahead > maxAhead {
			maxAhead = ahead
		}
		return nil
	}
	if err := r.Run(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	// When item i is emitted, at most the window (plus the one item
	// the reader holds while waiting for a slot) has been read.
	if maxAhead > 5 {
		t.Errorf("the reader ran %d items ahead of the output, want at most the window of 4 (+1)", maxAhead)
	}
}

func TestRunReadErrorAfterEmittingWhatWasRead(t *testing.T) {
	boom := errors.New("boom")
	items := func(yield func(int, error) bool) {
		for i := range 5 {
			if !yield(i, nil) {
				return
			}
		}
		yield(0, boom)
	}
	r := Runner[int, int]{Concurrency: 3, Work: func(_ context.Context, i int) int { return i }}
	idx, _, err := collect(t, r, items)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if !slices.Equal(idx, []int{0, 1, 2, 3, 4}) {
		t.Errorf("emitted %v, want every item read before the error", idx)
	}
}

func TestRunEmitErrorStops(t *testing.T) {
	closed := errors.New("stdout closed")
	var worked atomic.Int32
	r := Runner[int, int]{
		Concurrency: 2,
		Window:      2,
		Work:        func(_ context.Context, i int) int { worked.Add(1); return i },
		Emit: func(i int, _ int) error {
			if i == 3 {
				return closed
			}
			return nil
		},
	}
	if err := r.Run(context.Background(), ints(1_000_000)); !errors.Is(err, closed) {
		t.Fatalf("err = %v, want the emit error", err)
	}
	if n := worked.Load(); n > 100 {
		t.Errorf("%d items were worked on after the output failed at the 4th", n)
	}
}

// Run returns only when no Work is running: a worker still at work after
// an early return would write after the caller reported (found by the
// reliability suite under -race, with -v traces).
func TestRunEmitErrorWaitsForWork(t *testing.T) {
	closed := errors.New("stdout closed")
	var running atomic.Int32
	r := Runner[int, int]{
		Concurrency: 4,
		Work: func(ctx context.Context, i int) int {
			running.Add(1)
			defer running.Add(-1)
			if i > 0 {
				<-ctx.Done() // a request that ends only when cancelled
			}
			return i
		},
		Emit: func(int, int) error { return closed },
	}
	// A reader that never ends, like a terminal.
	if err := r.Run(context.Background(), ints(1<<62)); !errors.Is(err, closed) {
		t.Fatalf("err = %v, want the emit error", err)
	}
	if n := running.Load(); n != 0 {
		t.Errorf("%d Work calls still running after Run returned", n)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := Runner[int, int]{
		Concurrency: 2,
		Work: func(ctx context.Context, i int) int {
			if i == 10 {
				cancel()
			}
			return i
		},
		Emit: func(int, int) error { return nil },
	}
	// A reader that would never end on its own, like a terminal.
	if err := r.Run(ctx, ints(1<<62)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestRunIdleWhileWaitingForAResult(t *testing.T) {
	gate := make(chan struct{})
	var idles atomic.Int32
	r := Runner[int, int]{
		Concurrency: 1,
		Work: func(_ context.Context, i int) int {
			if i == 0 {
				<-gate
			}
			return i
		},
		Idle: func() error {
			if idles.Add(1) == 1 {
				close(gate)
			}
			return nil
		},
	}
	if _, _, err := collect(t, r, ints(3)); err != nil {
		t.Fatal(err)
	}
	if idles.Load() < 1 {
		t.Errorf("Idle was not called while the first result was pending")
	}
}

func TestRunIdleWhileWaitingForTheNextItem(t *testing.T) {
	// Like a person typing tokens on a terminal: the second item comes
	// only once the first one's result has been flushed.
	for _, delay := range []time.Duration{0, time.Millisecond} {
		flushed := make(chan struct{})
		var once sync.Once
		var emitted atomic.Int32
		var emittedAtIdle int32
		items := func(yield func(int, error) bool) {
			if !yield(0, nil) {
				return
			}
			<-flushed
			yield(1, nil)
		}
		r := Runner[int, int]{
			Concurrency: 2,
			IdleDelay:   delay,
			Work:        func(_ context.Context, i int) int { return i },
			Emit:        func(int, int) error { emitted.Add(1); return nil },
			Idle: func() error {
				if emitted.Load() == 1 {
					once.Do(func() {
						emittedAtIdle = emitted.Load()
						close(flushed)
					})
				}
				return nil
			},
		}
		if err := r.Run(context.Background(), items); err != nil {
			t.Fatal(err)
		}
		if emittedAtIdle != 1 || emitted.Load() != 2 {
			t.Errorf("delay %s: Idle should run after the first result while the second item is awaited (emitted %d then, %d in all)", delay, emittedAtIdle, emitted.Load())
		}
	}
}

func TestRunNoItems(t *testing.T) {
	r := Runner[int, int]{Concurrency: 4, Work: func(_ context.Context, i int) int { return i }}
	idx, _, err := collect(t, r, ints(0))
	if err != nil || len(idx) != 0 {
		t.Errorf("got %v, %v; want nothing", idx, err)
	}
}

func TestLinesStreamsAndTrims(t *testing.T) {
	in := "a\r\n\n  b  \n\t\nc"
	var got []string
	// OneByteReader shows that Lines reads as it goes, whatever the
	// reader's chunking.
	for line, err := range Lines(iotest.OneByteReader(strings.NewReader(in))) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, line)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %q", got)
	}
}

// A line over MaxLineLength is answered by a *LineError in its place, and
// the lines after it still come (issue 11, point 12). A line of exactly
// MaxLineLength, with a CRLF, is still a line.
func TestLinesTooLong(t *testing.T) {
	exact := strings.Repeat("y", MaxLineLength)
	in := "ok\n" + strings.Repeat("x", MaxLineLength+1) + "\nafter\n" + exact + "\r\n" + strings.Repeat("z", 3*MaxLineLength) + "\nlast"
	var got []string
	var lineErrs []int
	for line, err := range Lines(strings.NewReader(in)) {
		var le *LineError
		switch {
		case errors.As(err, &le):
			lineErrs = append(lineErrs, le.Line)
			if !strings.Contains(le.Error(), "line ") || strings.Contains(le.Error(), "xxx") {
				t.Errorf("error %q", le)
			}
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, line)
		}
	}
	if !slices.Equal(got, []string{"ok", "after", exact, "last"}) {
		t.Errorf("got %d lines: %.20q", len(got), got)
	}
	if !slices.Equal(lineErrs, []int{2, 5}) {
		t.Errorf("line errors at %v, want [2 5]", lineErrs)
	}
}

func TestLinesReadError(t *testing.T) {
	boom := errors.New("boom")
	var gotErr error
	for _, err := range Lines(iotest.ErrReader(boom)) {
		gotErr = err
	}
	if !errors.Is(gotErr, boom) {
		t.Errorf("err = %v, want boom", gotErr)
	}
}

func TestPeek(t *testing.T) {
	tests := []struct {
		in       []string
		wantHead []string
		wantMore bool
	}{
		{nil, nil, false},
		{[]string{"a"}, []string{"a"}, false},
		{[]string{"a", "b"}, []string{"a"}, true},
		{[]string{"a", "b", "c"}, []string{"a"}, true},
	}
	for _, tt := range tests {
		head, all, more, err := Peek(Values(tt.in), 1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(head, tt.wantHead) || more != tt.wantMore {
			t.Errorf("Peek(%q) = %q, more %v", tt.in, head, more)
		}
		var again []string
		for v, err := range all {
			if err != nil {
				t.Fatal(err)
			}
			again = append(again, v)
		}
		if !slices.Equal(again, tt.in) {
			t.Errorf("Peek(%q) then yields %q, want every item", tt.in, again)
		}
	}
	boom := errors.New("boom")
	if _, _, _, err := Peek(func(yield func(string, error) bool) { yield("", boom) }, 1); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}
