package create

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/keys/internal/keystest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdCreate(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdCreate, []cmdtest.ArgvCase[Options]{
		{Argv: "s", Check: func(t *testing.T, o *Options) {
			if o.Set != "s" || o.KeyID != "" || o.Algorithm != "RS256" || o.Use != "sig" {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{Argv: "s k -a ES512 -u enc --public", Check: func(t *testing.T, o *Options) {
			if o.KeyID != "k" || o.Algorithm != "ES512" || o.Use != "enc" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "takes a set name"},
		{Argv: "s k extra", WantErr: "takes a set name"},
		{Argv: "s --alg HS256", WantErr: `unknown --alg "HS256"`},
		{Argv: "s --use both", WantErr: `unknown --use "both"`},
		{Argv: "s a/b", WantErr: "contains a /"},
	})
}

func TestCreateRun(t *testing.T) {
	srv := keystest.New(t)
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdCreate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return createRun(ctx, o)
	}), "s", "k1", "--alg", "ES256", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	reqs := srv.Requests()
	var body map[string]string
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/admin/keys/s" || json.Unmarshal([]byte(reqs[0].Body), &body) != nil ||
		body["alg"] != "ES256" || body["use"] != "sig" || body["kid"] != "k1" {
		t.Fatalf("requests: %+v", reqs)
	}
	if !strings.Contains(out.String(), `"kid":"k1"`) || strings.Contains(out.String(), `"d"`) {
		t.Errorf("the new key's public part only: %s", out)
	}
}

// A 201 whose key set is empty proves no key was made: exit 1, not 0.
func TestCreateRunEmptyAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"keys":[]}`))
	}))
	defer srv.Close()
	f, _, out, _ := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdCreate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Timeout: 5e9}
		return createRun(ctx, o)
	}), "s", "--alg", "ES256")
	if err == nil || !strings.Contains(err.Error(), "holds no key") || out.Len() != 0 {
		t.Fatalf("err %v, stdout %q", err, out)
	}
}
