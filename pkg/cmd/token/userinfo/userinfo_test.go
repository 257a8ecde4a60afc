package userinfo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdUserinfo(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdUserinfo, []cmdtest.ArgvCase[Options]{
		{Argv: "tok --admin-endpoint http://a --format json -q", Check: func(t *testing.T, o *Options) {
			if o.Token != "tok" || o.Admin.Endpoint != "http://a" || o.Format.Name != "json" || !o.Quiet {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "", WantErr: "one access token"},
		{Argv: "- --access-token-file -", WantErr: "stdin cannot carry both"},
	})
}

const secretToken = "at-SECRET-51d0"

func server(t *testing.T, scope string, signed bool) *httptest.Server {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case api.UserinfoPath:
			if r.Header.Get("Authorization") != "Bearer "+secretToken {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error":"request_unauthorized"}`))
				return
			}
			claims := `{"sub":"alice","email":"a@example.com"}`
			if signed {
				s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, nil)
				jws, _ := s.Sign([]byte(claims))
				out, _ := jws.CompactSerialize()
				w.Header().Set("Content-Type", "application/jwt")
				_, _ = w.Write([]byte(out))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(claims))
		case api.IntrospectPath:
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"active":` + map[bool]string{true: "true", false: "false"}[r.PostForm.Get("token") == secretToken] +
				`,"sub":"alice","client_id":"app","token_use":"access_token","scope":"` + scope + `"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func run(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(env)
	err := cmdtest.Run(NewCmdUserinfo(f, nil), args...)
	return out.String(), errOut.String(), err
}

func TestUserinfoRun(t *testing.T) {
	srv := server(t, "openid email", false)
	env := map[string]string{"HYDRA_URL": srv.URL, "HYDRA_ADMIN_URL": srv.URL}
	out, errOut, err := run(t, env, secretToken, "--format", "json")
	if err != nil || strings.TrimSpace(out) != `{"sub":"alice","email":"a@example.com"}` || errOut != "" {
		t.Fatalf("%v %q %q", err, out, errOut)
	}

	_, errOut, err = run(t, map[string]string{"HYDRA_URL": srv.URL}, secretToken)
	if err != nil || !strings.Contains(errOut, "not checked") {
		t.Fatalf("without the admin API: %v %q", err, errOut)
	}

	_, _, err = run(t, env, "other-token")
	if err == nil || !strings.Contains(err.Error(), "not active") {
		t.Fatalf("inactive: %v", err)
	}

	noOpenID := server(t, "offline email", false)
	out, _, err = run(t, map[string]string{"HYDRA_URL": noOpenID.URL, "HYDRA_ADMIN_URL": noOpenID.URL}, secretToken)
	if err == nil || out != "" || !strings.Contains(err.Error(), "not granted the openid scope") || strings.Contains(err.Error(), secretToken) {
		t.Fatalf("no openid: %v %q", err, out)
	}

	signed := server(t, "openid", true)
	out, errOut, err = run(t, map[string]string{"HYDRA_URL": signed.URL, "HYDRA_ADMIN_URL": signed.URL}, secretToken, "--format", "jsonpath=email")
	if err != nil || out != "a@example.com\n" || !strings.Contains(errOut, "signature was not verified") {
		t.Fatalf("signed: %v %q %q", err, out, errOut)
	}
}
