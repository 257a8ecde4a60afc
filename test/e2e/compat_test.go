package e2e

// The compatibility subset: every command that an older Hydra serves, in
// both spellings, against Hydra v1.11.10 and v2.1.2. Both servers start in
// the background from TestMain, while the v2.3.0 suite runs, and their
// tests run in parallel with each other.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// compatVersions are the other releases the subset runs against: two
// older ones, and the newest, v26.2.0.
var compatVersions = []string{hydratest.HydraV1, hydratest.HydraV2, hydratest.HydraV26}

// compatStart is one older server starting in the background.
type compatStart struct {
	done chan struct{}
	srv  *hydratest.Server
	err  error
}

var compatServers = map[string]*compatStart{}

// startCompatServers starts the older servers in the background and
// returns a function that stops them.
func startCompatServers(ctx context.Context) (stop func()) {
	for _, v := range compatVersions {
		s := &compatStart{done: make(chan struct{})}
		compatServers[v] = s
		go func() {
			defer close(s.done)
			s.srv, s.err = hydratest.Start(ctx, hydratest.Options{Version: v})
		}()
	}
	return func() {
		var wg sync.WaitGroup
		for _, s := range compatServers {
			wg.Go(func() {
				<-s.done
				if s.srv != nil {
					s.srv.Stop()
				}
			})
		}
		wg.Wait()
	}
}

// compatServer waits for the server of version to be ready.
func compatServer(t *testing.T, version string) *hydratest.Server {
	t.Helper()
	s := compatServers[version]
	<-s.done
	if s.err != nil {
		t.Fatalf("starting Hydra %s: %v", version, s.err)
	}
	return s.srv
}

// compatRun runs the CLI with env and a generous --timeout: a loaded
// machine runs three Hydras here at once.
// Tokens go after "--": a random token may start with "-".
func compatRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	flags, rest, _ := strings.Cut(strings.Join(args, "\x00"), "\x00--\x00")
	argv := append(strings.Split(flags, "\x00"), "--timeout", "60s")
	if rest != "" {
		argv = append(append(argv, "--"), strings.Split(rest, "\x00")...)
	}
	return run{Env: env}.hydra(t, argv...)
}

// compatEnv points the CLI at s.
func compatEnv(s *hydratest.Server, extra ...string) map[string]string {
	env := map[string]string{"HYDRA_ADMIN_URL": s.AdminURL, "HYDRA_URL": s.PublicURL}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

func TestCompat(t *testing.T) {
	for _, version := range compatVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := compatServer(t, version)
			t.Run("clients", func(t *testing.T) { compatClients(t, s) })
			t.Run("dropped fields", func(t *testing.T) { compatDropped(t, s) })
			t.Run("device grant lifespans", func(t *testing.T) { compatDeviceLifespans(t, s) })
			t.Run("client credentials tokens", func(t *testing.T) { compatTokens(t, s) })
			t.Run("authorization code and refresh", func(t *testing.T) { compatAuthCode(t, s) })
			t.Run("browser sign-in", func(t *testing.T) { compatBrowser(t, s) })
			t.Run("token flush", func(t *testing.T) { compatFlush(t, s) })
			t.Run("keys, sessions and trust", func(t *testing.T) { compatKeysSessions(t, s) })
			t.Run("trust's shared keys", func(t *testing.T) { compatTrustSharedKeys(t, s) })
			t.Run("--api-version", func(t *testing.T) { compatAPIVersion(t, s) })
			t.Run("--api-version v1 paging", func(t *testing.T) { compatV1Paging(t, s) })
			t.Run("detection without a release", func(t *testing.T) { compatDetectFromSource(t, s) })
			t.Run("consent revoke --consent-request-id", func(t *testing.T) { compatRevokeOneConsent(t, s) })
		})
	}
}

