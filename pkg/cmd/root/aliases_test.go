package root

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestV2Spellings(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	root := NewCmdRoot(f)
	for v2, use := range map[string]string{
		"introspect token":           "token <token>... | -",
		"perform client-credentials": "client-credentials",
		"revoke token":               "token <token>",
		"delete access-tokens":       "access-tokens <client-id>",
	} {
		cmd, rest, err := root.Find(strings.Fields(v2))
		if err != nil || len(rest) != 0 || cmd.Use != use {
			t.Errorf("%s: found %q (rest %v, err %v), want Use %q", v2, cmd.Use, rest, err, use)
		}
	}
}

func TestV2DeleteAccessTokensTakesTheClientID(t *testing.T) {
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	tests := []struct {
		argv     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"delete", "access-tokens", "c1"}, 0, "c1\n"},
		{[]string{"delete", "access-tokens"}, 2, ""},
		{[]string{"delete", "access-tokens", "--client-id", "c1", "c1"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.argv, " "), func(t *testing.T) {
			query = ""
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
			root := NewCmdRoot(f)
			root.SetArgs(tt.argv)
			cmd, err := root.ExecuteC()
			if code := cmdutil.HandleError(stderr, cmd, err); code != tt.wantCode {
				t.Fatalf("exit %d, want %d: %s", code, tt.wantCode, stderr.String())
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantOut)
			}
			if tt.wantCode == 0 && query != "client_id=c1" {
				t.Errorf("query = %q", query)
			}
		})
	}
}
