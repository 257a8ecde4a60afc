package user

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzPagesPost posts any form to the login and consent pages: without
// the token the page gave for that challenge, nothing reaches Hydra's
// admin API, and a page is always answered.
func FuzzPagesPost(f *testing.F) {
	f.Add("challenge=lc-1&token=x&username=a&action=accept", true, "")
	f.Add("challenge=cc-1&scope=openid&action=deny", false, "http://127.0.0.1:4446")
	f.Add("challenge=lc-1&challenge=lc-2&token=&action=accept", true, "null")
	f.Fuzz(func(t *testing.T, body string, login bool, origin string) {
		a := newAdminStub(t)
		p, _ := newTestPages(t, a, false)
		path := "/consent"
		if login {
			path = "/login"
		}
		r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:4446"+path, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		w := httptest.NewRecorder()
		p.ServeHTTP(w, r)
		if w.Code == 0 || w.Header().Get("Content-Security-Policy") == "" {
			t.Fatalf("no page: %d", w.Code)
		}
		if c := a.calls(); len(c) != 0 {
			t.Fatalf("a form without the page's token reached Hydra: %+v", c)
		}
	})
}
