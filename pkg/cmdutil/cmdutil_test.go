package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

func testFactory(env map[string]string) (*Factory, *iostreams.IOStreams) {
	ios, _, _, _ := iostreams.Test()
	return &Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}, ios
}

func TestSplitList(t *testing.T) {
	got := SplitList([]string{"a,b", "c d", "", "a", ",e,"})
	want := []string{"a", "b", "c", "d", "e"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestResolveEndpoint(t *testing.T) {
	tests := []struct {
		name string
		kind api.Kind
		flag string
		env  map[string]string
		want string
	}{
		{"admin: flag first", api.Admin, "http://flag", map[string]string{"HYDRA_ADMIN_URL": "http://admin"}, "http://flag"},
		{"admin: HYDRA_ADMIN_URL", api.Admin, "", map[string]string{"HYDRA_ADMIN_URL": "http://admin", "HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, "http://admin"},
		{"admin: HYDRA_URL, as v1", api.Admin, "", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, "http://url"},
		{"admin: ORY_SDK_URL, as v2", api.Admin, "", map[string]string{"ORY_SDK_URL": "http://sdk"}, "http://sdk"},
		{"public: ignores HYDRA_ADMIN_URL", api.Public, "", map[string]string{"HYDRA_ADMIN_URL": "http://admin", "ORY_SDK_URL": "http://sdk"}, "http://sdk"},
		{"public: HYDRA_URL first", api.Public, "", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, "http://url"},
		{"query and fragment dropped", api.Public, "https://h:1/p?q=1#f", nil, "https://h:1/p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Connection{Kind: tt.kind, Endpoint: tt.flag}
			u, err := c.ResolveEndpoint(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if u.String() != tt.want {
				t.Errorf("got %s, want %s", u, tt.want)
			}
		})
	}
}

func TestResolveEndpointErrors(t *testing.T) {
	for _, tc := range []struct {
		kind api.Kind
		flag string
		want []string
	}{
		{api.Admin, "", []string{"--endpoint", "HYDRA_ADMIN_URL or HYDRA_URL or ORY_SDK_URL", "4445"}},
		{api.Public, "", []string{"--endpoint", "HYDRA_URL or ORY_SDK_URL", "4444"}},
		{api.Admin, "127.0.0.1:4445", []string{"invalid --endpoint", "http://127.0.0.1:4445"}},
		{api.Admin, "ftp://x", []string{"invalid --endpoint"}},
	} {
		c := &Connection{Kind: tc.kind, Endpoint: tc.flag}
		_, err := c.ResolveEndpoint(func(string) string { return "" })
		var fe *FlagError
		if !errors.As(err, &fe) {
			t.Fatalf("want a usage error, got %v", err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q should contain %q", err, w)
			}
		}
	}
}

func TestSecretResolve(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	if err := os.WriteFile(file, []byte("from-file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)

	tests := []struct {
		name      string
		value     string
		file      string
		stdin     string
		env       map[string]string
		quiet     bool
		want      string
		source    SecretSource
		warn      bool
		wantError bool
	}{
		{name: "argv warns", value: "s3cr3t-argv", env: map[string]string{"ENV": "e"}, want: "s3cr3t-argv", source: SourceArgv, warn: true},
		{name: "argv quiet", value: "v", quiet: true, want: "v", source: SourceArgv},
		{name: "file trims the newline", file: file, want: "from-file", source: SourceFile},
		{name: "stdin trims trailing white space", file: "-", stdin: "from stdin with spaces  \r\n\n", want: "from stdin with spaces", source: SourceFile},
		{name: "env", env: map[string]string{"ENV": "e"}, want: "e", source: SourceEnv},
		{name: "none", source: SourceNone},
		{name: "empty file", file: empty, wantError: true},
		{name: "missing file", file: filepath.Join(dir, "nope"), wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ios := testFactory(tt.env)
			ios.In = strings.NewReader(tt.stdin)
			s := &Secret{Flag: "client-secret", Env: "ENV", Value: tt.value, File: tt.file}
			got, src, err := s.Resolve(f, tt.quiet)
			if tt.wantError {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || src != tt.source {
				t.Errorf("got %q from %v, want %q from %v", got, src, tt.want, tt.source)
			}
			stderr := ios.ErrOut.(fmt.Stringer).String()
			if tt.warn != (stderr != "") {
				t.Errorf("warning = %q, want a warning: %v", stderr, tt.warn)
			}
			if strings.Contains(stderr, tt.value) && tt.value != "" {
				t.Errorf("the warning repeats the secret: %q", stderr)
			}
		})
	}
}

func TestSecretFlagsHideEnvironment(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	var s Secret
	AddSecretFlags(cmd, &s, "client-secret", "OAUTH2_CLIENT_SECRET", "The client's secret")
	t.Setenv("OAUTH2_CLIENT_SECRET", "marker-value-123")
	if strings.Contains(cmd.Flags().FlagUsages(), "marker-value-123") {
		t.Error("--help shows the environment's secret")
	}
	if !strings.Contains(cmd.Flags().FlagUsages(), "OAUTH2_CLIENT_SECRET") {
		t.Error("--help should name the environment variable")
	}
}

func TestExitCodeOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{FlagErrorf("bad"), 2},
		{fmt.Errorf("wrapped: %w", FlagErrorf("bad")), 2},
		{InactiveError(""), 3},
		{context.Canceled, 130},
		{ErrSilent, 1},
	}
	for _, tt := range tests {
		if got := ExitCodeOf(tt.err); got != tt.want {
			t.Errorf("ExitCodeOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestHandleError(t *testing.T) {
	cmd := &cobra.Command{Use: "hydra"}
	tests := []struct {
		err    error
		code   int
		stderr string
	}{
		{nil, 0, ""},
		{errors.New("boom"), 1, "error: boom\n"},
		{FlagErrorf("bad flag"), 2, "error: bad flag\nRun 'hydra --help' for usage.\n"},
		{errors.New(`unknown command "x" for "hydra"`), 2, "error: unknown command \"x\" for \"hydra\"\nRun 'hydra --help' for usage.\n"},
		{InactiveError(""), 3, "error: token is not active\n"},
		{errors.New("if any flags in the group [client-secret client-secret-file] are set none of the others can be; [client-secret client-secret-file] were all set"), 2,
			"error: give only one of --client-secret and --client-secret-file\nRun 'hydra --help' for usage.\n"},
		{context.Canceled, 130, "interrupted\n"},
		{ErrSilent, 1, ""},
	}
	for _, tt := range tests {
		var buf strings.Builder
		if code := HandleError(&buf, cmd, tt.err); code != tt.code {
			t.Errorf("%v: code %d, want %d", tt.err, code, tt.code)
		}
		if buf.String() != tt.stderr {
			t.Errorf("%v: stderr %q, want %q", tt.err, buf.String(), tt.stderr)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "app.localhost": true,
		"example.com": false, "10.0.0.1": false, "": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestWarnPlainHTTP(t *testing.T) {
	for endpoint, warn := range map[string]bool{
		"http://hydra.example.com:4445": true,
		"https://hydra.example.com":     false,
		"http://127.0.0.1:4445":         false,
		"http://localhost:4445":         false,
	} {
		f, ios := testFactory(nil)
		c := &Connection{Kind: api.Admin, Endpoint: endpoint}
		u, err := c.ResolveEndpoint(f.Getenv)
		if err != nil {
			t.Fatal(err)
		}
		WarnPlainHTTP(f, u)
		got := ios.ErrOut.(fmt.Stringer).String()
		if (got != "") != warn {
			t.Errorf("%s: warning %q, want one: %v", endpoint, got, warn)
		}
		if warn && strings.Count(got, "\n") != 1 {
			t.Errorf("the warning should be one line: %q", got)
		}
	}
}

func TestConnectionHeaders(t *testing.T) {
	var got http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer ts.Close()

	f, ios := testFactory(nil)
	c := &Connection{
		Kind:               api.Admin,
		Endpoint:           ts.URL,
		Headers:            []string{"X-Tenant: a:b:c", "X-Empty:"},
		FakeTLSTermination: true,
		Timeout:            5 * time.Second,
	}
	client, err := c.Client(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Do(context.Background(), api.Request{Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if got.Get("X-Forwarded-Proto") != "https" {
		t.Errorf("--fake-tls-termination should send X-Forwarded-Proto: https, got %q", got.Get("X-Forwarded-Proto"))
	}
	if got.Get("X-Tenant") != "a:b:c" {
		t.Errorf("-H value with colons: got %q", got.Get("X-Tenant"))
	}
	if _, ok := got["X-Empty"]; !ok {
		t.Errorf("-H with an empty value should still be sent")
	}
	if ios.ErrOut.(fmt.Stringer).String() != "" {
		t.Errorf("no warning expected on loopback: %s", ios.ErrOut)
	}
}

func TestConnectionBadHeader(t *testing.T) {
	f, _ := testFactory(nil)
	c := &Connection{Kind: api.Admin, Endpoint: "http://127.0.0.1:1", Headers: []string{"no colon here"}}
	_, err := c.Client(f)
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "Name: value") {
		t.Errorf("want a usage error naming the form, got %v", err)
	}
}

func TestMakeGroup(t *testing.T) {
	group := MakeGroup(&cobra.Command{Use: "token <command>"})
	group.AddCommand(&cobra.Command{Use: "introspect", Run: func(*cobra.Command, []string) {}})
	root := &cobra.Command{Use: "hydra", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(group)
	var out strings.Builder
	root.SetOut(&out)
	root.SetErr(&out)

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token", "introspec"}, ExitUsage, `unknown command "introspec" for "hydra token"; did you mean introspect?`},
		{[]string{"token", "zzz"}, ExitUsage, `unknown command "zzz" for "hydra token"`},
		{[]string{"token"}, ExitOK, ""},
	} {
		out.Reset()
		root.SetArgs(tt.args)
		err := root.Execute()
		if code := ExitCodeOf(err); code != tt.code {
			t.Errorf("%v: exit %d, want %d (%v)", tt.args, code, tt.code, err)
		}
		if tt.want != "" && (err == nil || err.Error() != tt.want) {
			t.Errorf("%v: error %v, want %q", tt.args, err, tt.want)
		}
		if tt.code == ExitOK && !strings.Contains(out.String(), "Usage:") {
			t.Errorf("%v: a bare group should show its help, got %q", tt.args, out.String())
		}
	}
}

// A usage error about a URL or a header never repeats a secret in it.
func TestUsageErrorsHideSecrets(t *testing.T) {
	f, _ := testFactory(nil)
	for _, c := range []*Connection{
		{Kind: api.Admin, Endpoint: "ftp://user:pw-SECRET@h/?access_token=at-SECRET"},
		{Kind: api.Admin, Endpoint: "at-SECRET-pasted-into-the-wrong-flag"},
		{Kind: api.Admin, Endpoint: "http://127.0.0.1:1", Headers: []string{"Authorization=Bearer at-SECRET"}},
	} {
		_, err := c.Client(f)
		if err == nil || ExitCodeOf(err) != ExitUsage {
			t.Fatalf("%+v: want a usage error, got %v", c, err)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the message repeats a secret: %v", err)
		}
	}
}

// A secret without an environment variable warns about argv without
// naming one.
func TestSecretArgvWarningWithoutEnvironment(t *testing.T) {
	f, ios := testFactory(nil)
	s := &Secret{Flag: "secret", Value: "s3cr3t-value"}
	if _, _, err := s.Resolve(f, false); err != nil {
		t.Fatal(err)
	}
	got := ios.ErrOut.(fmt.Stringer).String()
	if !strings.Contains(got, "use --secret-file instead\n") || strings.Contains(got, "use  or") {
		t.Errorf("warning = %q", got)
	}
}

// The argv warning names -q only on a command that has it (issue 11).
func TestSecretArgvWarningNamesQuietOnlyWhereItExists(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		cmd := &cobra.Command{Use: "x"}
		s := &Secret{}
		AddSecretFlags(cmd, s, "secret", "SECRET_ENV", "The secret")
		if quiet {
			cmd.Flags().BoolP("quiet", "q", false, "")
		}
		s.Value = "s3cr3t-value"
		f, ios := testFactory(nil)
		if _, _, err := s.Resolve(f, false); err != nil {
			t.Fatal(err)
		}
		if got := ios.ErrOut.(fmt.Stringer).String(); strings.Contains(got, "-q silences this") != quiet {
			t.Errorf("with -q %v: warning = %q", quiet, got)
		}
	}
}

// The one constructor gives every plain-HTTP warning: for the endpoint,
// for the other URLs a client is sent to (a --token-url on another host),
// and for a server that is not Hydra in its own words; each host once.
func TestConstructorWarnsPlainHTTPOncePerHost(t *testing.T) {
	f, ios := testFactory(nil)
	c := &Connection{Kind: api.Public, Endpoint: "http://hydra.example:4444"}
	tokenURL, _ := url.Parse("http://auth.example/oauth2/token")
	ep, err := c.ResolveTarget(f.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ClientAt(f, ep, nil, tokenURL); err != nil {
		t.Fatal(err)
	}
	keys, _ := url.Parse("http://keys.example/jwks.json")
	for range 2 {
		if _, err := c.External(f, keys, ExternalServer{Name: "the issuer's key set", PlainHTTPRisk: "the keys could be replaced in transit"}); err != nil {
			t.Fatal(err)
		}
	}
	got := ios.ErrOut.(fmt.Stringer).String()
	for _, want := range []string{
		"warning: http://hydra.example:4444 is plain HTTP to a host that is not loopback: tokens and secrets cross the network unencrypted\n",
		"warning: http://auth.example/oauth2/token is plain HTTP to a host that is not loopback: tokens and secrets cross the network unencrypted\n",
		"warning: http://keys.example is plain HTTP to a host that is not loopback: the keys could be replaced in transit\n",
	} {
		if strings.Count(got, want) != 1 {
			t.Errorf("want once %q, got:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 3 {
		t.Errorf("%d lines:\n%s", n, got)
	}
}
