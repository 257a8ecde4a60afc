package cmdutil_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestCompleteClientIDs(t *testing.T) {
	var gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		if r.URL.Path != api.ClientsPath {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `[{"client_id":"app-1","client_name":"First"},{"client_id":"app-2"},{"client_id":"other"}]`)
	}))
	defer srv.Close()

	f, _, out, errOut := cmdtest.Factory(map[string]string{"OAUTH2_ACCESS_TOKEN": "tok"})
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())
	conn := &cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Verbose: true}
	token := &cmdutil.Secret{Flag: "access-token", Env: "OAUTH2_ACCESS_TOKEN"}

	got, dir := cmdutil.CompleteClientIDs(f, conn, token)(cmd, []string{"app-2"}, "app")
	if len(got) != 1 || got[0] != "app-1\tFirst" {
		t.Errorf("completions = %q, want app-1 only (app-2 is already given)", got)
	}
	if dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("directive = %v", dir)
	}
	if gotAuth != "Bearer tok" {
		t.Errorf("Authorization = %q", gotAuth)
	}
	if out.Len()+errOut.Len() != 0 {
		t.Errorf("completion must print nothing (not even -v traces): %q %q", out, errOut)
	}

	// Any failure offers nothing, silently.
	for _, c := range []*cmdutil.Connection{
		{Kind: api.Admin, Endpoint: srv.URL + "/nowhere"},
		{Kind: api.Admin, Endpoint: "http://127.0.0.1:1"},
		{Kind: api.Admin},
	} {
		got, _ := cmdutil.CompleteClientIDs(f, c, token)(cmd, nil, "")
		if len(got) != 0 || out.Len()+errOut.Len() != 0 {
			t.Errorf("%q: completions %q, output %q %q", c.Endpoint, got, out, errOut)
		}
	}
}