// compatClients runs every client command in both spellings.
func compatClients(t *testing.T, s *hydratest.Server) {
	env := compatEnv(s)
	hydra := func(args ...string) result { t.Helper(); return compatRun(t, env, args...) }
	created := func(r result) map[string]any {
		t.Helper()
		r.wantCode(t, 0)
		c := decodeClient(t, r.Stdout)
		if c["client_id"] == "" || c["client_secret"] == "" {
			t.Fatalf("created client without ID or secret: %s", r.Stdout)
		}
		return c
	}
	name := "compat-" + s.Version
	c1 := created(hydra("client", "create", "--grant-type", "client_credentials", "--name", name+"-v1", "--format", "json"))
	c2 := created(hydra("create", "oauth2-client", "--grant-type", "client_credentials", "--name", name+"-v2", "--format", "json"))
	id1, id2 := c1["client_id"].(string), c2["client_id"].(string)

	for _, get := range [][]string{{"client", "get", id1}, {"get", "oauth2-client", id1}, {"clients", "get", id1}} {
		r := hydra(append(get, "--format", "json")...)
		r.wantCode(t, 0)
		if got := decodeClient(t, r.Stdout)["client_name"]; got != name+"-v1" {
			t.Errorf("%s: client_name = %v", strings.Join(get, " "), got)
		}
	}
	for _, list := range [][]string{{"client", "list", "-q"}, {"list", "oauth2-clients", "-q"}} {
		r := hydra(list...)
		r.wantCode(t, 0)
		for _, id := range []string{id1, id2} {
			if !strings.Contains(r.Stdout, id) {
				t.Errorf("%s does not list %s:\n%s", strings.Join(list, " "), id, r.Stdout)
			}
		}
	}
	// One page at a time: Hydra v1 pages with limit and offset, v2 with
	// page tokens; the flags are the same.
	seen := map[string]bool{}
	token := ""
	for page := 0; page < 50; page++ {
		args := []string{"client", "list", "-q", "--page-size", "1"}
		if token != "" {
			args = append(args, "--page-token", token)
		}
		r := hydra(args...)
		r.wantCode(t, 0)
		ids := strings.Fields(r.Stdout)
		if len(ids) > 1 {
			t.Fatalf("--page-size 1 listed %d clients", len(ids))
		}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("page %d repeats %s", page, id)
			}
			seen[id] = true
		}
		_, token, _ = strings.Cut(r.Stderr, "next page: --page-token ")
		token = strings.TrimSpace(token)
		if token == "" {
			break
		}
	}
	if !seen[id1] || !seen[id2] {
		t.Errorf("paging one client at a time missed %s or %s: %v", id1, id2, seen)
	}

	r := hydra("client", "update", id1, "--name", name+"-renamed", "--format", "json")
	r.wantCode(t, 0)
	if got := decodeClient(t, r.Stdout); got["client_name"] != name+"-renamed" || fmt.Sprint(got["grant_types"]) != "[client_credentials]" {
		t.Errorf("client update: %v", got)
	}
	r = hydra("update", "oauth2-client", id2, "--name", name+"-renamed2", "--format", "json")
	r.wantCode(t, 0)
	if got := decodeClient(t, r.Stdout)["client_name"]; got != name+"-renamed2" {
		t.Errorf("update oauth2-client: client_name = %v", got)
	}

	file := filepath.Join(t.TempDir(), "clients.json")
	if err := os.WriteFile(file, []byte(`[{"client_name":"imported-a","grant_types":["client_credentials"]},{"client_name":"imported-b","grant_types":["client_credentials"]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	var imported []string
	for _, imp := range [][]string{{"client", "import", file}, {"import", "oauth2-client", file}} {
		r := hydra(append(imp, "--format", "json")...)
		r.wantCode(t, 0)
		var got []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || len(got) != 2 {
			t.Fatalf("%s: want two clients as JSON: %v\n%s", strings.Join(imp, " "), err, r.Stdout)
		}
		for _, c := range got {
			imported = append(imported, c["client_id"].(string))
		}
	}

	hydra("client", "delete", id1).wantCode(t, 0)
	hydra("delete", "oauth2-client", id2).wantCode(t, 0)
	hydra(append([]string{"clients", "delete"}, imported...)...).wantCode(t, 0)
	for _, id := range append([]string{id1, id2}, imported...) {
		r := hydra("client", "get", id)
		r.wantCode(t, 1)
		r.wantStderr(t, fmt.Sprintf("no client with ID %q", id))
		r.assertClean(t)
	}
}

// compatTokens gets, introspects, revokes and deletes client credentials
// tokens in both spellings.
func compatTokens(t *testing.T, s *hydratest.Server) {
	c, err := s.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "scope": "read", "token_endpoint_auth_method": "client_secret_basic"})
	if err != nil {
		t.Fatal(err)
	}
	env := compatEnv(s, "OAUTH2_CLIENT_ID", c.ClientID, "OAUTH2_CLIENT_SECRET", c.ClientSecret)
	hydra := func(args ...string) result { t.Helper(); return compatRun(t, env, args...) }
	get := func(spelling ...string) string {
		t.Helper()
		r := hydra(append(spelling, "--scope", "read", "--format", "jsonpath=access_token")...)
		r.wantCode(t, 0)
		if spelling[0] == "perform" {
			// Hydra v2's spelling prints the value JSON-encoded.
			var tok string
			if err := json.Unmarshal([]byte(r.Stdout), &tok); err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(spelling, " "), err, r.Stdout)
			}
			return tok
		}
		return strings.TrimSpace(r.Stdout)
	}
	active := func(tok string, want bool, spelling ...string) {
		t.Helper()
		r := hydra(append(spelling, "--format", "json", "--", tok)...)
		r.wantCode(t, 0)
		var in struct {
			Active   bool   `json:"active"`
			ClientID string `json:"client_id"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &in); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(spelling, " "), err, r.Stdout)
		}
		if in.Active != want || (want && in.ClientID != c.ClientID) {
			t.Errorf("%s: active = %v (client %q), want %v", strings.Join(spelling, " "), in.Active, in.ClientID, want)
		}
	}
	v1Introspect, v2Introspect := []string{"token", "introspect"}, []string{"introspect", "token"}

	t1, t2 := get("token", "client"), get("perform", "client-credentials")
	active(t1, true, v1Introspect...)
	active(t2, true, v2Introspect...)
	r := hydra("token", "introspect", "--require-active", "--scope", "write", "--", t1)
	r.wantCode(t, 3)

	hydra("token", "revoke", "--", t1).wantCode(t, 0)
	hydra("revoke", "token", "--", t2).wantCode(t, 0)
	active(t1, false, v1Introspect...)
	active(t2, false, v2Introspect...)

	t3 := get("token", "client")
	// Hydra v1's token delete read the client ID from OAUTH2_CLIENT_ID.
	hydra("token", "delete").wantCode(t, 0)
	active(t3, false, v2Introspect...)
	t4 := get("token", "client")
	hydra("delete", "access-tokens", c.ClientID).wantCode(t, 0)
	active(t4, false, v1Introspect...)

	// Batch introspection detects the generation once for all tokens.
	t5, t6 := get("token", "client"), get("token", "client")
	r = hydra("token", "introspect", "--format", "jsonpath=result.active", "--concurrency", "4", "--", t5, t6, t4)
	r.wantCode(t, 0)
	if got := strings.Fields(r.Stdout); strings.Join(got, " ") != "true true false" {
		t.Errorf("batch introspection: %q, want true true false", r.Stdout)
	}
}

