package root

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// "revoke token" prints the token it revoked, as Hydra v2's CLI does, in
// each format; "token revoke" prints Hydra v1's line about it, and nothing
// with -q. Neither spelling shows the token on stderr.
func TestRevokeTokenOutput(t *testing.T) {
	const tok = "tok-3f9a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth2/revoke" || r.FormValue("token") != tok {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		argv []string
		want string
	}{
		// Hydra v2's tab-padded table (ory/x cmdx), as test/parity proves.
		{[]string{"revoke", "token", tok}, "ID\t" + tok + "\t\n"},
		{[]string{"revoke", "token", "-q", tok}, tok + "\n"},
		{[]string{"revoke", "token", "--format", "json", tok}, `"` + tok + `"` + "\n"},
		{[]string{"revoke", "token", "--format", "json-pretty", tok}, `"` + tok + `"` + "\n"},
		{[]string{"revoke", "token", "--format", "yaml", tok}, tok + "\n"},
		{[]string{"revoke", "token", "--format", "table", tok}, "ID\t" + tok + "\t\n"},
		{[]string{"token", "revoke", tok}, "Revoked OAuth 2.0 Access Token: " + tok + "\n"},
		{[]string{"token", "revoke", "-q", tok}, ""},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "OAUTH2_CLIENT_ID": "c", "OAUTH2_CLIENT_SECRET": "s"})
			root := NewCmdRoot(f)
			root.SetArgs(tc.argv)
			cmd, err := root.ExecuteC()
			if code := cmdutil.HandleError(stderr, cmd, err); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout.String() != tc.want {
				t.Errorf("stdout = %q, want %q", stdout, tc.want)
			}
			if strings.Contains(stderr.String(), tok) {
				t.Errorf("stderr shows the token: %q", stderr)
			}
		})
	}
}

// "list oauth2-clients" prints Hydra v2's page envelope, whose
// next_page_token is the server's token as it is: a quote or a tab in it is
// escaped once, by JSON, and the note on stderr is left out.
func TestListEnvelopeCarriesThePageTokenAsItIs(t *testing.T) {
	const next = "a\"b\tc"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin/clients" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Link", `<http://`+r.Host+`/admin/clients?page_size=1&page_token=`+url.QueryEscape(next)+`>; rel="next"`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"client_id":"c1","client_name":"<one>"}]`))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		argv       []string
		want       string
		wantStderr string
	}{
		{[]string{"list", "oauth2-clients", "--page-size", "1", "--format", "json"},
			`{"items":[{"client_id":"c1","client_name":"\u003cone\u003e"}],"next_page_token":"a\"b\tc","is_last_page":false}` + "\n", ""},
		// JSON-encoded, as Hydra v2's CLI prints a jsonpath value.
		{[]string{"list", "oauth2-clients", "--page-size", "1", "--format", "jsonpath=next_page_token"}, `"a\"b\tc"` + "\n", ""},
		{[]string{"list", "oauth2-clients", "--page-size", "1", "-q"}, "c1\n", `next page: --page-token "a\"b\tc"` + "\n"},
		{[]string{"client", "list", "--page-size", "1", "--format", "json"},
			`[{"client_id":"c1","client_name":"<one>"}]` + "\n", `next page: --page-token "a\"b\tc"` + "\n"},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
			if code := Execute(context.Background(), f, tc.argv); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout.String() != tc.want {
				t.Errorf("stdout = %q, want %q", stdout, tc.want)
			}
			if stderr.String() != tc.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr, tc.wantStderr)
			}
		})
	}
}

// "delete oauth2-client" takes Hydra v2's --format: the IDs deleted are one
// document, printed even when another ID failed; "client delete" has no
// --format.
func TestDeleteClientFormats(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/admin/clients/gone" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"Unable to locate the resource","error_description":"not found"}`))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		argv     []string
		wantCode int
		want     string
	}{
		{[]string{"delete", "oauth2-client", "a"}, 0, "ID\ta\t\n"},
		{[]string{"delete", "oauth2-client", "-q", "a", "b"}, 0, "a\nb\n"},
		{[]string{"delete", "oauth2-client", "--format", "json", "a"}, 0, `"a"` + "\n"},
		{[]string{"delete", "oauth2-client", "--format", "json", "a", "gone", "b"}, 1, `["a","b"]` + "\n"},
		{[]string{"delete", "oauth2-client", "--format", "table", "a", "b"}, 0, "ID\t\na\t\nb\t\n"},
		// Hydra's jsonpath is a gjson path, its value JSON-encoded; a
		// kubectl path selects nothing there, and prints null.
		{[]string{"delete", "oauth2-client", "--format", "jsonpath=1", "a", "b"}, 0, `"b"` + "\n"},
		{[]string{"delete", "oauth2-client", "--format", "jsonpath=$[1]", "a", "b"}, 0, "null\n"},
		{[]string{"delete", "oauth2-client", "--format", "nope", "a"}, 2, ""},
		{[]string{"client", "delete", "--format", "json", "a"}, 2, ""},
	} {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			f, _, stdout, stderr := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
			if code := Execute(context.Background(), f, tc.argv); code != tc.wantCode {
				t.Fatalf("exit %d, want %d: %s", code, tc.wantCode, stderr)
			}
			if stdout.String() != tc.want {
				t.Errorf("stdout = %q, want %q", stdout, tc.want)
			}
		})
	}
}
