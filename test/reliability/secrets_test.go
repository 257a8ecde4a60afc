package reliability

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// Every row runs with -v (which traces each request and response) against
// a good answer, an error, and a redirect. The server checks that it did
// receive a secret, so that its absence from the output means something.
func TestVerboseShowsNoSecret(t *testing.T) {
	answers := map[string]func(c command) http.Handler{
		"ok": okHandler,
		"400": func(command) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"The request is malformed."}`))
			})
		},
		"redirect": func(command) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// A Location that carries a token in its query, as an
				// implicit-flow redirect would.
				w.Header().Set("Location", "http://127.0.0.1:1/cb?access_token="+secretAccessToken+"&code="+secretCode)
				w.Header().Set("Set-Cookie", "session="+secretRefresh)
				w.WriteHeader(http.StatusFound)
			})
		},
	}
	for _, c := range commands {
		for name, answer := range answers {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				var mu sync.Mutex
				var sent []string
				// Secrets the command makes up, a PKCE verifier or
				// a client assertion: what the server received is checked
				// against the output too.
				var minted []string
				h := answer(c)
				if c.grant != "" && name != "ok" {
					// The secrets ride on the grant: the earlier requests
					// get good answers, so that it is sent.
					bad, good := h, okHandler(c)
					h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if r.URL.Path == c.grant {
							bad.ServeHTTP(w, r)
							return
						}
						good.ServeHTTP(w, r)
					})
				}
				srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					var b strings.Builder
					b.Write(body)
					for k, vs := range r.Header {
						b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
					}
					b.WriteString(r.URL.RawQuery)
					form, _ := url.ParseQuery(string(body))
					query := r.URL.Query()
					mu.Lock()
					for _, k := range []string{"code_verifier", "client_assertion"} {
						for _, v := range append(form[k], query[k]...) {
							if len(v) >= 8 {
								minted = append(minted, v)
							}
						}
					}
					mu.Unlock()
					// client_secret_basic sends the secret base64-encoded.
					if id, secret, ok := r.BasicAuth(); ok {
						b.WriteString("\n" + id + ":" + secret)
					}
					mu.Lock()
					sent = append(sent, b.String())
					mu.Unlock()
					h.ServeHTTP(w, r)
				}))
				r := invoke(context.Background(), t, c, srv.URL, "-v")
				if name == "ok" && r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				if !strings.Contains(r.stderr, "> POST ") && !strings.Contains(r.stderr, "> GET ") &&
					!strings.Contains(r.stderr, "> PUT ") && !strings.Contains(r.stderr, "> DELETE ") &&
					!strings.Contains(r.stderr, "> PATCH ") {
					t.Errorf("-v traced no request:\n%s", r.stderr)
				}
				assertNoSecrets(t, r)
				mu.Lock()
				for _, m := range minted {
					if strings.Contains(r.stdout+r.stderr, m) {
						t.Errorf("a value the command sent as a secret shows in its output: %q", m)
					}
				}
				mu.Unlock()
				all := strings.Join(sent, "\n")
				n := 0
				for _, s := range allSecrets {
					if strings.Contains(all, s) {
						n++
					}
				}
				if n == 0 && !c.sendsNoSecret {
					t.Error("the server received none of the secrets: the row tests nothing")
				}
				if t.Failed() || os.Getenv("SHOW") != "" {
					t.Logf("stderr:\n%s", r.stderr)
				}
			})
		}
	}
}

// envMarkers are set, in the process environment and in the Factory, to
// values that must not appear in any --help.
var envMarkers = map[string]string{
	"OAUTH2_CLIENT_SECRET":           "marker-client-secret-7d3e",
	"OAUTH2_CLIENT_ID":               "marker-client-id-2b9a",
	"OAUTH2_ACCESS_TOKEN":            "marker-access-token-c41f",
	"HYDRA_URL":                      "http://marker-hydra-url-8e20.example",
	"HYDRA_ADMIN_URL":                "http://marker-hydra-admin-url-51c6.example",
	"ORY_SDK_URL":                    "http://marker-ory-sdk-url-a0d7.example",
	"HYDRA_CLIENT_SECRET":            "marker-hydra-client-secret-93f1",
	"BROWSER":                        "marker-browser-5e6b",
	"OAUTH2_CLIENT_PRIVATE_KEY":      "marker-private-key-6a1c",
	"ACTIONS_ID_TOKEN_REQUEST_URL":   "http://marker-actions-url-3f0e.example",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "marker-actions-token-d81b",
	"HYDRA_TOKEN_CACHE":              "marker-token-cache-4f2d",
	"GITLAB_CI":                      "marker-gitlab-ci-0c7a",
	"CIRCLECI":                       "marker-circleci-b35e",
	"KUBERNETES_SERVICE_HOST":        "marker-k8s-host-61d9",
	"HYDRA_ID_TOKEN":                 "marker-hydra-id-token-2e84",
}

// Every environment variable the tool names in an Env constant has a
// marker above, so that a variable added later cannot show in --help
// unnoticed. (NO_COLOR and the CLICOLOR variables, read by iostreams, only
// switch colour; the proxy variables are net/http's.)
func TestEnvMarkersCoverEveryVariable(t *testing.T) {
	constRE := regexp.MustCompile(`\bEnv[A-Za-z]*\s*=\s*"([A-Z0-9_]+)"`)
	found := 0
	err := filepath.WalkDir(filepath.Join("..", "..", "pkg"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range constRE.FindAllStringSubmatch(string(src), -1) {
			found++
			if _, ok := envMarkers[m[1]]; !ok {
				t.Errorf("%s reads %s, which envMarkers does not cover", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 5 {
		t.Errorf("found %d Env constants; the pattern no longer matches the code", found)
	}
}

// walk calls fn with the argv path of every command in the tree.
func walk(cmd *cobra.Command, path []string, fn func(path []string, cmd *cobra.Command)) {
	fn(path, cmd)
	for _, sub := range cmd.Commands() {
		if sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		walk(sub, append(append([]string(nil), path...), sub.Name()), fn)
	}
}

// The tree is walked, so that every command merged later is covered
// without editing this test.
func TestHelpShowsNoEnvironment(t *testing.T) {
	for k, v := range envMarkers {
		t.Setenv(k, v)
	}
	getenv := func(k string) string { return envMarkers[k] }
	ios, _, _, _ := iostreams.Test()
	tree := root.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, Getenv: getenv})
	count := 0
	walk(tree, nil, func(path []string, cmd *cobra.Command) {
		count++
		name := strings.Join(append([]string{"hydra"}, path...), " ")
		t.Run(name, func(t *testing.T) {
			r := invokeArgs(context.Background(), t, envMarkers, "", append(append([]string(nil), path...), "--help"))
			if r.code != 0 || r.stdout == "" {
				t.Fatalf("--help exited %d with stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			for k, v := range envMarkers {
				if strings.Contains(r.stdout+r.stderr, v) {
					t.Errorf("--help shows the value of %s", k)
				}
			}
			cmd.Flags().VisitAll(func(fl *pflag.Flag) {
				lower := strings.ToLower(fl.Name)
				if !strings.Contains(lower, "secret") && !strings.Contains(lower, "token") {
					return
				}
				switch fl.DefValue {
				case "", "[]", "false", "0":
				default:
					t.Errorf("flag --%s has default %q; a secret or token flag must default to nothing", fl.Name, fl.DefValue)
				}
			})
		})
	})
	if count < 4 {
		t.Errorf("walked %d commands; the tree is not what this test expects", count)
	}
}
