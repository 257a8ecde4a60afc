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
