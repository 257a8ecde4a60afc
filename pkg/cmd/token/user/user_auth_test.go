package user

import (
	"bytes"
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

// pasteFlow is a run of the command with --no-open and a terminal on
// stdin, into which the test pastes.
type pasteFlow struct {
	t      *testing.T
	idp    *stubIdP
	out    *bytes.Buffer
	errOut *lineWriter
	stdin  *io.PipeWriter
	done   chan error
	// auth is the query of the authorization URL printed on stderr.
	auth url.Values
}

func startPasteFlow(t *testing.T) *pasteFlow {
	t.Helper()
	p := &pasteFlow{t: t, idp: newStubIdP(t), errOut: &lineWriter{lines: make(chan string, 100)}, done: make(chan error, 1)}
	ios, _, out, _ := iostreams.Test()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ios.In, ios.ErrOut, p.out, p.stdin = pr, p.errOut, out, pw
	ios.SetStdinTTY(true)
	f := &cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
	var got *Options
	cmd := NewCmdUser(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--client-id", "app", "-e", p.idp.srv.URL, "-p", "0", "--timeout", "20s", "--no-open"); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- userRun(context.Background(), got) }()
	authURL, err := url.Parse(p.waitLine(p.idp.srv.URL + "/oauth2/auth?"))
	if err != nil {
		t.Fatal(err)
	}
	p.waitLine("If that browser runs on another machine")
	p.auth = authURL.Query()
	p.idp.mu.Lock()
	p.idp.challenge, p.idp.nonce = p.auth.Get("code_challenge"), p.auth.Get("nonce")
	p.idp.mu.Unlock()
	return p
}

// waitLine waits for a line on stderr that starts with prefix.
func (p *pasteFlow) waitLine(prefix string) string {
	p.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case l := <-p.errOut.lines:
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return strings.TrimSpace(l)
			}
		case err := <-p.done:
			p.t.Fatalf("the command ended early: %v\n%s", err, p.errOut.String())
		case <-deadline:
			p.t.Fatalf("no line starting %q:\n%s", prefix, p.errOut.String())
		}
	}
}

// paste types a line on the command's stdin.
func (p *pasteFlow) paste(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

// wait returns the command's outcome.
func (p *pasteFlow) wait() error {
	p.t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(15 * time.Second):
		p.t.Fatalf("the pasted URL did not end the flow:\n%s", p.errOut.String())
		return nil
	}
}

// With --no-open and stdin a terminal, the final redirect URL can be
// pasted: a wrong state is refused and the command keeps waiting, and the
// right one completes the flow with the same PKCE check.
func TestUserRunPastedRedirectURL(t *testing.T) {
	p := startPasteFlow(t)
	redirect := p.auth.Get("redirect_uri")
	p.paste(redirect + "?code=forged&state=wrong")
	p.waitLine("The pasted URL was refused: This callback does not belong")
	p.paste("not a url")
	p.waitLine("The pasted URL was refused: it is not a URL")
	p.paste("  " + redirect + "?code=the-code&state=" + url.QueryEscape(p.auth.Get("state")) + "  ")
	if err := p.wait(); err != nil {
		t.Fatalf("err = %v\n%s", err, p.errOut.String())
	}
	if !strings.HasPrefix(p.out.String(), "Access Token:\n\tAT-1\n") {
		t.Errorf("stdout: %s", p.out.String())
	}
	forms := p.idp.forms
	if len(forms) != 1 || forms[0].Get("code") != "the-code" || forms[0].Get("code_verifier") == "" {
		t.Errorf("token requests: %v", forms)
	}
}

// A pasted error redirect ends the flow with the server's error, as a
// callback would.
func TestUserRunPastedErrorRedirect(t *testing.T) {
	p := startPasteFlow(t)
	p.paste(p.auth.Get("redirect_uri") + "?error=access_denied&error_description=denied&state=" + url.QueryEscape(p.auth.Get("state")))
	if err := p.wait(); err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Fatalf("err = %v", err)
	}
	if len(p.idp.forms) != 0 {
		t.Errorf("no code exchange should follow an error")
	}
}
