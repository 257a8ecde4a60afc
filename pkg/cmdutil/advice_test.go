package cmdutil

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
)

// closedURL is a loopback URL where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// The advice names where the URL came from, and the target: Hydra's API,
// or a server that is not Hydra, by its name; a target's own advice comes
// first.
func TestAdviceNamesTargetAndSource(t *testing.T) {
	dead := closedURL(t)
	deadURL, _ := url.Parse(dead)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>sign in</html>"))
	}))
	defer html.Close()

	tests := []struct {
		name   string
		env    map[string]string
		client func(f *Factory) (*api.Client, error)
		method string
		want   string
	}{
		{"admin from the flag", nil, func(f *Factory) (*api.Client, error) {
			return (&Connection{Kind: api.Admin, Endpoint: dead, Timeout: time.Second}).Client(f)
		}, http.MethodGet, "Is Hydra's admin API listening there? Set the URL with --endpoint."},
		{"admin from the environment", map[string]string{EnvAdminURL: dead}, func(f *Factory) (*api.Client, error) {
			return (&Connection{Kind: api.Admin, Timeout: time.Second}).Client(f)
		}, http.MethodGet, "Set the URL with HYDRA_ADMIN_URL (or --endpoint, which overrides it)."},
		{"external", nil, func(f *Factory) (*api.Client, error) {
			return (&Connection{Timeout: time.Second}).External(f, deadURL, ExternalServer{Name: "the issuer's key set", Source: "--jwks-url"})
		}, http.MethodGet, "Is the issuer's key set reachable from here? Check --jwks-url."},
		{"external with its own advice", nil, func(f *Factory) (*api.Client, error) {
			own := func(err error) string {
				var ce *api.ConnError
				if errors.As(err, &ce) && ce.Cause == api.CauseDial {
					return "Is this a CI job?"
				}
				return ""
			}
			return (&Connection{Timeout: time.Second}).External(f, deadURL, ExternalServer{Name: "x", Source: "Y", Advice: own})
		}, http.MethodGet, "\nIs this a CI job?"},
		{"a 200 HTML page to a deletion", nil, func(f *Factory) (*api.Client, error) {
			return (&Connection{Kind: api.Admin, Endpoint: html.URL, Timeout: time.Second}).Client(f)
		}, http.MethodDelete, "This is not an answer of Hydra's admin API, so it proves nothing: --endpoint may name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := testFactory(tt.env)
			c, err := tt.client(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Do(context.Background(), api.Request{Method: tt.method, Path: "/admin/clients/c1"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v\nwant it to say %q", err, tt.want)
			}
		})
	}
}

// A feature of the other generation, given with --api-version: the advice
// says how to correct the flag.
func TestAdviceOfAGivenGeneration(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	f, _ := testFactory(nil)
	c, err := (&Connection{Kind: api.Admin, Endpoint: srv.URL, APIVersion: "v2"}).Client(f)
	if err != nil {
		t.Fatal(err)
	}
	err = c.FlushInactiveTokens(context.Background(), time.Now())
	if err == nil || !strings.Contains(err.Error(), "(as given); if the server is Hydra v1, pass --api-version v1") {
		t.Errorf("err = %v", err)
	}
}

// pkg/api names no flag and no environment variable: the advice that names
// them is this package's (issue 23).
func TestAPINamesNoFlag(t *testing.T) {
	files, err := filepath.Glob("../api/*.go")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	// Long flags, the short ones of the connection (-H, -e, -v, -q), and
	// the variables the tool or Go's HTTP stack read. Comments count too:
	// a comment that names a flag is how a message comes to name one.
	names := regexp.MustCompile(`(^|[\s"'(\x60])(--[a-z][a-z-]+|-[Hevq]\b)|\b(HYDRA_[A-Z_]+|ORY_SDK_URL|OAUTH2_[A-Z_]+|(?i:https?_proxy|no_proxy)|SSL_CERT_(FILE|DIR)|NO_COLOR|CLICOLOR[A-Z_]*|XDG_[A-Z_]+|ACTIONS_ID_TOKEN_[A-Z_]+|CI_JOB_JWT[A-Z_0-9]*)\b`)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if m := names.FindString(line); m != "" {
				t.Errorf("%s:%d names %q: %s", file, i+1, strings.TrimSpace(m), strings.TrimSpace(line))
			}
		}
	}
}
