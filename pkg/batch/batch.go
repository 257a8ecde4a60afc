// Package batch runs one operation over a stream of items with bounded
// concurrency and hands the results back in the order of the items.
//
// Memory is bounded by the window (items in flight or finished but not yet
// emitted), not by the number of items, so that a million lines from stdin
// cost no more than ten.
package batch

import (
	"context"
	"iter"
	"sync"
	"time"
)

// DefaultWindowPerWorker sets the default window: this many items per
// worker may be in flight or waiting to be emitted. A slow item holds back
// the emission of later ones, not their work, until the window is full.
const DefaultWindowPerWorker = 16

// Runner works on items concurrently and emits results in input order.
type Runner[T, R any] struct {
	// Concurrency is the most items worked on at once. Values below 1
	// mean 1.
	Concurrency int

	// Window is the most items read but not yet emitted. Zero means
	// DefaultWindowPerWorker × Concurrency; it is never below Concurrency.
	Window int

	// Work computes the result of one item. It runs on up to Concurrency
	// goroutines at once and must report failures inside R: one item's
	// failure does not stop the others.
	Work func(ctx context.Context, item T) R

	// Emit receives each result, with the item's 0-based index, in input
	// order, on one goroutine. An error from Emit, such as a closed
	// stdout, stops the run and is returned.
	Emit func(index int, result R) error

	// Idle, when set, is called when the next result (or the next item)
	// has not come within IdleDelay, so that buffered output is flushed
	// while waiting rather than after every result. An error from Idle
	// stops the run and is returned.
	Idle func() error

	// IdleDelay is how long to wait for the next result before calling
	// Idle. Against a server that answers in a millisecond, a small delay
	// saves a write to stdout (and a wake-up of its reader) per result.
	IdleDelay time.Duration
}

// Run reads items and works on them until items ends, ctx is done, or Emit
// or Idle fails. Every item read is emitted before Run returns, unless ctx
// is done or Emit or Idle failed; then Run returns at once, without waiting
// for a reader blocked in items (such as a read from a terminal). An error yielded by items stops reading; the items read
// before it are still worked on and emitted, and Run returns that error.
func (r *Runner[T, R]) Run(ctx context.Context, items iter.Seq2[T, error]) error {
	conc := max(r.Concurrency, 1)
	window := r.Window
	if window == 0 {
		window = DefaultWindowPerWorker * conc
	}
	window = max(window, conc)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// A slot carries one item's result from its worker to the emitter.
	// Slots are reused; taking a free one is what bounds the window.
	free := make(chan chan R, window)
	for range window {
		free <- make(chan R, 1)
	}
	type job struct {
		item T
		slot chan R
	}
	jobs := make(chan job, conc)
	// pending holds the slots of dispatched items in input order. It can
	// hold every slot, so sending to it never blocks.
	pending := make(chan chan R, window)

	var readErr error
	go func() {
		defer close(pending)
		defer close(jobs)
		for item, err := range items {
			if err != nil {
				readErr = err
				return
			}
			var slot chan R
			select {
			case slot = <-free:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{item: item, slot: slot}:
			case <-ctx.Done():
				return
			}
			// Only dispatched items are pending, so the emitter never
			// waits on a slot that no worker will fill.
			pending <- slot
		}
	}()

	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for {
				// Not only jobs: the reader may be blocked on a terminal,
				// and never close it.
				select {
				case j, ok := <-jobs:
					if !ok {
						return
					}
					j.slot <- r.Work(ctx, j.item) // a slot holds one result: never blocks
				case <-ctx.Done():
					return
				}
			}
		})
	}
	// However Run returns, no Work is left running: a worker that went on
	// after an early return would write (a trace, say) after the caller
	// has reported and moved on.
	defer func() {
		cancel()
		wg.Wait()
	}()

	w := waiter{idle: r.Idle, delay: r.IdleDelay}
	defer w.stop()
	index := 0
	for {
		// Waiting for the next item (stdin is slow, or a terminal) is
		// idle time too.
		slot, ok, err := wait(ctx, &w, pending)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		res, _, err := wait(ctx, &w, slot)
		if err != nil {
			return err
		}
		if err := r.Emit(index, res); err != nil {
			return err
		}
		index++
		free <- slot
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return readErr
}

// waiter calls idle when a wait has lasted delay. Its timer is reused: a
// wait for a result that is not ready yet is the common case when the
// server is the bottleneck.
type waiter struct {
	idle  func() error
	delay time.Duration
	timer *time.Timer
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// wait receives from ch, calling w.idle if nothing comes within w.delay.
// ok is false when ch is closed. When ctx is done it returns ctx.Err()
// without waiting further: the sender may be blocked on a terminal.
func wait[V any](ctx context.Context, w *waiter, ch <-chan V) (v V, ok bool, err error) {
	select {
	case v, ok = <-ch:
		return v, ok, nil
	default:
	}
	if w.idle != nil {
		if w.delay > 0 {
			if w.timer == nil {
				w.timer = time.NewTimer(w.delay)
			} else {
				w.timer.Reset(w.delay)
			}
			select {
			case v, ok = <-ch:
				w.timer.Stop()
				return v, ok, nil
			case <-w.timer.C:
			case <-ctx.Done():
				return v, false, ctx.Err()
			}
		}
		if err := w.idle(); err != nil {
			return v, false, err
		}
	}
	select {
	case v, ok = <-ch:
		return v, ok, nil
	case <-ctx.Done():
		return v, false, ctx.Err()
	}
}
