package reliability

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// client list walks Link headers: a server that loops, sends garbage, or
// fails on a later page must not make it loop, crash or print half a list.
func TestClientListPagination(t *testing.T) {
	page := func(w http.ResponseWriter, link string) {
		w.Header().Set("Content-Type", "application/json")
		if link != "" {
			w.Header().Set("Link", link)
		}
		_, _ = w.Write([]byte(`[` + clientOK + `]`))
	}
	// lastPage is a second page, of another client: a page that repeats
	// the one before it is a server ignoring the page token (api.Pages).
	lastPage := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[` + strings.Replace(clientOK, `"c1"`, `"c2"`, 1) + `]`))
	}
	argv := func(e string) []string { return []string{"client", "list", "-e", e, "--format", "json"} }

	t.Run("a next link that loops", func(t *testing.T) {
		var n atomic.Int32
		srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			page(w, `</admin/clients?page_token=again>; rel="next"`)
		}))
		r := invokeArgs(context.Background(), t, nil, "", argv(srv.URL))
		assertFailedCleanly(t, r, cmdutil.ExitFailure, "twice")
		if n.Load() > 3 {
			t.Errorf("%d requests for a loop of one page", n.Load())
		}
	})
	t.Run("a later page fails", func(t *testing.T) {
		srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("page_token") != "" {
				http.Error(w, "<html><body><h1>502 Bad Gateway</h1></body></html>", http.StatusBadGateway)
				return
			}
			page(w, `</admin/clients?page_token=p2>; rel="next"`)
		}))
		r := invokeArgs(context.Background(), t, nil, "", append(argv(srv.URL), "--retries", "0"))
		assertFailedCleanly(t, r, cmdutil.ExitFailure, "502 Bad Gateway")
	})
	for name, link := range map[string]string{
		"no angle brackets":          `/admin/clients?page_token=p2; rel="next"`,
		"unterminated":               `</admin/clients?page_token=p2; rel="next"`,
		"unbalanced quotes":          `</admin/clients?page_token=p2>; rel="next`,
		"next without a token":       `</admin/clients?page_size=2>; rel="next"`,
		"a bad URL":                  `<http://%zz/admin/clients?page_token=p2>; rel="next"`,
		"escaped control characters": `</admin/clients?page_token=%1b%5b2J>; rel="next"`,
		"a huge header":              `<` + strings.Repeat("x", 60000) + `>; rel="next"`,
		"only rel=last and junk":     `</admin/clients?page_token=last>; rel="last", ,,;;=, <>`,
		"empty":                      ` `,
		"token that is whitespace":   `</admin/clients?page_token=%20>; rel="next"`,
	} {
		t.Run("garbage Link: "+name, func(t *testing.T) {
			var n atomic.Int32
			srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) > 5 {
					http.Error(w, "too many requests", http.StatusTooManyRequests)
					return
				}
				if r.URL.Query().Get("page_token") != "" {
					lastPage(w)
					return
				}
				page(w, link)
			}))
			r := invokeArgs(context.Background(), t, nil, "", argv(srv.URL))
			if r.code != 0 || !strings.Contains(r.stdout, `"client_id"`) {
				t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			assertNoSecrets(t, r)
		})
	}
}

// One page at a time, the next page's token is printed for the user to
// pass back: a token that carries escape sequences is quoted, not obeyed.
func TestClientListNextTokenQuoted(t *testing.T) {
	srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Link", `</admin/clients?page_token=%1b%5b2Jx%07>; rel="next"`)
		_, _ = w.Write([]byte(`[` + clientOK + `]`))
	}))
	r := invokeArgs(context.Background(), t, nil, "", []string{"client", "list", "-e", srv.URL, "--page-size", "1"})
	if r.code != 0 || !strings.Contains(r.stderr, "--page-token") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Errorf("stderr passes on escape sequences: %q", r.stderr)
	}
}
