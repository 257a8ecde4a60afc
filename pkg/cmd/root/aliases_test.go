package root

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestV2Spellings(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	root := NewCmdRoot(f)
	for v2, use := range map[string]string{
		"introspect token":           "token <token> | -",
		"perform client-credentials": "client-credentials",
		"revoke token":               "token <token> | -",
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
		if r.Method == http.MethodGet {
			// token delete checks that the client exists.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"client_id":"c1"}`))
			return
		}
		query = r.URL.RawQuery
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	tests := []struct {
		argv     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"delete", "access-tokens", "c1"}, 0, "ID\tc1\t\n"},
		{[]string{"delete", "access-tokens"}, 2, ""},
		{[]string{"delete", "access-tokens", "--client-id", "c1", "c1"}, 2, ""},
		// The v1 flag, hidden, still works for scripts that mix spellings.
		{[]string{"delete", "access-tokens", "--client-id", "c1"}, 0, "ID\tc1\t\n"},
		{[]string{"delete", "access-tokens", "c1", "c2"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.argv, " "), func(t *testing.T) {
			query = ""
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
			if code := Execute(context.Background(), f, tt.argv); code != tt.wantCode {
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

func TestV2SpellingsShowV2Examples(t *testing.T) {
	f, _, _, _ := cmdtest.Factory(nil)
	root := NewCmdRoot(f)
	for _, s := range v2Spellings {
		cmd, _, err := root.Find([]string{s.verb, s.noun})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cmd.Example, "hydra "+s.v1+" ") || strings.HasSuffix(cmd.Example, "hydra "+s.v1) {
			t.Errorf("hydra %s %s shows the v1 spelling in its examples:\n%s", s.verb, s.noun, cmd.Example)
		}
		if cmd.Example != "" && !strings.Contains(cmd.Example, "hydra "+s.verb+" "+s.noun) {
			t.Errorf("hydra %s %s: no example in its own spelling:\n%s", s.verb, s.noun, cmd.Example)
		}
	}
	cmd, _, _ := root.Find([]string{"delete", "access-tokens"})
	if !strings.Contains(cmd.Example, "hydra delete access-tokens my-client") {
		t.Errorf("the positional example was not rewritten:\n%s", cmd.Example)
	}
}
