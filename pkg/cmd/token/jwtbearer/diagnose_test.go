package jwtbearer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestDiagnose(t *testing.T) {
	const list = `[
	 {"id":"t1","issuer":"https://i","subject":"alice","public_key":{"set":"https://i","kid":"k1"},"expires_at":"2099-01-01T00:00:00Z"},
	 {"id":"t2","issuer":"https://i","subject":"bob","public_key":{"set":"https://i","kid":"k2"},"expires_at":"2001-01-01T00:00:00Z"}]`
	var bearer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bearer = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("issuer") != "https://i" {
			_, _ = w.Write([]byte(`[]`))
			return
		}
		_, _ = w.Write([]byte(list))
	}))
	defer srv.Close()
	env := map[string]string{"HYDRA_ADMIN_URL": srv.URL, "OAUTH2_ACCESS_TOKEN": "admin-bearer"}
	f, _, _, errOut := cmdtest.Factory(env)
	o := &Options{Factory: f}
	for _, tc := range []struct {
		c    claims
		want string
	}{
		{claims{Iss: "https://other", Sub: "alice", KID: "k1"}, "does not trust issuer"},
		{claims{Iss: "https://i", Sub: "carol", KID: "k1"}, `subject "carol" is not one`},
		{claims{Iss: "https://i", Sub: "alice", KID: "k9"}, `does not trust the key "k9"`},
		{claims{Iss: "https://i", Sub: "bob", KID: "k2"}, "expired"},
		{claims{Iss: "https://i", Sub: "alice", KID: "k1"}, ""},
	} {
		d := diagnose(context.Background(), o, tc.c)
		switch {
		case tc.want == "" && d != nil:
			t.Errorf("%+v: want no diagnosis, got %+v", tc.c, d)
		case tc.want != "" && (d == nil || !strings.Contains(d.headline, tc.want)):
			t.Errorf("%+v: want %q, got %+v", tc.c, tc.want, d)
		}
	}
	if bearer != "Bearer admin-bearer" {
		t.Errorf("the admin API got Authorization %q", bearer)
	}
	if errOut.Len() != 0 {
		t.Errorf("diagnose wrote %q", errOut)
	}
	// Without HYDRA_ADMIN_URL there is nothing to ask.
	f2, _, _, _ := cmdtest.Factory(nil)
	if d := diagnose(context.Background(), &Options{Factory: f2}, claims{Iss: "https://i", Sub: "x"}); d != nil {
		t.Errorf("no admin URL: %+v", d)
	}
}
