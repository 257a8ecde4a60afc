package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// A repeated page token is an error in every walk: the consent sessions'
// walk used to end in silence, listing a part as if it were all.
func TestRepeatedPageTokenIsAnError(t *testing.T) {
	var n atomic.Int32
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Link", `<`+r.URL.Path+`?page_token=again>; rel="next"`)
		io.WriteString(w, `[{"consent_request":{"client":{"client_id":"a"}}}]`)
	})
	sessions, _, err := c.ListAllConsentSessions(context.Background(), "s")
	var pe *PageError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), `"again" twice`) || sessions != nil {
		t.Fatalf("sessions %v, err %v: want a *PageError naming the repeated token", sessions, err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}

// The one set of limits: pages and bytes.
func TestPagesLimits(t *testing.T) {
	page := func(i int) PageOf[int] { return PageOf[int]{Items: []int{i}, Next: fmt.Sprint("t", i+1), Size: 1000} }
	fetch := func(_ context.Context, token string) (PageOf[int], error) {
		var i int
		fmt.Sscanf(token, "t%d", &i)
		return page(i), nil
	}
	defer func(p, b int) { MaxPages, MaxListBytes = p, b }(MaxPages, MaxListBytes)

	MaxPages, MaxListBytes = 5, 1<<20
	got, err := Collect(Pages(context.Background(), "things", nil, fetch))
	if !strings.Contains(fmt.Sprint(err), "more than 5 pages") || got != nil {
		t.Errorf("got %v, err %v", got, err)
	}
	MaxPages, MaxListBytes = 1000, 3500
	if _, err := Collect(Pages(context.Background(), "things", nil, fetch)); !strings.Contains(fmt.Sprint(err), "more than 0 MiB") {
		t.Errorf("err %v", err)
	}
	// A caller that stops early stops the walk.
	n := 0
	for range Pages(context.Background(), "things", nil, fetch) {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("n = %d", n)
	}
}
