package list

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdList(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdList, []cmdtest.ArgvCase[Options]{
		{Argv: "--issuer https://i --subject s -q", Check: func(t *testing.T, o *Options) {
			if o.Issuer != "https://i" || o.Subject != "s" || !o.Quiet {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "extra", WantErr: "takes no arguments"},
		{Argv: "--format nope", WantErr: "nope"},
	})
}

// Every page is walked, the issuer is filtered by the server and the
// subject here.
func TestListRunPages(t *testing.T) {
	var issuers []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		issuers = append(issuers, r.URL.Query().Get("issuer"))
		w.Header().Set("Content-Type", "application/json")
		item := func(id, sub string) string {
			return fmt.Sprintf(`{"id":%q,"issuer":"https://i","subject":%q,"scope":["a"],"public_key":{"set":"https://i","kid":"k"}}`, id, sub)
		}
		if r.URL.Query().Get("page_token") == "" {
			w.Header().Set("Link", `</admin/trust/grants/jwt-bearer/issuers?page_token=p2>; rel="next"`)
			_, _ = w.Write([]byte("[" + item("t1", "s") + "," + item("t2", "other") + "]"))
			return
		}
		_, _ = w.Write([]byte("[" + item("t3", "s") + "]"))
	}))
	defer srv.Close()
	f, _, out, _ := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdList(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = cmdutil.Connection{Endpoint: srv.URL}
		return listRun(ctx, o)
	}), "--issuer", "https://i", "--subject", "s", "-q")
	if err != nil || out.String() != "t1\nt3\n" {
		t.Errorf("%v: %q", err, out)
	}
	if len(issuers) != 2 || issuers[0] != "https://i" || issuers[1] != "https://i" {
		t.Errorf("issuer filter sent: %q", issuers)
	}
}
