package user

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// runUserArgs runs the command against idp with the fake browser b, the
// environment env and extra arguments.
func runUserArgs(t *testing.T, idp *stubIdP, b *fakeBrowser, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(env)
	f.Browser = b
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	argv := append([]string{"--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "20s"}, args...)
	if err := cmdtest.Run(cmd, argv...); err != nil {
		return "", "", err
	}
	err := userRun(context.Background(), got)
	return out.String(), errOut.String(), err
}

func TestUserRunAuthMethods(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(t *testing.T, form url.Values, basic string)
	}{
		{"client_secret_post", map[string]string{shared.EnvClientSecret: "s3cret"}, []string{"--auth-method", "client_secret_post"}, func(t *testing.T, form url.Values, basic string) {
			if form.Get("client_id") != "app" || form.Get("client_secret") != "s3cret" || basic != "" {
				t.Errorf("form %v, Authorization %q", form, basic)
			}
		}},
		{"private_key_jwt", nil, []string{"--private-key", keyFile}, func(t *testing.T, form url.Values, basic string) {
			if form.Get("client_assertion_type") != shared.ClientAssertionType || form.Get("client_assertion") == "" || form.Has("client_secret") || basic != "" {
				t.Errorf("form %v, Authorization %q", form, basic)
			}
		}},
		{"none ignores the environment's secret", map[string]string{shared.EnvClientSecret: "for-another-client"}, []string{"--auth-method", "none"}, func(t *testing.T, form url.Values, basic string) {
			if form.Get("client_id") != "app" || form.Has("client_secret") || basic != "" {
				t.Errorf("form %v, Authorization %q", form, basic)
			}
		}},
		{"--token-url", nil, nil, func(t *testing.T, form url.Values, basic string) {
			if form.Get("code") != "the-code" {
				t.Errorf("form %v", form)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idp := newStubIdP(t)
			b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
			args := tt.args
			if tt.name == "--token-url" {
				args = []string{"--token-url", idp.srv.URL + "/oauth2/token"}
			}
			_, stderr, err := runUserArgs(t, idp, b, tt.env, args...)
			if err != nil {
				t.Fatalf("err = %v\nstderr: %s", err, stderr)
			}
			if len(idp.forms) != 1 {
				t.Fatalf("%d token requests, want 1", len(idp.forms))
			}
			tt.check(t, idp.forms[0], idp.basic[0])
		})
	}
}

// A secret left in OAUTH2_CLIENT_SECRET does not break the flow of a
// public client: Hydra refuses it before it looks at the code, and the
// exchange is sent again without it.
func TestUserRunEnvironmentSecretWithPublicClient(t *testing.T) {
	idp := newStubIdP(t)
	idp.public = true
	b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
	stdout, stderr, err := runUserArgs(t, idp, b, map[string]string{shared.EnvClientSecret: "left-over"}, "--format", "json")
	if err != nil {
		t.Fatalf("err = %v\nstderr: %s", err, stderr)
	}
	if !strings.Contains(stdout, `"access_token":"AT-1"`) || !strings.Contains(stderr, "client app is public") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	if len(idp.forms) != 2 || idp.basic[1] != "" || idp.forms[1].Has("client_secret") || idp.forms[1].Get("code") != "the-code" {
		t.Errorf("requests: %v %q", idp.forms, idp.basic)
	}
}

func TestUserRunIssuer(t *testing.T) {
	const public = "https://auth.example.test"
	t.Run("a different issuer is refused, with the way through", func(t *testing.T) {
		idp := newStubIdP(t)
		idp.issuer = public
		_, _, err := runUserArgs(t, idp, &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}, nil)
		if err == nil || !strings.Contains(err.Error(), "the issuer is "+public) || !strings.Contains(err.Error(), "--issuer "+public) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("--issuer verifies against it, with keys from -e", func(t *testing.T) {
		idp := newStubIdP(t)
		idp.issuer = public
		b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
		stdout, stderr, err := runUserArgs(t, idp, b, nil, "--issuer", public, "--format", "json")
		if err != nil {
			t.Fatalf("err = %v\nstderr: %s", err, stderr)
		}
		if !strings.Contains(stdout, `"id_token"`) {
			t.Errorf("stdout %q", stdout)
		}
	})
	t.Run("a wrong --issuer is refused before the sign-in", func(t *testing.T) {
		idp := newStubIdP(t)
		idp.issuer = public
		_, _, err := runUserArgs(t, idp, &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}, nil, "--issuer", "https://other.example.test")
		if err == nil || !strings.Contains(err.Error(), "not --issuer https://other.example.test") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("--issuer may differ from the discovered one by a trailing slash", func(t *testing.T) {
		idp := newStubIdP(t)
		b := &fakeBrowser{t: t, idp: idp, callback: codeCallback, page: make(chan string, 1)}
		if _, _, err := runUserArgs(t, idp, b, nil, "--issuer", idp.srv.URL+"/"); err != nil {
			t.Fatal(err)
		}
	})
}

// lineWriter is a stderr that hands each line to a channel as well.
type lineWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	lines chan string
	part  string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	w.part += string(p)
	for {
		i := strings.IndexByte(w.part, '\n')
		if i < 0 {
			break
		}
		select {
		case w.lines <- w.part[:i]:
		default:
		}
		w.part = w.part[i+1:]
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// With --no-open and stdin a terminal, the final redirect URL can be
// pasted: a wrong state is refused and the command keeps waiting, and the
// right one completes the flow with the same PKCE check.
func TestUserRunPastedRedirectURL(t *testing.T) {
	idp := newStubIdP(t)
	ios, _, out, _ := iostreams.Test()
	pr, pw := io.Pipe()
	defer pw.Close()
	ios.In = pr
	ios.SetStdinTTY(true)
	errOut := &lineWriter{lines: make(chan string, 100)}
	ios.ErrOut = errOut
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "20s", "--no-open"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- userRun(context.Background(), got) }()

	waitLine := func(prefix string) string {
		t.Helper()
		deadline := time.After(15 * time.Second)
		for {
			select {
			case l := <-errOut.lines:
				if strings.HasPrefix(strings.TrimSpace(l), prefix) {
					return strings.TrimSpace(l)
				}
			case err := <-done:
				t.Fatalf("the command ended early: %v\n%s", err, errOut.String())
			case <-deadline:
				t.Fatalf("no line starting %q:\n%s", prefix, errOut.String())
			}
		}
	}
	authURL, err := url.Parse(waitLine(idp.srv.URL + "/oauth2/auth?"))
	if err != nil {
		t.Fatal(err)
	}
	waitLine("If that browser runs on another machine")
	q := authURL.Query()
	idp.mu.Lock()
	idp.challenge, idp.nonce = q.Get("code_challenge"), q.Get("nonce")
	idp.mu.Unlock()
	redirect := q.Get("redirect_uri")

	w := bufio.NewWriter(pw)
	paste := func(s string) {
		t.Helper()
		if _, err := w.WriteString(s + "\n"); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	paste(redirect + "?code=forged&state=wrong")
	waitLine("The pasted URL was refused: This callback does not belong")
	paste("not a url")
	waitLine("The pasted URL was refused: it is not a URL")
	paste("  " + redirect + "?code=the-code&state=" + url.QueryEscape(q.Get("state")) + "  ")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("err = %v\n%s", err, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the pasted URL did not complete the flow:\n%s", errOut.String())
	}
	if !strings.Contains(out.String(), "ACCESS TOKEN   AT-1") {
		t.Errorf("stdout: %s", out.String())
	}
	if len(idp.forms) != 1 || idp.forms[0].Get("code") != "the-code" || idp.forms[0].Get("code_verifier") == "" {
		t.Errorf("token requests: %v", idp.forms)
	}
}

// A pasted error redirect ends the flow with the server's error, as a
// callback would.
func TestUserRunPastedErrorRedirect(t *testing.T) {
	idp := newStubIdP(t)
	ios, _, _, _ := iostreams.Test()
	pr, pw := io.Pipe()
	defer pw.Close()
	ios.In = pr
	ios.SetStdinTTY(true)
	errOut := &lineWriter{lines: make(chan string, 100)}
	ios.ErrOut = errOut
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", idp.srv.URL, "-p", "0", "--timeout", "20s", "--no-open"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- userRun(context.Background(), got) }()
	var authURL *url.URL
	for authURL == nil {
		select {
		case l := <-errOut.lines:
			if s := strings.TrimSpace(l); strings.HasPrefix(s, idp.srv.URL+"/oauth2/auth?") {
				authURL, _ = url.Parse(s)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("no authorization URL:\n%s", errOut.String())
		}
	}
	q := authURL.Query()
	go io.WriteString(pw, q.Get("redirect_uri")+"?error=access_denied&error_description=denied&state="+url.QueryEscape(q.Get("state"))+"\n")
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "access_denied") {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the pasted error did not end the flow")
	}
	if len(idp.forms) != 0 {
		t.Errorf("no code exchange should follow an error")
	}
}
