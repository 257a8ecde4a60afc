package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeHydra imitates the routes detection and the admin calls touch, as
// Hydra v1 or v2 answers them. version is what GET /version names.
type fakeHydra struct {
	gen     Generation
	version string
	// v1Paths makes a Hydra v2 serve v1's admin paths (/clients) itself,
	// with 200, as Hydra v25.4 and later do, rather than redirect them.
	v1Paths bool

	mu    sync.Mutex
	paths []string
}

func (f *fakeHydra) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...)
}

func (f *fakeHydra) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	p := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	f.paths = append(f.paths, p)
	f.mu.Unlock()
	prefix := "/admin"
	if f.gen == V1 {
		prefix = ""
	}
	switch path := r.URL.Path; {
	case path == "/version":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"version":%q}`, f.version)
	case f.gen == V2 && f.v1Paths && path == "/clients" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"client_id":"a"}]`)
	case f.gen == V2 && (path == "/clients" || strings.HasPrefix(path, "/clients/")):
		http.Redirect(w, r, "/admin"+path, http.StatusTemporaryRedirect)
	case path == prefix+"/clients" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"client_id":"a"}]`)
	case path == prefix+"/clients/a" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"client_id":"a"}`)
	case strings.HasPrefix(path, prefix+"/clients/"):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"Unable to locate the resource","error_description":""}`)
	case path == prefix+"/oauth2/introspect":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"active":true}`)
	default:
		// Both generations' admin APIs answer an unknown route so.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":404,"message":"Not Found","reason":"The requested route does not exist. Make sure you are using the right path, domain, and port."}}`)
	}
}

func fakeClient(t *testing.T, f *fakeHydra) *Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	// As NewHTTPClient's, it follows no redirect.
	hc := srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{HTTP: hc, Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
}

