package cmdutil

import (
	"context"
	"testing"
	"time"
)

func TestFinishingOutlivesCtrlCByTheGrace(t *testing.T) {
	ctx, interrupt := context.WithCancel(context.Background())
	fctx, done := Finishing(ctx, 100*time.Millisecond)
	defer done()
	interrupt()
	select {
	case <-fctx.Done():
		t.Fatal("cut off at once by Ctrl-C")
	case <-time.After(30 * time.Millisecond):
	}
	select {
	case <-fctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not cancelled after the grace")
	}
}

func TestFinishingEndsWhenDone(t *testing.T) {
	fctx, done := Finishing(context.Background(), time.Hour)
	done()
	select {
	case <-fctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not cancelled by its CancelFunc")
	}
}
