package parity

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// The authorization code flow needs a person at a browser while the CLI
// runs: these cases are driven, not run to the end as the others are. Each
// CLI starts its callback server on the same --port; the test, as the
// browser, opens the welcome page that both serve on that port, follows
// its "Authorize application" link, and signs in:
//
//   - Hydra v2.3.0's perform authorization-code, against a Hydra whose
//     urls.login and urls.consent point at the CLI's own pages on that port
//     (each CLI serves its own), which the test fills as a person would
//     (hydratest.Person). Hydra's CLI reaches both APIs at its one
//     --endpoint, as Ory Network serves them: here a proxy that sends
//     /admin/ to the admin API and the rest to the public one, and that
//     Hydra names as its issuer.
//   - Hydra v1.11.10's token user, whose CLI serves no such pages, against
//     the shared v1 server, whose login and consent app accepts on its own.
//
// stdout and the exit status are compared as the other cases' are
// (compare), after the ID tokens (JWTs) and v1's RFC 1123 expiry are
// replaced by placeholders.

func init() {
	caseSets = append(caseSets, caseSet{name: "authorization code (driven)", cases: func() []pcase { return nil }, known: authCodeCasesKnown})
	drivenCases = append(drivenCases, authCodeCases)
}

// authCodeCases are the command lines of the driven cases, where {endpoint}
// is the one URL of both APIs (v2), {public} the public API (v1), {client}
// and {secret} a client whose redirect URL is {port}'s callback.
func authCodeCases() []pcase {
	var cs []pcase
	v2args := []string{"perform", "authorization-code", "-e", "{endpoint}", "--client-id", "{client}", "--client-secret", "{secret}", "--port", "{port}", "--no-open"}
	cs = append(cs, formats(v2, v2args, "-q", "jsonpath=token_type", "jsonpointer=/token_type")...)
	cs = append(cs, v2(append(v2args, "--scope", "openid")...))
	// Hydra v26.2.0's CLI prints the same: its twins (cases_v26_test.go).
	for _, c := range slices.Clone(cs) {
		cs = append(cs, v26Twin(c))
	}
	v1args := []string{"token", "user", "--endpoint", "{public}", "--client-id", "{client}", "--client-secret", "{secret}", "--port", "{port}", "--no-open"}
	cs = append(cs, v1(v1args...), v1(append(v1args, "--scope", "openid")...))
	return cs
}

// authCodeCasesKnown are the driven cases whose output does not match
// Hydra's CLI yet (issue 24); see knownDifferences.
var authCodeCasesKnown = []string{}

// v1ExitsOnSuccess is the reason, in docs/v1-v2-command-map.md, of the one
// intentional difference of v1's token user: its exit status. Its stdout
// must still match.
const v1ExitsOnSuccess = "v1 `token user` exits 1 on success"

// flowEnv is what the driven cases of one Hydra need.
type flowEnv struct {
	version string
	// values fills the placeholders of the arguments.
	values map[string]string
	port   int
	// person signs in at the CLI's port.
	person func(port int) error
}

func TestParityAuthorizationCode(t *testing.T) {
	known := knownDifferences()
	envs := map[string]*flowEnv{}
	for _, v := range versions {
		envs[v] = newFlowEnv(t, v)
	}
	for _, c := range authCodeCases() {
		t.Run(c.name(), func(t *testing.T) {
			e := envs[c.version]
			theirs := e.drive(t, servers[c.version].bin, c)
			mine := e.drive(t, ours, c)
			if c.version == hydratest.HydraV1 {
				// Hydra v1's notes on stdout: this tool writes its notes to
				// stderr, in a script's favour (issue 24, point 9).
				theirs.stdout = strings.TrimPrefix(theirs.stdout, v1Notes(e.port))
			}
			diff := compare(c, theirs, mine)
			reason, isIntentional := intentional[c.name()]
			switch {
			case diff == "" && known[c.name()]:
				t.Errorf("matches Hydra's CLI now: remove it from authCodeCasesKnown")
			case diff == "" && isIntentional:
				t.Errorf("matches Hydra's CLI now: remove it from intentional")
			case diff == "":
			case isIntentional:
				// What is intentional is the exit status; stdout must match.
				mine.ok = theirs.ok
				if d := compare(c, theirs, mine); d != "" {
					t.Errorf("differs from Hydra %s's CLI beyond the intentional difference (%s):\n%s", c.version, reason, d)
				} else {
					t.Logf("intentional difference (%s):\n%s", reason, diff)
				}
			case known[c.name()]:
				t.Logf("known difference, issue 24:\n%s", diff)
			default:
				t.Errorf("differs from Hydra %s's CLI:\n%s", c.version, diff)
			}
		})
	}
}

// v1Notes are the lines Hydra v1's token user prints on stdout before the
// tokens.
func v1Notes(port int) string {
	home := fmt.Sprintf("http://127.0.0.1:%d/", port)
	return "Setting up home route on " + home + "\nSetting up callback listener on " + home + "callback\n" +
		"Press ctrl + c to end the process.\nIf your browser does not open automatically, navigate to:\n\n\t" + home + "\n\n"
}

