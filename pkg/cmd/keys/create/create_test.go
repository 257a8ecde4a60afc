package create

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/keys/internal/keystest"
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
