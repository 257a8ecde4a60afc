package delete

import (
	"context"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdDelete(t *testing.T) {
	got, err := cmdtest.Options(NewCmdDelete, nil, "a", "b")
	if err != nil || len(got.IDs) != 2 {
		t.Fatalf("ids %v, err %v", got, err)
	}
	if _, err := cmdtest.Options(NewCmdDelete, nil); cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
		t.Errorf("no ID: error %v, want a usage error", err)
	}
}

func TestDeleteRunContinuesPastFailures(t *testing.T) {
	srv := clienttest.New(t, map[string]any{"client_id": "a"}, map[string]any{"client_id": "c"})
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdDelete(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return deleteRun(ctx, o)
	}), "a", "missing", "c")
	if cmdutil.ExitCodeOf(err) != 1 {
		t.Fatalf("error %v, want exit 1", err)
	}
	if out.String() != "a\nc\n" {
		t.Errorf("stdout = %q, want the deleted IDs", out)
	}
	if !strings.Contains(errOut.String(), `no client with ID "missing"`) || !strings.Contains(errOut.String(), "1 of 3 clients could not be deleted") {
		t.Errorf("stderr = %q", errOut)
	}
	if srv.Client("a") != nil || srv.Client("c") != nil {
		t.Error("the existing clients should be deleted")
	}
}

// TestDeleteRunHydraV1: Hydra v1's spelling prints its one line once every
// client is deleted, and nothing on stdout when one could not be.
func TestDeleteRunHydraV1(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		code int
		want string
	}{
		{[]string{"a", "c"}, 0, "OAuth 2.0 Client(s) deleted\n"},
		{[]string{"b", "missing"}, 1, ""},
	} {
		srv := clienttest.New(t, map[string]any{"client_id": "a"}, map[string]any{"client_id": "b"}, map[string]any{"client_id": "c"})
		f, _, out, _ := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdDeleteStyled(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return deleteRun(ctx, o)
		}, printer.Style{HydraV1: true}), tc.ids...)
		if code := cmdutil.ExitCodeOf(err); code != tc.code {
			t.Errorf("%v: exit %d, want %d (%v)", tc.ids, code, tc.code, err)
		}
		if out.String() != tc.want {
			t.Errorf("%v: stdout = %q, want %q", tc.ids, out, tc.want)
		}
	}
}
