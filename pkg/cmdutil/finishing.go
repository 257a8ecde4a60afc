package cmdutil

import (
	"context"
	"time"
)

// Finishing returns a context for a request that Ctrl-C (or SIGTERM) must
// not cut off at once, because it may already have done its work on the
// server and only its answer says what: a create whose answer holds a
// generated secret, the second half of a delete-then-create. The context is
// detached from ctx, and cancelled grace after ctx is, so that the request
// still ends before the process does (main ends it one second after the
// signal). The caller calls the CancelFunc when the request is done. Each
// request is bounded by --timeout besides.
func Finishing(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-fctx.Done():
		}
	})
	return fctx, func() {
		stop()
		cancel()
	}
}
