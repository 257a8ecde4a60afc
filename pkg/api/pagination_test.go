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

// A server that ignores the page token and answers the first page again,
// with a fresh token each time (Hydra v26 given a v1 offset), is stopped
// at the second page, not at MaxPages.
func TestRepeatedPageIsAnError(t *testing.T) {
	var n atomic.Int32
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Link", fmt.Sprintf(`<%s?page_token=fresh%d>; rel="next"`, r.URL.Path, i))
		io.WriteString(w, `[{"client_id":"a"},{"client_id":"b"}]`)
	})
	got, err := Collect(c.AllClients(context.Background()))
	var pe *PageError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "page 2 with the same items as page 1") || got != nil {
		t.Fatalf("clients %v, err %v: want a *PageError naming the repeated page", got, err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want 2", n.Load())
	}
}

// Given --api-version v1, a server that names its next page by page_token
// alone (Hydra v25.4 and later serve v1's paths, but page as v2 does) is
// refused with CauseGenerationPaging: the tool would send the token back as
// an offset, which such a server ignores. Hydra v1's offset links pass.
func TestV1PagingAgainstTokenPages(t *testing.T) {
	link := `</clients?page_size=2&page_token=ZW5jcnlwdGVk>; rel="next"`
	var paths []string
	c := adminStub(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Link", link)
		io.WriteString(w, `[{"client_id":"a"}]`)
	})
	c.Generation = V1
	_, err := c.ListClients(context.Background(), ListClientsOptions{PageSize: 2})
	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseGenerationPaging || !strings.Contains(err.Error(), "page_token") {
		t.Fatalf("err = %v, want CauseGenerationPaging", err)
	}
	if _, err := Collect(c.AllTrusts(context.Background(), "")); !errors.As(err, &e) || e.Cause != CauseGenerationPaging {
		t.Errorf("trusts: err = %v, want CauseGenerationPaging", err)
	}
	link = `</clients?limit=2&offset=2>; rel="next"`
	p, err := c.ListClients(context.Background(), ListClientsOptions{PageSize: 2})
	if err != nil || p.NextPageToken != "2" {
		t.Errorf("Hydra v1's offset link: %+v, %v", p, err)
	}
	// Detected or given v2 follows the token.
	c.Generation = V2
	link = `</admin/clients?page_size=2&page_token=ZW5jcnlwdGVk>; rel="next"`
	if p, err := c.ListClients(context.Background(), ListClientsOptions{PageSize: 2}); err != nil || p.NextPageToken != "ZW5jcnlwdGVk" {
		t.Errorf("v2: %+v, %v", p, err)
	}
	if paths[0] != "/clients" {
		t.Errorf("v1 paths: %v", paths)
	}
}