// compatAuthCode signs in through the headless flow, whose login and
// consent go through the admin API, in both spellings, then refreshes.
func compatAuthCode(t *testing.T, s *hydratest.Server) {
	c, err := s.CreateClient(map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code", "id_token"},
		"scope":                      "openid offline offline_access",
		"redirect_uris":              []string{"http://127.0.0.1:4446/callback"},
		"token_endpoint_auth_method": "client_secret_basic",
	})
	if err != nil {
		t.Fatal(err)
	}
	env := compatEnv(s, "OAUTH2_CLIENT_ID", c.ClientID, "OAUTH2_CLIENT_SECRET", c.ClientSecret)
	for _, spelling := range [][]string{{"token", "user"}, {"perform", "authorization-code"}} {
		r := compatRun(t, env, append(spelling, "--headless", "--subject", "compat-user", "--scope", "openid,offline", "--format", "json")...)
		r.wantCode(t, 0)
		var tok struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
			IDToken      string `json:"id_token"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &tok); err != nil || tok.RefreshToken == "" || tok.IDToken == "" {
			t.Fatalf("%s: want access, refresh and ID tokens: %v\n%s\n%s", strings.Join(spelling, " "), err, r.Stdout, r.Stderr)
		}
		if got := decodeSubject(t, tok.IDToken); got != "compat-user" {
			t.Errorf("ID token subject %q", got)
		}
		// token decode verifies the ID token with the issuer's keys.
		r = compatRun(t, env, "token", "decode", "--format", "jsonpath=claims.sub", "--", tok.IDToken)
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) != "compat-user" {
			t.Errorf("token decode: stdout %q\n%s", r.Stdout, r.Stderr)
		}
		r = compatRun(t, env, "token", "refresh", "--format", "jsonpath=refresh_token", "--", tok.RefreshToken)
		r.wantCode(t, 0)
		if got := strings.TrimSpace(r.Stdout); got == "" || got == tok.RefreshToken {
			t.Errorf("token refresh did not rotate the refresh token: %q", got)
		}
		// The spent refresh token fails: invalid_grant in Hydra v2,
		// token_inactive in v1.
		r = compatRun(t, env, "token", "refresh", "--", tok.RefreshToken)
		r.wantCode(t, 1)
		r.assertClean(t)
		if !strings.Contains(r.Stderr, "invalid_grant") && !strings.Contains(r.Stderr, "token_inactive") {
			t.Errorf("spent refresh token: stderr does not name the error:\n%s", r.Stderr)
		}
	}
}

// compatBrowser signs in through a browser (the test binary as $BROWSER,
// through the server's login and consent app) in both spellings.
func compatBrowser(t *testing.T, s *hydratest.Server) {
	for _, spelling := range [][]string{{"token", "user"}, {"perform", "authorization-code"}} {
		port := freePort(t)
		c, err := s.CreateClient(map[string]any{
			"grant_types":                []string{"authorization_code", "refresh_token"},
			"response_types":             []string{"code", "id_token"},
			"scope":                      "openid offline offline_access",
			"redirect_uris":              []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)},
			"token_endpoint_auth_method": "client_secret_basic",
		})
		if err != nil {
			t.Fatal(err)
		}
		env := driverEnv(t, filepath.Join(t.TempDir(), "page.html"))
		for k, v := range compatEnv(s, "OAUTH2_CLIENT_ID", c.ClientID, "OAUTH2_CLIENT_SECRET", c.ClientSecret) {
			env[k] = v
		}
		r := compatRun(t, env, append(spelling, "-p", strconv.Itoa(port), "--scope", "openid,offline", "--format", "json")...)
		r.wantCode(t, 0)
		tok := parseTokens(t, r)
		if tok.RefreshToken == "" || tok.IDToken == "" {
			t.Errorf("%s: want refresh and ID tokens: %s", strings.Join(spelling, " "), r.Stdout)
		}
		r = compatRun(t, env, "token", "introspect", "--format", "jsonpath=active", "--", tok.AccessToken)
		if r.Stdout != "true\n" {
			t.Errorf("%s: the access token is not active: %q %s", strings.Join(spelling, " "), r.Stdout, r.Stderr)
		}
	}
}

// compatFlush flushes through Hydra v1; Hydra v2 has no flush endpoint.
func compatFlush(t *testing.T, s *hydratest.Server) {
	r := compatRun(t, compatEnv(s), "token", "flush", "--min-age", "1h")
	r.assertClean(t)
	if hydratest.IsV1(s.Version) {
		r.wantCode(t, 0)
		r.wantStderr(t, "Flushed expired access and refresh tokens")
		// Hydra v1's CLI's line, on stdout.
		if r.Stdout != "Successfully flushed inactive access tokens\n" {
			t.Errorf("token flush: stdout %q", r.Stdout)
		}
		return
	}
	r.wantCode(t, 1)
	if r.Stdout != "" {
		t.Errorf("token flush against Hydra v2: stdout %q", r.Stdout)
	}
	r.wantStderr(t, "needs Hydra v1", "is Hydra v2", "hydra janitor")
}

// compatAPIVersion gives the wrong generation, then the right one.
func compatAPIVersion(t *testing.T, s *hydratest.Server) {
	c, err := s.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	env := compatEnv(s)
	// Hydra v2 redirects v1's paths; Hydra v1 has no route for v2's.
	right, wrong, status, advice := "v2", "v1", "307 Temporary Redirect", "drop --api-version v1"
	if hydratest.IsV1(s.Version) {
		right, wrong, status, advice = "v1", "v2", "404 Not Found", "pass --api-version v1"
	}
	rights := []string{right}
	if s.Version == hydratest.HydraV26 {
		// Hydra v26 answers v1's client paths itself, with no redirect.
		rights = []string{"v2", "v1"}
	}
	for _, right := range rights {
		r := compatRun(t, env, "client", "get", c.ClientID, "--api-version", right, "-q")
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) != c.ClientID {
			t.Errorf("--api-version %s: %q", right, r.Stdout)
		}
	}
	if len(rights) > 1 {
		return
	}
	r := compatRun(t, env, "get", "oauth2-client", c.ClientID, "--api-version", wrong)
	r.wantCode(t, 1)
	r.wantStderr(t, status, advice)
	if strings.Contains(r.Stderr, "no client with ID") {
		t.Errorf("a missing route is reported as a missing client:\n%s", r.Stderr)
	}
	r.assertClean(t)
}

// compatV1Paging: Hydra v26 serves v1's /clients, but pages by page_token
// and ignores v1's offset. Given --api-version v1, a list of more than one
// page stops at once with advice, rather than fetching page 1 again until
// the page cap; detected, it lists every client.
func compatV1Paging(t *testing.T, s *hydratest.Server) {
	if s.Version != hydratest.HydraV26 {
		t.Skip("only Hydra v25.4 and later serve v1's paths with v2's pagination")
	}
	env := compatEnv(s)
	docs := make([]map[string]any, 120)
	for i := range docs {
		docs[i] = map[string]any{"client_name": fmt.Sprintf("paging-%d", i), "grant_types": []string{"client_credentials"}}
	}
	b, _ := json.Marshal(docs)
	file := filepath.Join(t.TempDir(), "clients.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r := compatRun(t, env, "client", "create", "-f", file, "-q")
	r.wantCode(t, 0)
	r = compatRun(t, env, "client", "list", "-q")
	r.wantCode(t, 0)
	if n := len(strings.Fields(r.Stdout)); n < 120 {
		t.Fatalf("client list: %d clients, want at least 120", n)
	}
	r = compatRun(t, env, "client", "list", "--api-version", "v1", "-q")
	r.wantCode(t, 1)
	r.wantStderr(t, "names its next page by page_token", "drop --api-version v1")
	r.assertClean(t)
	if r.Stdout != "" {
		t.Errorf("a part of the list on stdout:\n%.300s", r.Stdout)
	}
}

// compatDetectFromSource: a build from source names no release at GET
// /version ("master"). Hydra v25.4 and later answer v1's /clients with 200
// and a JSON array, as Hydra v1 does; detection must still see a Hydra v2,
// so that token flush points at the janitor, not at the public API.
func compatDetectFromSource(t *testing.T, s *hydratest.Server) {
	if hydratest.IsV1(s.Version) {
		t.Skip("Hydra v1 serves token flush")
	}
	up, err := url.Parse(s.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(up)
	masked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/version" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"version":"master"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer masked.Close()
	env := compatEnv(s)
	env["HYDRA_ADMIN_URL"] = masked.URL
	r := compatRun(t, env, "token", "flush", "--min-age", "1h")
	r.wantCode(t, 1)
	r.wantStderr(t, "needs Hydra v1", "is Hydra v2", "hydra janitor")
	if strings.Contains(r.Stderr, "public API") {
		t.Errorf("a v2 server is taken for the public API:\n%s", r.Stderr)
	}
}

// compatRevokeOneConsent: two headless grants of one subject; Hydra v26
// lists each with its consent request ID, and consent revoke
// --consent-request-id revokes that one alone. Older servers name no ID,
// and the command refuses before sending anything.
func compatRevokeOneConsent(t *testing.T, s *hydratest.Server) {
	if hydratest.IsV1(s.Version) {
		t.Skip("Hydra v1's consent sessions are covered by keys, sessions and trust")
	}
	c, err := s.CreateClient(map[string]any{
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid offline",
		"redirect_uris":              []string{"http://127.0.0.1:4446/callback"},
		"token_endpoint_auth_method": "client_secret_basic",
	})
	if err != nil {
		t.Fatal(err)
	}
	subject := "compat-revoke-one-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	env := compatEnv(s, "OAUTH2_CLIENT_ID", c.ClientID, "OAUTH2_CLIENT_SECRET", c.ClientSecret)
	for range 2 {
		compatRun(t, env, "token", "user", "--headless", "--subject", subject, "--scope", "openid,offline", "-q").wantCode(t, 0)
	}
	r := compatRun(t, env, "consent", "list", "--subject", subject, "--format", "json")
	r.wantCode(t, 0)
	var sessions []struct {
		ID string `json:"consent_request_id"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &sessions); err != nil || len(sessions) != 2 {
		t.Fatalf("consent list: %v, %d sessions\n%s", err, len(sessions), r.Stdout)
	}
	if s.Version != hydratest.HydraV26 {
		r = compatRun(t, env, "consent", "revoke", "--subject", subject, "--consent-request-id", "no-such-request")
		r.wantCode(t, 1)
		r.wantStderr(t, "needs Hydra v25.4 or later", "nothing was revoked")
		r = compatRun(t, env, "consent", "list", "--subject", subject, "--format", "json")
		if err := json.Unmarshal([]byte(r.Stdout), &sessions); err != nil || len(sessions) != 2 {
			t.Errorf("after a refused revoke: %v, %d sessions, want 2", err, len(sessions))
		}
		return
	}
	table := compatRun(t, env, "consent", "list", "--subject", subject)
	if !strings.Contains(table.Stdout, "CONSENT REQUEST ID") || !strings.Contains(table.Stdout, sessions[0].ID) {
		t.Errorf("consent list table names no consent request ID:\n%s", table.Stdout)
	}
	r = compatRun(t, env, "consent", "revoke", "--subject", subject, "--consent-request-id", sessions[0].ID)
	r.wantCode(t, 0)
	r.wantStderr(t, "Revoked consent session "+sessions[0].ID)
	r.assertClean(t)
	r = compatRun(t, env, "consent", "list", "--subject", subject, "--format", "json")
	r.wantCode(t, 0)
	if strings.Contains(r.Stdout, sessions[0].ID) || !strings.Contains(r.Stdout, sessions[1].ID) {
		t.Errorf("after revoking %s, consent list:\n%s", sessions[0].ID, r.Stdout)
	}
	// Revoking it again: the list lacks it, so nothing is sent.
	r = compatRun(t, env, "consent", "revoke", "--subject", subject, "--consent-request-id", sessions[0].ID)
	r.wantCode(t, 1)
	r.wantStderr(t, "nothing was revoked")
}

