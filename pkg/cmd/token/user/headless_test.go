package user

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// The headless flow's own judgments of an answer (a 200 where Hydra
// redirects, a redirect off Hydra's hosts) get their advice from the one
// adviser, by cause and the source of the endpoint, as the client's own
// errors do.
func TestHeadlessAdviceComesFromTheAdviser(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth http.HandlerFunc
		want []string
	}{
		{
			name: "a 200 where a redirect belongs",
			auth: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html>sign in</html>"))
			},
			want: []string{"the headless flow expected a redirect here", "This is not an answer of Hydra's public API", "HYDRA_URL"},
		},
		{
			name: "a redirect to another host",
			auth: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://elsewhere.example/login?x=1", http.StatusFound)
			},
			want: []string{"follows redirects only on Hydra's public API", "elsewhere.example/login", "An API endpoint should not redirect", "HYDRA_URL"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			srv := httptest.NewServer(mux)
			defer srv.Close()
			mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/oauth2/auth",
					"token_endpoint": srv.URL + "/oauth2/token", "jwks_uri": srv.URL + "/.well-known/jwks.json"})
			})
			mux.HandleFunc("/oauth2/auth", tc.auth)
			f, _, stdout, _ := cmdtest.Factory(map[string]string{"HYDRA_URL": srv.URL, "HYDRA_ADMIN_URL": srv.URL})
			err := cmdtest.Run(NewCmdUser(f, nil), "--headless", "--subject", "alice", "--client-id", "c", "-p", "0")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout)
			}
		})
	}
}
