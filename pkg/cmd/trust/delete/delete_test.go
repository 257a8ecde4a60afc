package delete

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdDelete(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdDelete, []cmdtest.ArgvCase[Options]{
		{Argv: "a b", Check: func(t *testing.T, o *Options) {
			if !reflect.DeepEqual(o.IDs, []string{"a", "b"}) {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "at least one trust relationship ID"},
		{Argv: " ", WantErr: "at least one"},
	})
}

// A missing ID does not stop the others; the command exits 1, and prints
// only the IDs that were deleted.
func TestDeleteRunPartial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/gone") {
			w.Header().Set("Content-Type", "application/json")
			if strings.HasSuffix(r.URL.Path, "/issuers") {
				_, _ = w.Write([]byte(`[]`))
				return
			}
			id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
			_, _ = w.Write([]byte(`{"id":"` + id + `","issuer":"https://i","subject":"s","public_key":{"set":"https://i","kid":"k-` + id + `"}}`))
			return
		}
		if strings.HasSuffix(r.URL.Path, "/gone") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"Unable to locate the resource"}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdDelete(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = cmdutil.Connection{Endpoint: srv.URL}
		return deleteRun(ctx, o)
	}), "a", "gone", "b")
	if err == nil || cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure {
		t.Errorf("err %v", err)
	}
	if out.String() != "a\nb\n" || !strings.Contains(errOut.String(), `no trust relationship with ID "gone"`) {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}

// A relationship whose key another shares is not deleted without --force:
// Hydra would delete the other with it. Given both, both go.
func TestDeleteRunRefusesSharedKey(t *testing.T) {
	const list = `[{"id":"a","issuer":"https://i","subject":"s1","scope":["x"],"public_key":{"set":"https://i","kid":"k"}},` +
		`{"id":"b","issuer":"https://i","subject":"s2","scope":["y"],"public_key":{"set":"https://i","kid":"k"}}]`
	var deleted []string
	gone := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		switch {
		case r.Method == http.MethodGet && id == "issuers":
			_, _ = w.Write([]byte(list))
		case gone[id]:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"Unable to locate the resource"}`))
		case r.Method == http.MethodGet:
			_, _ = w.Write([]byte(`{"id":"` + id + `","issuer":"https://i","subject":"s","public_key":{"set":"https://i","kid":"k"}}`))
		case r.Method == http.MethodDelete:
			deleted = append(deleted, id)
			gone["a"], gone["b"] = true, true // Hydra's cascade
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	run := func(args ...string) (string, string, error) {
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdDelete(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = cmdutil.Connection{Endpoint: srv.URL}
			return deleteRun(ctx, o)
		}), args...)
		return out.String(), errOut.String(), err
	}
	// A lone item's error is the command's (cmdutil.ForEach): main prints it.
	out, errOut, err := run("a")
	if err == nil || out != "" || len(deleted) != 0 || !strings.Contains(err.Error(), "not deleted") || !strings.Contains(err.Error(), `b (subject "s2", scope y`) {
		t.Fatalf("without --force: err %v, stdout %q, stderr %q, deleted %v", err, out, errOut, deleted)
	}
	out, errOut, err = run("a", "b")
	if err != nil || out != "a\nb\n" || !reflect.DeepEqual(deleted, []string{"a"}) {
		t.Fatalf("both: err %v, stdout %q, stderr %q, deleted %v", err, out, errOut, deleted)
	}
	gone, deleted = map[string]bool{}, nil
	out, errOut, err = run("--force", "a")
	if err != nil || out != "a\n" || !strings.Contains(errOut, "also deleted by Hydra with a") || !strings.Contains(errOut, `b (subject "s2"`) {
		t.Fatalf("--force: err %v, stdout %q, stderr %q", err, out, errOut)
	}
}
