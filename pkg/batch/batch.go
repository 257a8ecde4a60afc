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

	// Idle, when set, is called when the next result is not ready yet, so
	// that buffered output can be flushed while waiting rather than after
	// every result.
	Idle func() error
}

// Run reads items and works on them until items ends, ctx is done or Emit
// fails. Every item read is emitted before Run returns, unless ctx is done
// or Emit failed. An error yielded by items stops reading; the items read
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
	jobs := make(chan job)
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
			for j := range jobs {
				j.slot <- r.Work(ctx, j.item)
			}
		})
	}

	index := 0
	for {
		var slot chan R
		var ok bool
		select {
		case slot, ok = <-pending:
		case <-ctx.Done():
			// Interrupted: the reader may be blocked on a terminal, so
			// do not wait for it.
			return ctx.Err()
		}
		if !ok {
			break
		}
		var res R
		select {
		case res = <-slot:
		default:
			if r.Idle != nil {
				if err := r.Idle(); err != nil {
					return err
				}
			}
			select {
			case res = <-slot:
			case <-ctx.Done():
				return ctx.Err()
			}
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
