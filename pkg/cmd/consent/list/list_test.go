package list

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdList(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdList, []cmdtest.ArgvCase[Options]{
		{Argv: "--subject s --client c --format json", Check: func(t *testing.T, o *Options) {
			if o.Subject != "s" || o.ClientID != "c" || o.Format.Name != "json" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "--subject is required"},
		{Argv: "--subject s --format xml", WantErr: "unknown format"},
	})
}

func TestListRun(t *testing.T) {
	body := `[{"grant_scope":["openid","email"],"grant_access_token_audience":["api"],"remember":true,"remember_for":3600,"handled_at":"2026-01-02T03:04:05Z","x_new":1,
		"consent_request":{"subject":"s","client":{"client_id":"a","client_name":"App A"}}},
		{"grant_scope":["offline"],"remember":false,"handled_at":"2026-01-02T03:04:05Z","consent_request":{"subject":"s","client":{"client_id":"b"}}}]`
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Total-Count", "2")
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	run := func(args ...string) (string, string, error) {
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdList(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Timeout: 5e9}
			return listRun(ctx, o)
		}), args...)
		return out.String(), errOut.String(), err
	}

	out, _, err := run("--subject", "s")
	if err != nil || !strings.HasPrefix(out, "CLIENT ID") || !strings.Contains(out, "App A") || !strings.Contains(out, "2026-01-02T04:04:05Z") ||
		!strings.Contains(out, "not remembered") || !strings.Contains(query, "subject=s") {
		t.Fatalf("table: %v %s\n%s", err, query, out)
	}
	out, _, err = run("--subject", "s", "--client", "a", "--format", "json")
	var got []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || len(got) != 1 || got[0]["x_new"] != 1.0 {
		t.Fatalf("json keeps the server's fields, filtered by client: %v\n%s", err, out)
	}
	out, errOut, err := run("--subject", "s", "--client", "zzz", "--format", "json")
	if err != nil || strings.TrimSpace(out) != "[]" || !strings.Contains(errOut, "no consent sessions") {
		t.Fatalf("none: %v %q %q", err, out, errOut)
	}
}

func TestRememberedUntil(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &api.ConsentSession{Remember: true, RememberFor: 60, HandledAt: now.Add(-2 * time.Minute)}
	if got := rememberedUntil(s, now); !strings.HasSuffix(got, "(expired)") {
		t.Errorf("%q", got)
	}
	s.RememberFor = 0
	if got := rememberedUntil(s, now); got != "never expires" {
		t.Errorf("%q", got)
	}
}

// Hydra v25.4 and later name each session's consent request: the table
// shows it, for consent revoke --consent-request-id; older servers'
// tables are unchanged.
func TestTableConsentRequestID(t *testing.T) {
	old := &api.ConsentSession{}
	withID := &api.ConsentSession{ConsentRequestID: "8f23579e"}
	if got := Table([]*api.ConsentSession{old}, time.Now()); len(got.Headers) != 6 || len(got.Rows[0]) != 6 {
		t.Errorf("without IDs: %v %v", got.Headers, got.Rows)
	}
	got := Table([]*api.ConsentSession{withID, old}, time.Now())
	if got.Headers[6] != "CONSENT REQUEST ID" || got.Rows[0][6] != "8f23579e" || got.Rows[1][6] != "" {
		t.Errorf("with IDs: %v %v", got.Headers, got.Rows)
	}
}
