package get

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

func TestNewCmdGet(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdGet, []cmdtest.ArgvCase[Options]{
		{Argv: "a b -q", Check: func(t *testing.T, o *Options) {
			if !reflect.DeepEqual(o.IDs, []string{"a", "b"}) || !o.Quiet {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "a --format table", Check: func(t *testing.T, o *Options) {
			if o.Format.Name != "table" {
				t.Errorf("%+v", o.Format)
			}
		}},
		{Argv: "", WantErr: "at least one trust relationship ID"},
		{Argv: "a/b", WantErr: "contains a /"},
		{Argv: "a -q --format json", WantErr: "cannot be used together"},
	})
}

func TestGetRunMissing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/t1") {
			_, _ = w.Write([]byte(`{"id":"t1","issuer":"https://i","subject":"s","scope":[],"public_key":{"set":"https://i","kid":"k"},"x_new":1}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"Unable to locate the resource","error_description":""}`))
	}))
	defer srv.Close()
	f, _, out, _ := cmdtest.Factory(nil)
	run := func(args ...string) error {
		out.Reset()
		return cmdtest.Run(NewCmdGet(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = cmdutil.Connection{Endpoint: srv.URL}
			return getRun(ctx, o)
		}), args...)
	}
	if err := run("t1"); err != nil || !strings.Contains(out.String(), `"x_new": 1`) {
		t.Errorf("unknown fields should survive: %v\n%s", err, out)
	}
	err := run("t1", "t2")
	if err == nil || !strings.Contains(err.Error(), `no trust relationship with ID "t2"`) || out.Len() != 0 {
		t.Errorf("a missing ID: %v, stdout %q", err, out)
	}
}
