package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
)

// run drives ForEach over items with errs[item] as each item's failure,
// and returns stderr, the items sent and the result.
func runEach(t *testing.T, ctx context.Context, e *Each, items []string, errs map[string]error) (string, []string, error) {
	t.Helper()
	var stderr bytes.Buffer
	e.ErrOut = &stderr
	if e.Noun == "" {
		e.Noun, e.Verb = "things", "done"
	}
	var sent []string
	err := ForEach(ctx, e, slices.Values(items), func(_ context.Context, n int, item string) Step {
		sent = append(sent, item)
		if err := errs[item]; err != nil {
			return Step{Err: err, Label: fmt.Sprintf("thing %d", n), PerItem: strings.HasPrefix(item, "own")}
		}
		return Step{Report: func(alone bool) { fmt.Fprintf(&stderr, "did %s (alone: %v)\n", item, alone) }}
	})
	return stderr.String(), sent, err
}

func TestForEach(t *testing.T) {
	down := &api.ConnError{Method: "POST", URL: "http://h/x", Err: errors.New("connection refused")}
	refused := &api.Error{StatusCode: 400, Code: "invalid_request", Description: "d"}
	tests := []struct {
		name      string
		each      Each
		items     []string
		errs      map[string]error
		wantErr   string
		wantSent  int
		wantLines []string
		wantRes   error
	}{
		{
			name: "a lone item is the command's outcome", items: []string{"a"},
			wantSent: 1, wantLines: []string{"did a (alone: true)"},
		},
		{
			name: "a lone item's error is returned as it is", items: []string{"a"}, errs: map[string]error{"a": down},
			wantSent: 1, wantLines: nil, wantRes: down,
		},
		{
			name: "List keeps a lone item a list", each: Each{List: true}, items: []string{"a"}, errs: map[string]error{"a": down},
			wantSent: 1, wantLines: []string{"error: thing 1: " + down.Error()}, wantRes: ErrSilent,
		},
		{
			name: "the server's failure stops, and the rest are counted", items: []string{"a", "b", "c", "d"}, errs: map[string]error{"b": down},
			wantSent: 2, wantRes: ErrSilent,
			wantLines: []string{"did a (alone: false)", "error: thing 2: " + down.Error(), "stopped: 3 of 4 things were not done, 2 of them not attempted"},
		},
		{
			name: "a person typing is not asked for the rest", each: Each{Interactive: true}, items: []string{"a", "b", "c", "d"}, errs: map[string]error{"b": down},
			wantSent: 2, wantRes: ErrSilent,
			wantLines: []string{"did a (alone: false)", "error: thing 2: " + down.Error(), "stopped: 1 of the things were not done, and the rest not attempted"},
		},
		{
			name: "three refusals alike stop", items: []string{"a", "b", "c", "d", "e"}, errs: map[string]error{"a": refused, "b": refused, "c": refused},
			wantSent: 3, wantRes: ErrSilent,
			wantLines: []string{"error: thing 1: " + refused.Error(), "error: thing 2: " + refused.Error(), "error: thing 3: " + refused.Error(), "stopped: 5 of 5 things were not done, 2 of them not attempted"},
		},
		{
			name: "a success ends a run of refusals", items: []string{"a", "b", "ok", "c", "d"}, errs: map[string]error{"a": refused, "b": refused, "c": refused, "d": refused},
			wantSent: 5, wantRes: ErrSilent,
			wantLines: []string{"error: thing 1: " + refused.Error(), "error: thing 2: " + refused.Error(), "did ok (alone: false)", "error: thing 4: " + refused.Error(), "error: thing 5: " + refused.Error(), "4 of 5 things could not be done"},
		},
		{
			name: "a failure of the item's own never stops", items: []string{"own1", "own2", "own3", "own4"},
			errs:     map[string]error{"own1": refused, "own2": refused, "own3": refused, "own4": down},
			wantSent: 4, wantRes: ErrSilent,
			wantLines: []string{"error: thing 1: " + refused.Error(), "error: thing 2: " + refused.Error(), "error: thing 3: " + refused.Error(), "error: thing 4: " + down.Error(), "4 of 4 things could not be done"},
		},
		{
			name: "the last item's failure is counted, not stopped", items: []string{"a", "b"}, errs: map[string]error{"b": down},
			wantSent: 2, wantRes: ErrSilent,
			wantLines: []string{"did a (alone: false)", "error: thing 2: " + down.Error(), "1 of 2 things could not be done"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.each
			finished := false
			e.Finish = func() error { finished = true; return nil }
			stderr, sent, err := runEach(t, context.Background(), &e, tt.items, tt.errs)
			if err != tt.wantRes {
				t.Errorf("result %v, want %v", err, tt.wantRes)
			}
			if len(sent) != tt.wantSent {
				t.Errorf("sent %v, want %d", sent, tt.wantSent)
			}
			var lines []string
			if stderr != "" {
				lines = strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			}
			if !slices.Equal(lines, tt.wantLines) {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, strings.Join(tt.wantLines, "\n"))
			}
			if !finished && tt.wantRes != down {
				t.Error("Finish did not run")
			}
		})
	}
}

