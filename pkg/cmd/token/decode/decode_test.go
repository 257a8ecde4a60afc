package decode

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdDecode(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: []string{"a.b.c"}, want: Options{Token: "a.b.c"}},
		{args: []string{"--no-verify", "-"}, want: Options{Token: "-", NoVerify: true}},
		{args: []string{"--jwks-url", "https://idp.example/keys", "t"}, want: Options{Token: "t", JWKSURL: "https://idp.example/keys"}},
		{args: []string{}, wantErr: "one JWT"},
		{args: []string{"--no-verify", "--jwks-url", "https://x/k", "t"}, wantErr: "contradict"},
		{args: []string{"--jwks-url", "ftp://x/k", "t"}, wantErr: "invalid --jwks-url"},
		{args: []string{"--format", "xml", "t"}, wantErr: "unknown format"},
		{args: []string{"-H", "Authorization: Bearer x", "t"}, wantErr: "pass --jwks-url with it"},
		{args: []string{"-H", "X-Key: v", "--jwks-url", "https://idp.example/keys", "t"}, want: Options{Token: "t", JWKSURL: "https://idp.example/keys"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdDecode, nil, tt.args...)
			if tt.wantErr != "" {
				cmdtest.WantUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Token != tt.want.Token || got.NoVerify != tt.want.NoVerify || got.JWKSURL != tt.want.JWKSURL {
				t.Errorf("got %+v", got)
			}
			if got.Conn.Timeout != cmdutil.DefaultTimeout {
				t.Errorf("timeout %s", got.Conn.Timeout)
			}
		})
	}
}

// issuer serves a JWKS at /.well-known/jwks.json and signs tokens.
type issuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newIssuer(t *testing.T) *issuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{key: key}
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/jwks.json" {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	}))
	t.Cleanup(is.srv.Close)
	return is
}

func (is *issuer) sign(t *testing.T, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: is.key}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

func runDecode(t *testing.T, o Options, stdin string) (string, string, error) {
	f, in, out, errOut := cmdtest.Factory(nil)
	in.WriteString(stdin)
	o.IO = f.IOStreams
	o.Factory = f
	o.Conn.Timeout = 5 * time.Second
	err := decodeRun(context.Background(), &o)
	return out.String(), errOut.String(), err
}

func TestDecodeRun(t *testing.T) {
	is := newIssuer(t)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).Unix()
	tok := is.sign(t, map[string]any{"iss": is.srv.URL, "sub": "alice", "exp": exp, "aud": []string{"a", "b"}, "ext": map[string]any{"k": 1}})

	stdout, stderr, err := runDecode(t, Options{Token: tok}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"HEADER", "  alg  RS256", "  kid  k1", "CLAIMS", "  sub  alice", "  exp  2030-01-02T03:04:05Z (in ", "  aud  a,b", `  ext  {"k":1}`,
		"SIGNATURE  verified with the keys at " + is.srv.URL + "/.well-known/jwks.json"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}

	// JSON keeps the claims raw and adds the dates.
	stdout, _, err = runDecode(t, Options{Token: "-", Format: printer.Format{Name: printer.JSON}}, tok+"\n")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["claims"]["exp"] != float64(exp) || doc["dates"]["exp"] != "2030-01-02T03:04:05Z" || doc["signature"]["verified"] != true {
		t.Errorf("document: %s", stdout)
	}
}

func TestDecodeRunRejects(t *testing.T) {
	is := newIssuer(t)
	other := newIssuer(t)
	good := is.sign(t, map[string]any{"iss": is.srv.URL, "sub": "alice"})
	parts := strings.Split(good, ".")
	forgedClaims := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"` + is.srv.URL + `","sub":"mallory"}`))
	tampered := parts[0] + "." + forgedClaims + "." + parts[2]
	foreign := other.sign(t, map[string]any{"iss": is.srv.URL, "sub": "alice"})
	noIss := is.sign(t, map[string]any{"sub": "alice"})

	for name, tc := range map[string]struct {
		opts Options
		want string
	}{
		"tampered":         {Options{Token: tampered}, "signature does not verify"},
		"another key":      {Options{Token: foreign}, "signature does not verify"},
		"no iss":           {Options{Token: noIss}, "no iss claim"},
		"keys unreachable": {Options{Token: good, JWKSURL: "http://127.0.0.1:1/jwks"}, "connection refused"},
		"opaque":           {Options{Token: "ory_at_abc.def"}, "opaque"},
		"garbage":          {Options{Token: "a.b.c"}, "not a JWT"},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, _, err := runDecode(t, tc.opts, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if cmdutil.ExitCodeOf(err) != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q", cmdutil.ExitCodeOf(err), stdout)
			}
		})
	}

	// --no-verify shows a tampered token, with a warning.
	stdout, stderr, err := runDecode(t, Options{Token: tampered, NoVerify: true}, "")
	if err != nil || !strings.Contains(stdout, "mallory") || !strings.Contains(stdout, "not verified") || !strings.Contains(stderr, "warning: --no-verify") {
		t.Errorf("err %v\nstdout %s\nstderr %s", err, stdout, stderr)
	}
}
