package revoke

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdRevoke(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdRevoke, []cmdtest.ArgvCase[Options]{
		{Argv: "--subject s", Check: func(t *testing.T, o *Options) {
			if o.Subject != "s" || o.SessionID != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--sid x", Check: func(t *testing.T, o *Options) {
			if o.SessionID != "x" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "--subject ID"},
		{Argv: "--subject s --sid x", WantErr: "give only one of"},
		{Argv: "--sid=", WantErr: "must not be empty"},
	})
}

func TestRevokeRun(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	for _, tt := range []struct{ args, want, says string }{
		{"--subject alice", "DELETE " + api.LoginSessionsPath + "?subject=alice", "every login session of subject alice"},
		{"--sid s1", "DELETE " + api.LoginSessionsPath + "?sid=s1", "login session s1"},
	} {
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdRevoke(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Timeout: 5e9}
			return revokeRun(ctx, o)
		}), strings.Fields(tt.args)...)
		if err != nil || got != tt.want || out.Len() != 0 || !strings.Contains(errOut.String(), tt.says) || !strings.Contains(errOut.String(), "answers alike") {
			t.Errorf("%s: %v %q %q", tt.args, err, got, errOut)
		}
	}
}

// Hydra v1 refuses ?sid= with a bare 400: the error names --subject.
func TestRevokeRunSidOnHydraV1(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/version":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"version":"v1.11.10"}`))
		case r.Method == http.MethodDelete && r.URL.Path == strings.TrimPrefix(api.LoginSessionsPath, "/admin"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"The request is missing a required parameter."}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f, _, _, _ := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdRevoke(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Timeout: 5e9}
		return revokeRun(ctx, o)
	}), "--sid", "s1")
	if err == nil || !strings.Contains(err.Error(), "--sid needs Hydra v2") || !strings.Contains(err.Error(), "pass --subject instead") {
		t.Errorf("err = %v", err)
	}
}