// On Ctrl-C, no new item starts: Finish runs, and a line counts what was
// done and what was not attempted.
func TestForEachInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	var order []string
	e := &Each{ErrOut: &stderr, Noun: "things", Verb: "done", Total: 4, Finish: func() error {
		order = append(order, "finish")
		return nil
	}}
	err := ForEach(ctx, e, slices.Values([]string{"a", "b", "c", "d"}), func(ctx context.Context, _ int, item string) Step {
		order = append(order, item)
		if item == "b" {
			cancel()
		}
		return Step{}
	})
	if !errors.Is(err, context.Canceled) || strings.Join(order, ",") != "a,b,finish" || stderr.String() != "interrupted: 2 of 4 things done, 2 not attempted\n" {
		t.Errorf("err %v, order %v, stderr %q", err, order, stderr.String())
	}
}

// A concurrent batch's rule: a run of failures of one class stops it; the
// error lines are bounded, and only the first carries its advice.
func TestEachStreak(t *testing.T) {
	var stderr bytes.Buffer
	e := &Each{ErrOut: &stderr, Noun: "tokens", Verb: "introspected", Streak: 3, MaxErrors: 2, ShortAfterFirst: true}
	fail := func(class string) bool {
		return e.Fail(Failure{Label: "token", Err: errors.New("failed\nadvice"), Class: class})
	}
	for range 2 {
		if fail("HTTP 404") {
			t.Fatal("stopped before three in a row")
		}
	}
	e.Ok()
	if fail("HTTP 404") || fail("no answer") || fail("HTTP 404") || fail("HTTP 404") {
		t.Fatal("stopped before three in a row")
	}
	if !fail("HTTP 404") || e.StopReason() != "3 tokens in a row failed the same way (HTTP 404)" {
		t.Fatalf("not stopped after three in a row: %q", e.StopReason())
	}
	e.Skip(5)
	if err := e.Summary(); err != ErrSilent {
		t.Errorf("Summary = %v", err)
	}
	want := "error: token: failed\nadvice\nerror: token: failed\n(5 more errors not shown)\n" +
		"stopped: 12 of 13 tokens were not introspected, 5 of them not attempted, after 3 tokens in a row failed the same way (HTTP 404): the server may be down, or the URL wrong\n"
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
}

// After a stop, items typed by a person are not asked for to be counted,
// even when the first item failed and the second was read to know that it
// was not alone.
func TestForEachInteractiveStopReadsNoMore(t *testing.T) {
	down := &api.ConnError{Method: "POST", URL: "http://h/x", Err: errors.New("connection refused")}
	for _, failAt := range []int{1, 2} {
		read := 0
		typed := func(yield func(string) bool) {
			for i := 1; i <= 10; i++ {
				read++
				if !yield(fmt.Sprint(i)) {
					return
				}
			}
		}
		var stderr bytes.Buffer
		e := &Each{ErrOut: &stderr, Noun: "tokens", Verb: "revoked", Interactive: true}
		err := ForEach(context.Background(), e, typed, func(_ context.Context, n int, _ string) Step {
			if n == failAt {
				return Step{Err: down, Label: fmt.Sprint("token ", n)}
			}
			return Step{}
		})
		// Item 2 is read either way: after item 1, to know it is not
		// alone; as item 2, to be sent.
		want := "stopped: 1 of the tokens were not revoked, and the rest not attempted\n"
		if err != ErrSilent || read != 2 || !strings.HasSuffix(stderr.String(), want) {
			t.Errorf("failure at %d: err %v, %d read, stderr:\n%s", failAt, err, read, stderr.String())
		}
	}
}