// newFlowEnv makes what the driven cases of version need: a port, a
// client, and for v2 its own Hydra and proxy.
func newFlowEnv(t *testing.T, version string) *flowEnv {
	t.Helper()
	port, err := freeLoopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	e := &flowEnv{version: version, port: port}
	client := map[string]any{
		"grant_types":    []string{"authorization_code", "refresh_token"},
		"response_types": []string{"code"},
		"scope":          "openid offline",
		"redirect_uris":  []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)},
	}
	var hs *hydratest.Server
	if version == hydratest.HydraV1 {
		hs = servers[version].Server
		e.person = func(port int) error {
			_, err := signIn(port, hydratest.Person{})
			return err
		}
	} else {
		var endpoint string
		hs, endpoint = startPagesHydra(t, version, port)
		defer func() { e.values["{endpoint}"] = endpoint }()
		e.person = func(port int) error {
			page, err := signIn(port, hydratest.Person{Username: "parity-person"})
			if err == nil && page.Forms != 2 {
				err = fmt.Errorf("the person filled %d forms, want the login and the consent; last page %s (%d):\n%s", page.Forms, page.URL, page.Status, page.Body)
			}
			return err
		}
	}
	c, err := hs.CreateClient(client)
	if err != nil {
		t.Fatal(err)
	}
	e.values = map[string]string{"{client}": c.ClientID, "{secret}": c.ClientSecret, "{port}": fmt.Sprint(port),
		"{public}": hs.PublicURL, "{endpoint}": hs.PublicURL}
	return e
}

// startPagesHydra starts a Hydra of version behind a proxy that serves both
// APIs on one origin, its issuer, with urls.login and urls.consent at the
// CLI's port, and returns the proxy's URL. Both stop when the test ends.
func startPagesHydra(t *testing.T, version string, port int) (*hydratest.Server, string) {
	t.Helper()
	var (
		mu            sync.Mutex
		public, admin *url.URL
	)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(r.In.URL.Path, "/admin/") {
			r.SetURL(admin)
		} else {
			r.SetURL(public)
		}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	hs, err := hydratest.Start(ctx, hydratest.Options{Version: version, Issuer: proxy.URL, IssuerOnly: true, LoginConsentURL: fmt.Sprintf("http://127.0.0.1:%d", port)})
	if err != nil {
		proxy.Close()
		t.Fatal(err)
	}
	mu.Lock()
	public, _ = url.Parse(hs.PublicURL)
	admin, _ = url.Parse(hs.AdminURL)
	mu.Unlock()
	t.Cleanup(func() {
		hs.Stop()
		proxy.Close()
	})
	return hs, proxy.URL
}

func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// drive runs bin with c's arguments, waits until its port answers, signs
// in as the person, and waits for the CLI to end.
func (e *flowEnv) drive(t *testing.T, bin string, c pcase) output {
	t.Helper()
	argv := make([]string, len(c.args))
	for i, a := range c.args {
		for k, v := range e.values {
			a = strings.ReplaceAll(a, k, v)
		}
		argv[i] = a
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TZ=UTC", "NO_COLOR=1"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	if err = waitListening(e.port, done); err == nil {
		err = e.person(e.port)
	}
	if err != nil {
		cancel()
		<-done
		t.Fatalf("%s: signing in: %v\nstdout:\n%s\nstderr:\n%s", bin, err, stdout.String(), stderr.String())
	}
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cancel()
		<-done
		t.Fatalf("%s did not end after the sign-in\nstderr:\n%s", bin, stderr.String())
	}
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("running %s: %v", bin, err)
	}
	return output{stdout: normaliseFlow(stdout.String()), stderr: stderr.String(), ok: err == nil}
}

// waitListening waits until the CLI's callback server accepts connections,
// or the CLI ends.
func waitListening(port int, done <-chan error) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case err := <-done:
			return fmt.Errorf("the CLI ended before it listened: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("nothing listens on port %d", port)
}

var authorizeLink = regexp.MustCompile(`<a href="([^"]+)">Authorize application</a>`)

// signIn opens the welcome page that both CLIs serve on their port, follows
// its link to the authorization URL, and signs in as p.
func signIn(port int, p hydratest.Person) (hydratest.Page, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		return hydratest.Page{}, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	m := authorizeLink.FindStringSubmatch(string(body))
	if m == nil {
		return hydratest.Page{}, fmt.Errorf("the welcome page has no authorization link:\n%s", body)
	}
	p.Jar, _ = cookiejar.New(nil)
	return p.SignIn(html.UnescapeString(m[1]))
}

// Values of a flow that the other cases do not print: ID tokens, and Hydra
// v1's expiry in RFC 1123.
var (
	jwtRE     = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	rfc1123RE = regexp.MustCompile(`[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [A-Z]+`)
	// padRE is the padding at the end of a line of Hydra's table. The
	// ID token is the widest value, and its length varies from run to
	// run (its nonce, its times): each CLI makes its own nonce, this
	// tool's longer than Hydra's. So the table's padding, which both CLIs
	// compute alike from the values (text/tabwriter, as ory/x cmdx does),
	// is compared as present, not counted; the tabs between a header and
	// its value are compared byte for byte.
	padRE = regexp.MustCompile(`\t+\n`)
)

func normaliseFlow(s string) string {
	s = rfc1123RE.ReplaceAllString(jwtRE.ReplaceAllString(s, "<JWT>"), "<TIME>")
	return padRE.ReplaceAllString(s, "\t\n")
}