func TestParseGeneration(t *testing.T) {
	for in, want := range map[string]Generation{"v1": V1, "1": V1, "V2": V2, " v2 ": V2} {
		if got, err := ParseGeneration(in); err != nil || got != want {
			t.Errorf("ParseGeneration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseGeneration("v3"); err == nil || !strings.Contains(err.Error(), "v1 or v2") {
		t.Errorf("ParseGeneration(v3) = %v, want an error listing v1 or v2", err)
	}
}

func TestServerDetection(t *testing.T) {
	tests := []struct {
		name     string
		fake     *fakeHydra
		want     ServerInfo
		requests int
	}{
		{"v1 release", &fakeHydra{gen: V1, version: "v1.11.10"}, ServerInfo{Generation: V1, Version: "v1.11.10"}, 1},
		{"v2 release", &fakeHydra{gen: V2, version: "v2.3.0"}, ServerInfo{Generation: V2, Version: "v2.3.0"}, 1},
		{"v2 release without v", &fakeHydra{gen: V2, version: "2.1.2"}, ServerInfo{Generation: V2, Version: "v2.1.2"}, 1},
		{"v1 from source", &fakeHydra{gen: V1, version: "master"}, ServerInfo{Generation: V1}, 3},
		{"v2 from source", &fakeHydra{gen: V2, version: "master"}, ServerInfo{Generation: V2}, 2},
		// Hydra v25.4 and later answer /clients with 200 and a JSON
		// array, as Hydra v1 does: /admin/clients tells them apart.
		{"v26 from source", &fakeHydra{gen: V2, version: "master", v1Paths: true}, ServerInfo{Generation: V2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeClient(t, tt.fake)
			for range 3 {
				if got := c.Server(context.Background()); got != tt.want {
					t.Fatalf("Server() = %+v, want %+v", got, tt.want)
				}
			}
			if got := tt.fake.requests(); len(got) != tt.requests {
				t.Errorf("detection sent %v, want %d requests, once per client", got, tt.requests)
			}
		})
	}
}

func TestServerDetectionUnknown(t *testing.T) {
	// A gateway that knows none of the paths.
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := &Client{HTTP: srv.Client(), Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
	if got := c.Server(context.Background()); got.Generation != GenerationUnknown || got.Name() != "the server" {
		t.Errorf("Server() = %+v, want unknown", got)
	}
	if c.generation() != V2 {
		t.Errorf("an unknown server gets v2 paths, got %v", c.generation())
	}
	_, err := c.GetClient(context.Background(), "x")
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 404 {
		t.Fatalf("GetClient = %v, want the 404", err)
	}
	if n.Load() != 2 {
		t.Errorf("the server got %d requests, want 2: the call, and detection's /version once", n.Load())
	}
}

func TestAdminCallsFollowTheGeneration(t *testing.T) {
	t.Run("v1 detected on the first 404", func(t *testing.T) {
		f := &fakeHydra{gen: V1, version: "master"}
		c := fakeClient(t, f)
		cl, err := c.GetClient(context.Background(), "a")
		if err != nil || cl.ClientID != "a" {
			t.Fatalf("GetClient = %v, %v", cl, err)
		}
		if _, err := c.Introspect(context.Background(), "tok", nil); err != nil {
			t.Fatal(err)
		}
		want := []string{"GET /admin/clients/a", "GET /version", "GET /admin/clients?page_size=1", "GET /clients?limit=1", "GET /clients/a", "POST /oauth2/introspect"}
		if got := f.requests(); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// A missing client is Hydra's own 404, on v1's path.
		_, err = c.GetClient(context.Background(), "missing")
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != 404 || !strings.Contains(e.URL, "/clients/missing") || strings.Contains(e.URL, "/admin") {
			t.Errorf("GetClient(missing) = %v, want Hydra v1's 404 for /clients/missing", err)
		}
	})
	t.Run("v2 costs no detection", func(t *testing.T) {
		f := &fakeHydra{gen: V2, version: "master"}
		c := fakeClient(t, f)
		if _, err := c.GetClient(context.Background(), "a"); err != nil {
			t.Fatal(err)
		}
		if got := f.requests(); len(got) != 1 {
			t.Errorf("requests %v, want only the call", got)
		}
	})
	t.Run("given v1 skips detection", func(t *testing.T) {
		f := &fakeHydra{gen: V1, version: "master"}
		c := fakeClient(t, f)
		c.Generation = V1
		if _, err := c.ListClients(context.Background(), ListClientsOptions{PageSize: 5, PageToken: "10"}); err != nil {
			t.Fatal(err)
		}
		want := "GET /clients?limit=5&offset=10"
		if got := f.requests(); len(got) != 1 || got[0] != want {
			t.Errorf("requests %v, want [%s]", got, want)
		}
	})
	t.Run("concurrent first calls detect once", func(t *testing.T) {
		f := &fakeHydra{gen: V1, version: "master"}
		c := fakeClient(t, f)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := c.Introspect(context.Background(), "tok", nil); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		detections := 0
		for _, p := range f.requests() {
			if p == "GET /version" {
				detections++
			}
		}
		if detections != 1 {
			t.Errorf("GET /version sent %d times, want once", detections)
		}
	})
}

func TestV2PathOnV1Server(t *testing.T) {
	f := &fakeHydra{gen: V1, version: "v1.11.10"}
	c := fakeClient(t, f)
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/admin/some/v2/only"})
	if err == nil || !strings.Contains(err.Error(), "Hydra v1.11.10 has no such path") || !strings.Contains(err.Error(), "/admin/some/v2/only") {
		t.Errorf("err = %v, want advice naming Hydra v1.11.10 and the v2 path", err)
	}
}

func TestRequireGeneration(t *testing.T) {
	f := &fakeHydra{gen: V2, version: "v2.3.0"}
	c := fakeClient(t, f)
	err := c.RequireGeneration(context.Background(), V1, "flushing tokens")
	var ge *GenerationError
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), "flushing tokens needs Hydra v1") || !strings.Contains(err.Error(), "Hydra v2.3.0") {
		t.Errorf("err = %v, want a GenerationError naming Hydra v2.3.0", err)
	}
	if err := c.RequireGeneration(context.Background(), V2, "x"); err != nil {
		t.Errorf("RequireGeneration(v2) on v2 = %v", err)
	}
	c2 := fakeClient(t, &fakeHydra{gen: V2, version: "master"})
	c2.Generation = V2
	err = c2.RequireGeneration(context.Background(), V1, "flushing tokens")
	if !errors.As(err, &ge) || !ge.Server.Given || !strings.Contains(err.Error(), "(as given)") {
		t.Errorf("err = %v, want it to say the version was given", err)
	}
}

func TestNextPageTokenV1Offset(t *testing.T) {
	h := http.Header{}
	h.Set("Link", `</clients?limit=2&offset=2>; rel="next",</clients?limit=2&offset=4>; rel="last"`)
	if got := NextPageToken(h); got != "2" {
		t.Errorf("NextPageToken = %q, want the offset 2", got)
	}
}

func TestGivenV2AgainstV1(t *testing.T) {
	f := &fakeHydra{gen: V1, version: "master"}
	c := fakeClient(t, f)
	c.Generation = V2
	_, err := c.GetClient(context.Background(), "a")
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 404 || e.Code != "" || !strings.Contains(e.Excerpt, "route does not exist") {
		t.Fatalf("err = %#v, want the route 404 as an excerpt, not as Hydra's word on the client", err)
	}
	if e.Cause != CauseNotV2 {
		t.Errorf("cause = %v, want CauseNotV2 (advice: pass --api-version v1)", e.Cause)
	}
	if got := f.requests(); len(got) != 1 {
		t.Errorf("requests %v: a given version is not detected", got)
	}
}

func TestGivenV1AgainstV2(t *testing.T) {
	f := &fakeHydra{gen: V2, version: "master"}
	c := fakeClient(t, f)
	c.Generation = V1
	_, err := c.GetClient(context.Background(), "a")
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusTemporaryRedirect || e.Cause != CauseGenerationRedirect {
		t.Fatalf("err = %v, want v2's redirect with CauseGenerationRedirect (advice: drop --api-version v1)", err)
	}
}

// Under http://host:4445/admin, Hydra v2's /admin/clients answers the v1
// probe: without /version at that URL, it is not taken for Hydra v1.
func TestDetectionNeedsVersionAtTheBase(t *testing.T) {
	f := &fakeHydra{gen: V2, version: "master"}
	srv := httptest.NewServer(f)
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/admin")
	c := &Client{HTTP: srv.Client(), Endpoint: Endpoint{BaseURL: u, Kind: Admin}}
	if got := c.Server(context.Background()); got.Generation != GenerationUnknown {
		t.Errorf("Server() = %+v, want unknown", got)
	}
}
