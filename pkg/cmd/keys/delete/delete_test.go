package delete

import (
	"context"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/keys/internal/keystest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdDelete(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdDelete, []cmdtest.ArgvCase[Options]{
		{Argv: "a b", Check: func(t *testing.T, o *Options) {
			if len(o.Sets) != 2 {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "at least one set name"},
		{Argv: "a b --kid k", WantErr: "--kid takes one set"},
		{Argv: "a --kid a/b", WantErr: "contains a /"},
	})
}

func TestDeleteRun(t *testing.T) {
	srv := keystest.New(t)
	srv.Put("a", keystest.NewECKey("k1"))
	srv.Put("a", keystest.NewECKey("k2"))
	srv.Put("b", keystest.NewECKey("k3"))
	run := func(args ...string) (string, string, error) {
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdDelete(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return deleteRun(ctx, o)
		}), args...)
		return out.String(), errOut.String(), err
	}

	out, errOut, err := run("a", "--kid", "k1")
	if err != nil || out != "k1\n" || len(srv.Set("a")) != 1 {
		t.Fatalf("one key: %v %q %q", err, out, errOut)
	}
	out, errOut, err = run("missing", "b")
	if err != cmdutil.ErrSilent || out != "b\n" || !strings.Contains(errOut, `no key set "missing"`) || len(srv.Set("b")) != 0 {
		t.Fatalf("a missing set is an error that does not stop the others: %v %q %q", err, out, errOut)
	}
	for _, r := range srv.Requests() {
		if r.Method == "DELETE" && strings.Contains(r.Path, "missing") {
			t.Errorf("a set that was not found must not be reported deleted, nor deleted: %+v", r)
		}
	}
}

// Under Hydra v1's spelling (keys delete), each deleted set is confirmed
// with v1's line; --kid, which v1 lacked, keeps the tool's line.
func TestDeleteRunV1Lines(t *testing.T) {
	srv := keystest.New(t)
	srv.Put("a", keystest.NewECKey("k1"))
	srv.Put("a", keystest.NewECKey("k2"))
	srv.Put("b", keystest.NewECKey("k3"))
	run := func(args ...string) (string, error) {
		f, _, out, _ := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdDeleteStyled(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return deleteRun(ctx, o)
		}, printer.Style{HydraV1: true}), args...)
		return out.String(), err
	}
	if out, err := run("a", "--kid", "k1"); err != nil || out != "k1\n" {
		t.Fatalf("--kid: %v %q", err, out)
	}
	if out, err := run("a", "b"); err != nil || out != "JSON Web Key Set deleted: a\nJSON Web Key Set deleted: b\n" {
		t.Fatalf("v1's lines: %v %q", err, out)
	}
}
