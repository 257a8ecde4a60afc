package flush

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdFlush(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	var got *Options
	err := cmdtest.Run(NewCmdFlush(f, func(_ context.Context, o *Options) error { got = o; return nil }),
		"--endpoint", "http://h:4445", "--min-age", "1h", "--api-version", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got.MinAge != time.Hour || got.Admin.Conn.APIVersion != "v1" || got.Admin.Conn.Endpoint != "http://h:4445" {
		t.Errorf("options = %+v", got)
	}
	err = cmdtest.Run(NewCmdFlush(f, func(context.Context, *Options) error { return nil }), "--min-age", "-1h")
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
		t.Errorf("negative --min-age: err = %v, want a usage error", err)
	}
}

// hydra answers like Hydra v1 (flush served at /oauth2/flush) or v2 (no
// such route; clients listed at /admin/clients, to which /clients
// redirects), recording the flush body.
func hydra(t *testing.T, v1 bool, body *map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/version":
			_, _ = w.Write([]byte(`{"version":"master"}`))
		case !v1 && r.URL.Path == "/clients":
			http.Redirect(w, r, "/admin/clients", http.StatusTemporaryRedirect)
		case !v1 && r.URL.Path == "/admin/clients":
			_, _ = w.Write([]byte(`[]`))
		case v1 && r.URL.Path == "/clients":
			_, _ = w.Write([]byte(`[]`))
		case v1 && r.URL.Path == api.FlushPath && r.Method == http.MethodPost:
			_ = json.NewDecoder(r.Body).Decode(body)
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFlushV1(t *testing.T) {
	var body map[string]string
	srv := hydra(t, true, &body)
	f, _, stdout, stderr := cmdtest.Factory(nil)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cmd := NewCmdFlush(f, func(ctx context.Context, o *Options) error {
		o.Now = func() time.Time { return now }
		return flushRun(ctx, o)
	})
	if err := cmdtest.Run(cmd, "--endpoint", srv.URL, "--min-age", "24h"); err != nil {
		t.Fatal(err)
	}
	if body["notAfter"] != "2026-01-01T03:04:05Z" {
		t.Errorf("notAfter = %q, want now - 24h", body["notAfter"])
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "Flushed expired access and refresh tokens issued before 2026-01-01T03:04:05Z") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

func TestFlushV2(t *testing.T) {
	for _, argv := range [][]string{nil, {"--api-version", "v2"}} {
		srv := hydra(t, false, nil)
		f, _, stdout, _ := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdFlush(f, nil), append([]string{"--endpoint", srv.URL}, argv...)...)
		var gerr *api.GenerationError
		if !errors.As(err, &gerr) || cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure {
			t.Fatalf("%v: err = %v, want a GenerationError, exit 1", argv, err)
		}
		for _, want := range []string{"needs Hydra v1", "Hydra v2", "hydra janitor --tokens"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error does not say %q:\n%s", argv, want, err)
			}
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout %q", stdout)
		}
	}
}

func TestFlushHelp(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	var out strings.Builder
	cmd := NewCmdFlush(f, nil)
	cmd.SetArgs([]string{"--help"})
	cmd.SetOut(&out)
	if _, err := cmd.ExecuteC(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "hydra janitor") || !strings.Contains(out.String(), "--min-age") {
		t.Errorf("help:\n%s", out.String())
	}
}