// compatDropped sets fields that older servers drop, on create, update and
// import, and checks that each dropped one is named. Hydra v2.1 drops
// skip_logout_consent; Hydra v1 all three; Hydra v26 none.
func compatDropped(t *testing.T, s *hydratest.Server) {
	env := compatEnv(s)
	want := []string{"skip_logout_consent"}
	kept := []string{"skip_consent", "access_token_strategy"}
	switch {
	case hydratest.IsV1(s.Version):
		want, kept = []string{"access_token_strategy", "skip_consent", "skip_logout_consent"}, nil
	case s.Version == hydratest.HydraV26:
		want, kept = nil, append(kept, "skip_logout_consent")
	}
	check := func(r result, verb string) {
		t.Helper()
		r.wantCode(t, 0)
		for _, f := range want {
			r.wantStderr(t, fmt.Sprintf("without %s: Hydra %s does not support the field", f, s.Version[:2]))
		}
		for _, f := range kept {
			if strings.Contains(r.Stderr, "without "+f) {
				t.Errorf("%s: %s is named as dropped, but the server stores it:\n%s", verb, f, r.Stderr)
			}
		}
		if len(want) > 0 && !strings.Contains(r.Stderr, "was "+verb+" without") {
			t.Errorf("the warning does not say the client was %s:\n%s", verb, r.Stderr)
		}
	}
	flags := []string{"--skip-consent", "--skip-logout-consent", "--access-token-strategy", "jwt"}
	r := compatRun(t, env, append([]string{"create", "oauth2-client", "--grant-type", "client_credentials", "--format", "json"}, flags...)...)
	check(r, "created")
	id := decodeClient(t, r.Stdout)["client_id"].(string)
	check(compatRun(t, env, append([]string{"client", "update", id, "--format", "json"}, flags...)...), "updated")

	file := filepath.Join(t.TempDir(), "client.json")
	doc := `{"grant_types":["client_credentials"],"skip_consent":true,"skip_logout_consent":true,"access_token_strategy":"jwt"}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	check(compatRun(t, env, "import", "oauth2-client", file, "--format", "json"), "imported")
}

// deviceLifespansDoc sets the device authorization grant's lifespans,
// which Hydra v25.4 added.
const deviceLifespansDoc = `{"grant_types":["client_credentials"],"device_authorization_grant_access_token_lifespan":"1h0m0s","device_authorization_grant_id_token_lifespan":"2h0m0s","device_authorization_grant_refresh_token_lifespan":"3h0m0s"}`

var deviceLifespans = []string{"device_authorization_grant_access_token_lifespan", "device_authorization_grant_id_token_lifespan", "device_authorization_grant_refresh_token_lifespan"}

// createDeviceLifespans runs client create -f with deviceLifespansDoc.
func createDeviceLifespans(t *testing.T, env map[string]string) result {
	t.Helper()
	file := filepath.Join(t.TempDir(), "client.json")
	if err := os.WriteFile(file, []byte(deviceLifespansDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"client", "create", "-f", file, "--format", "json"}
	if env == nil {
		return hydra(t, args...)
	}
	return compatRun(t, env, args...)
}

// compatDeviceLifespans: Hydra v26 stores the device grant's lifespans,
// and client create neither calls them unknown nor dropped.
func compatDeviceLifespans(t *testing.T, s *hydratest.Server) {
	if s.Version != hydratest.HydraV26 {
		t.Skip("Hydra v25.4 added the fields; TestCreateNamesDroppedDeviceLifespans covers v2.3.0")
	}
	r := createDeviceLifespans(t, compatEnv(s))
	r.wantCode(t, 0)
	r.assertClean(t)
	if strings.Contains(r.Stderr, "without") || strings.Contains(r.Stderr, "unknown") {
		t.Errorf("warnings for fields Hydra %s stores:\n%s", s.Version, r.Stderr)
	}
	got := decodeClient(t, r.Stdout)
	for i, k := range deviceLifespans {
		if want := fmt.Sprintf("%dh0m0s", i+1); got[k] != want {
			t.Errorf("%s = %v, want %s", k, got[k], want)
		}
	}
}

// Hydra v2.3.0 drops the device grant's lifespans, which v25.4 added:
// client create names each one, and the release that stores it.
func TestCreateNamesDroppedDeviceLifespans(t *testing.T) {
	r := createDeviceLifespans(t, nil)
	r.wantCode(t, 0)
	for _, k := range deviceLifespans {
		r.wantStderr(t, "without "+k+": Hydra v2", "does not support the field and dropped it; Hydra v25.4 and later store it")
	}
	if strings.Contains(r.Stderr, "unknown field") {
		t.Errorf("a device lifespan is called unknown:\n%s", r.Stderr)
	}
}

// Hydra v2.3 stores every field: no warning.
func TestCreateWarnsOfNoDroppedFieldOnCurrentHydra(t *testing.T) {
	r := hydra(t, "create", "oauth2-client", "--grant-type", "client_credentials", "--format", "json",
		"--skip-consent", "--skip-logout-consent", "--access-token-strategy", "jwt")
	r.wantCode(t, 0)
	if strings.Contains(r.Stderr, "without") {
		t.Errorf("a field is named as dropped by Hydra %s:\n%s", hydratest.HydraVersion, r.Stderr)
	}
}

// compatKeysSessions runs the key set, consent and login session, and
// trust commands, whose admin paths differ between generations as the
// others do.
func compatKeysSessions(t *testing.T, s *hydratest.Server) {
	env := compatEnv(s)
	hydra := func(args ...string) result { t.Helper(); return compatRun(t, env, args...) }
	set1, set2 := "compat-keys-1", "compat-keys-2"
	// ES256, not RS256: every older Hydra makes a 4096-bit RSA key for
	// RS256, which can take longer than its 10 s write timeout on a loaded
	// machine (several Hydras run here at once), which then drops the
	// connection. Hydra v1's EC keys carry no alg: the kty is checked.
	r := hydra("keys", "create", set1, "--alg", "ES256", "--format", "jsonpath=keys.0.kty")
	r.wantCode(t, 0)
	if strings.TrimSpace(r.Stdout) != "EC" {
		t.Errorf("keys create: %q", r.Stdout)
	}
	hydra("create", "jwk", set2, "--alg", "ES256", "--format", "json").wantCode(t, 0)
	// Hydra v2's get prints a set's one key as that JWK object, and its
	// jsonpath value JSON-encoded; Hydra v1's server makes two keys (the
	// public and private halves), printed as {"set":"","keys":[...]}.
	for _, get := range [][]string{{"keys", "get", set1, "--format", "jsonpath=keys.0.kty"}, {"get", "jwk", set2, "--format", "jsonpath=kty"}} {
		r := hydra(get...)
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) == "null" {
			r = hydra(get[0], get[1], get[2], "--format", "jsonpath=keys.0.kty")
			r.wantCode(t, 0)
		}
		if kty := strings.Trim(strings.TrimSpace(r.Stdout), `"`); kty != "RSA" && kty != "EC" {
			t.Errorf("%s: kty %q", strings.Join(get, " "), kty)
		}
	}
	hydra("keys", "delete", set1).wantCode(t, 0)
	hydra("delete", "jwk", set2).wantCode(t, 0)
	r = hydra("keys", "get", set1)
	r.wantCode(t, 1)
	r.wantStderr(t, "no key set")

	r = hydra("consent", "revoke", "--subject", "compat-nobody", "--all")
	r.wantCode(t, 0)
	r.assertClean(t)
	r = hydra("login", "revoke", "--subject", "compat-nobody")
	r.wantCode(t, 0)
	r.assertClean(t)
	if hydratest.IsV1(s.Version) {
		// Hydra v1 answers ?sid= with a bare 400: the command says what
		// v1 takes instead.
		r = hydra("login", "revoke", "--sid", "compat-no-such-session")
		r.wantCode(t, 1)
		r.wantStderr(t, "needs Hydra v2", "pass --subject instead")
	}
	hydra("trust", "list").wantCode(t, 0)
}
