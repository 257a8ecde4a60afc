package get

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdGet(t *testing.T) {
	tests := []struct {
		args    []string
		ids     []string
		wantErr string
	}{
		{args: []string{"a"}, ids: []string{"a"}},
		{args: []string{"a", "b", "-q"}, ids: []string{"a", "b"}},
		{args: nil, wantErr: "needs at least one client ID"},
		{args: []string{"a/b"}, wantErr: "contains a /"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdGet, nil, tt.args...)
			if tt.wantErr != "" {
				cmdtest.WantUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil || !reflect.DeepEqual(got.IDs, tt.ids) {
				t.Fatalf("ids %v, err %v", got.IDs, err)
			}
		})
	}
}

func run(t *testing.T, srv *clienttest.Server, args ...string) (string, string, error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdGet(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return getRun(ctx, o)
	}), args...)
	return out.String(), errOut.String(), err
}

func TestGetRun(t *testing.T) {
	srv := clienttest.New(t,
		map[string]any{"client_id": "a", "client_name": "A", "x_future_field": 1},
		map[string]any{"client_id": "b", "client_name": "B"})

	out, _, err := run(t, srv, "a")
	if err != nil {
		t.Fatal(err)
	}
	var one map[string]any
	if err := json.Unmarshal([]byte(out), &one); err != nil || one["client_name"] != "A" || one["x_future_field"] != 1.0 {
		t.Errorf("one ID should print the client's JSON, unknown fields kept: %v\n%s", err, out)
	}

	out, _, err = run(t, srv, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	var many []map[string]any
	if err := json.Unmarshal([]byte(out), &many); err != nil || len(many) != 2 || many[1]["client_id"] != "b" {
		t.Errorf("several IDs should print one JSON array: %v\n%s", err, out)
	}

	out, _, err = run(t, srv, "a", "b", "-q")
	if err != nil || out != "a\nb\n" {
		t.Errorf("-q: %q, %v", out, err)
	}

	out, _, err = run(t, srv, "a", "b", "--format", "table")
	if err != nil || !strings.HasPrefix(out, "CLIENT ID") || strings.Count(out, "\n") != 3 {
		t.Errorf("table: %v\n%s", err, out)
	}
}

func TestGetRunMissingClientPrintsNothing(t *testing.T) {
	srv := clienttest.New(t, map[string]any{"client_id": "a"})
	out, _, err := run(t, srv, "a", "missing")
	if err == nil || !strings.Contains(err.Error(), `no client with ID "missing"`) {
		t.Fatalf("error = %v, want it to name the missing client", err)
	}
	if out != "" {
		t.Errorf("nothing should be printed when one ID is missing, got:\n%s", out)
	}
}
