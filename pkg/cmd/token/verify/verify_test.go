package verify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdVerify(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdVerify, []cmdtest.ArgvCase[Options]{
		{Argv: "-e http://127.0.0.1:4444 a.b.c", Check: func(t *testing.T, o *Options) {
			if o.Token != "a.b.c" || o.Leeway != DefaultLeeway || o.Conn.Endpoint != "http://127.0.0.1:4444" {
				t.Errorf("got %+v", o)
			}
		}},
		{Argv: "--jwks-file k.json --issuer http://i --audience a,b --audience c --scope read --type at+jwt --leeway 5s --require-valid -", Check: func(t *testing.T, o *Options) {
			if o.JWKSFile != "k.json" || o.Issuer != "http://i" || strings.Join(o.Audiences, " ") != "a b c" || strings.Join(o.Scopes, " ") != "read" ||
				o.Type != TypeAccessToken || o.Leeway != 5*time.Second || !o.RequireValid || o.Token != "-" {
				t.Errorf("got %+v", o)
			}
		}},
		{Argv: "--jwks-url http://127.0.0.1:4444/k --issuer http://i t", Check: func(t *testing.T, o *Options) {
			if o.JWKSURL != "http://127.0.0.1:4444/k" {
				t.Errorf("got %+v", o)
			}
		}},
		{Argv: "", WantErr: "one JWT"},
		{Argv: "a b", WantErr: "one JWT"},
		{Argv: "--jwks-file k --jwks-url http://x/k --issuer http://i t", WantErr: "give one"},
		{Argv: "--jwks-file k t", WantErr: "--issuer is required"},
		{Argv: "--jwks-url http://x/k t", WantErr: "--issuer is required"},
		{Argv: "--jwks-url ftp://x/k --issuer http://i t", WantErr: "--jwks-url"},
		{Argv: "--jwks-file k --issuer http://i -e http://127.0.0.1:4444 t", WantErr: "contradict"},
		{Argv: "--type refresh t", WantErr: "--type must be"},
		{Argv: "--leeway -1s t", WantErr: "negative"},
		{Argv: "--require-valid t", WantErr: "applies to a stream"},
		{Argv: "--jwks-file - --issuer http://i -", WantErr: "cannot read stdin too"},
		{Argv: "--format table -", WantErr: "--format table"},
		{Argv: "--format xml t", WantErr: "unknown format"},
	})
}

// testIssuer signs tokens with RSA keys and serves its discovery document
// and key set.
type testIssuer struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey
	// published are the kids the key set holds.
	published []string
	// jwksGets counts requests for the key set.
	jwksGets atomic.Int32
	// later are kids published once the key set has been served once:
	// a rotation that happens right after the first load.
	later []string
}

func newTestIssuer(t *testing.T) *testIssuer {
	is := &testIssuer{t: t, keys: map[string]*rsa.PrivateKey{}}
	is.addKey("k1", true)
	is.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, is.srv.URL, is.srv.URL+"/.well-known/jwks.json")
		case "/.well-known/jwks.json":
			is.jwksGets.Add(1)
			_, _ = w.Write(is.jwks())
			is.mu.Lock()
			is.published, is.later = append(is.published, is.later...), nil
			is.mu.Unlock()
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(is.srv.Close)
	return is
}

func (is *testIssuer) addKey(kid string, publish bool) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		is.t.Fatal(err)
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys[kid] = k
	if publish {
		is.published = append(is.published, kid)
	}
}

func (is *testIssuer) jwks() []byte {
	is.mu.Lock()
	defer is.mu.Unlock()
	set := jose.JSONWebKeySet{}
	for _, kid := range is.published {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &is.keys[kid].PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
	}
	b, _ := json.Marshal(set)
	return b
}

func (is *testIssuer) sign(kid string, header map[jose.HeaderKey]any, claims map[string]any) string {
	is.mu.Lock()
	key := is.keys[kid]
	is.mu.Unlock()
	opts := (&jose.SignerOptions{}).WithHeader("kid", kid)
	for k, v := range header {
		opts = opts.WithHeader(k, v)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		is.t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := signer.Sign(b)
	if err != nil {
		is.t.Fatal(err)
	}
	s, _ := obj.CompactSerialize()
	return s
}

// accessClaims are the claims of a Hydra JWT access token, valid now.
func (is *testIssuer) accessClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss": is.srv.URL, "sub": "alice", "aud": []string{"api"}, "client_id": "c1", "scp": []string{"read", "write"},
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nbf": now.Unix(), "jti": "j1", "ext": map[string]any{},
	}
}

func runVerify(t *testing.T, o Options, stdin string) (stdout, stderr string, err error) {
	t.Helper()
	f, in, out, errOut := cmdtest.Factory(nil)
	in.WriteString(stdin)
	o.IO, o.Factory = f.IOStreams, f
	o.Conn.Timeout = 5 * time.Second
	if o.Leeway == 0 {
		o.Leeway = DefaultLeeway
	}
	err = verifyRun(context.Background(), &o)
	return out.String(), errOut.String(), err
}

// hs256 signs claims with HMAC-SHA256, keyed with secret.
func hs256(header, claims map[string]any, secret []byte) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func TestVerifyRun(t *testing.T) {
	is := newTestIssuer(t)
	now := time.Now()
	good := is.sign("k1", nil, is.accessClaims(now))

	// Discovery through -e: the claims, indented.
	stdout, stderr, err := runVerify(t, Options{Token: good, Conn: cmdutil.Connection{Endpoint: is.srv.URL}}, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var claims map[string]any
	if err := json.Unmarshal([]byte(stdout), &claims); err != nil || claims["sub"] != "alice" || !strings.Contains(stdout, "\n  ") {
		t.Errorf("stdout %q (%v)", stdout, err)
	}

	// A key file, and checks that pass.
	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, is.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, err = runVerify(t, Options{Token: good, JWKSFile: file, Issuer: is.srv.URL, Audiences: []string{"other", "api"},
		Scopes: []string{"read"}, Type: TypeAccessToken, Format: printer.Format{Name: printer.JSONPath, Expr: "sub"}}, "")
	if err != nil || strings.TrimSpace(stdout) != "alice" {
		t.Errorf("err %v, stdout %q", err, stdout)
	}

	// An opaque token is refused before any key is fetched.
	gets := is.jwksGets.Load()
	_, _, err = runVerify(t, Options{Token: "ory_at_abc.def", Conn: cmdutil.Connection{Endpoint: is.srv.URL}}, "")
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "hydra token introspect") || is.jwksGets.Load() != gets {
		t.Errorf("opaque: %v", err)
	}

	// No source of keys at all: a usage error that names each.
	_, _, err = runVerify(t, Options{Token: good}, "")
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--jwks-file or --jwks-url") {
		t.Errorf("no keys: %v", err)
	}

	// Keys that cannot be got: exit 1.
	_, _, err = runVerify(t, Options{Token: good, JWKSURL: "http://127.0.0.1:1/jwks", Issuer: is.srv.URL}, "")
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure || !strings.Contains(err.Error(), "getting the keys") {
		t.Errorf("unreachable keys: %v", err)
	}
	_, _, err = runVerify(t, Options{Token: good, JWKSFile: filepath.Join(t.TempDir(), "none.json"), Issuer: is.srv.URL}, "")
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure || !strings.Contains(err.Error(), "--jwks-file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestVerifyRunInvalid(t *testing.T) {
	is := newTestIssuer(t)
	is.addKey("unpublished", false)
	now := time.Now()
	good := is.sign("k1", nil, is.accessClaims(now))
	with := func(change func(c map[string]any)) string {
		c := is.accessClaims(now)
		change(c)
		return is.sign("k1", nil, c)
	}
	parts := strings.Split(good, ".")
	tamperedClaims := is.accessClaims(now)
	tamperedClaims["sub"] = "mallory"
	tc, _ := json.Marshal(tamperedClaims)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(tc) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"k1"}`)) + "." + parts[1] + "."
	pubDER, _ := x509.MarshalPKIXPublicKey(&is.keys["k1"].PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hmacWithPublicKey := hs256(map[string]any{"alg": "HS256", "kid": "k1", "typ": "JWT"}, is.accessClaims(now), pubPEM)
	idToken := is.sign("k1", nil, map[string]any{"iss": is.srv.URL, "sub": "alice", "aud": []string{"c1"}, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "auth_time": now.Unix()})

	for name, tc := range map[string]struct {
		token string
		opts  Options
		want  string
	}{
		"tampered":              {tampered, Options{}, `signature does not verify with kid "k1"`},
		"alg none":              {none, Options{}, `alg is "none"`},
		"HS256 with the key":    {hmacWithPublicKey, Options{}, `alg is "HS256", an HMAC`},
		"unknown kid":           {is.sign("unpublished", nil, is.accessClaims(now)), Options{}, `signed by kid "unpublished", which the issuer does not publish`},
		"expired":               {with(func(c map[string]any) { c["exp"] = now.Add(-3 * time.Minute).Unix() }), Options{}, "expired 3m ago"},
		"expired within leeway": {with(func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() }), Options{Audiences: []string{"nope"}}, "aud is [api], not nope"},
		"not yet valid":         {with(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() }), Options{}, "not valid yet: valid in 10m"},
		"issued in the future":  {with(func(c map[string]any) { c["iat"] = now.Add(10 * time.Minute).Unix() }), Options{}, "issued in the future"},
		"no exp":                {with(func(c map[string]any) { delete(c, "exp") }), Options{}, "no exp claim"},
		"wrong issuer":          {with(func(c map[string]any) { c["iss"] = "https://evil.example" }), Options{}, "iss is https://evil.example, not " + is.srv.URL},
		"wrong audience":        {good, Options{Audiences: []string{"billing", "mail"}}, "aud is [api], not billing or mail"},
		"missing scope":         {good, Options{Scopes: []string{"read", "admin"}}, "lacks scope admin (granted: [read write])"},
		"access, not ID":        {good, Options{Type: TypeIDToken}, "this is an access token (at+jwt), not an ID token"},
		"ID, not access":        {idToken, Options{Type: TypeAccessToken}, "this is an ID token (id-token), not an access token"},
	} {
		t.Run(name, func(t *testing.T) {
			tc.opts.Token = tc.token
			tc.opts.Conn.Endpoint = is.srv.URL
			stdout, _, err := runVerify(t, tc.opts, "")
			if cmdutil.ExitCodeOf(err) != cmdutil.ExitInactive || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("exit %d: %v\nwant %q", cmdutil.ExitCodeOf(err), err, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout: %s", stdout)
			}
		})
	}

	// The ID token passes as one, and typ at+jwt marks an access token.
	if _, _, err := runVerify(t, Options{Token: idToken, Type: TypeIDToken, Audiences: []string{"c1"}, Conn: cmdutil.Connection{Endpoint: is.srv.URL}}, ""); err != nil {
		t.Errorf("ID token: %v", err)
	}
	typed := is.sign("k1", map[jose.HeaderKey]any{"typ": "at+jwt"}, map[string]any{"iss": is.srv.URL, "sub": "s", "exp": now.Add(time.Hour).Unix()})
	if _, _, err := runVerify(t, Options{Token: typed, Type: TypeAccessToken, Conn: cmdutil.Connection{Endpoint: is.srv.URL}}, ""); err != nil {
		t.Errorf("typ at+jwt: %v", err)
	}
}

func TestVerifyRunReloadsOnceForAnUnknownKid(t *testing.T) {
	is := newTestIssuer(t)
	now := time.Now()
	// A key made after the keys were loaded: rotation.
	is.addKey("k2", false)
	rotated := is.sign("k2", nil, is.accessClaims(now))
	forged := is.sign("k2", nil, is.accessClaims(now))
	forged = strings.Replace(forged, strings.Split(forged, ".")[0], base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k9"}`)), 1)
	good := is.sign("k1", nil, is.accessClaims(now))

	// The issuer publishes k2 only after the first load: the stream has
	// to reload to verify it, and reloads once, however many unknown kids.
	// (Published by the server after its first answer, not by a token's
	// check: the stream's workers verify concurrently, so a check could
	// come after the reload.)
	is.mu.Lock()
	is.later = []string{"k2"}
	is.mu.Unlock()
	in := good + "\n" + rotated + "\n" + forged + "\n" + forged + "\n" + rotated + "\n"
	o := Options{Token: "-", Conn: cmdutil.Connection{Endpoint: is.srv.URL}}
	stdout, stderr, err := runVerify(t, o, in)
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitInactive || !strings.Contains(err.Error(), "2 of 5 tokens are not valid") {
		t.Fatalf("exit %d: %v\n%s", cmdutil.ExitCodeOf(err), err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("stdout:\n%s", stdout)
	}
	for i, want := range []string{`"valid":true`, `"valid":true`, `which the issuer does not publish`, `which the issuer does not publish`, `"valid":true`} {
		if !strings.HasPrefix(lines[i], fmt.Sprintf(`{"index":%d,`, i)) || !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s, want %s", i, lines[i], want)
		}
	}
	if n := is.jwksGets.Load(); n != 2 {
		t.Errorf("the key set was fetched %d times, want 2 (the load and one reload)", n)
	}
}

func TestVerifyStream(t *testing.T) {
	is := newTestIssuer(t)
	now := time.Now()
	good := is.sign("k1", nil, is.accessClaims(now))
	expired := is.accessClaims(now)
	expired["exp"] = now.Add(-time.Hour).Unix()
	bad := is.sign("k1", nil, expired)
	long := strings.Repeat("x", 1<<20+1)
	in := good + "\n\n" + bad + "\r\n" + "ory_at_opaque.sig\n" + long + "\n" + "Bearer " + good + "\n" + good + "\n"
	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, is.jwks(), 0o600); err != nil {
		t.Fatal(err)
	}
	base := Options{Token: "-", JWKSFile: file, Issuer: is.srv.URL}

	stdout, stderr, err := runVerify(t, base, in)
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitInactive || !strings.Contains(err.Error(), "4 of 6 tokens are not valid") {
		t.Fatalf("exit %d: %v", cmdutil.ExitCodeOf(err), err)
	}
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, m)
	}
	want := []string{"", "expired 1h0m ago", "hydra token introspect", "longer than 1024 KiB", "Bearer prefix", ""}
	if len(got) != len(want) {
		t.Fatalf("%d lines:\n%s", len(got), stdout)
	}
	for i, w := range want {
		if got[i]["index"] != float64(i) {
			t.Errorf("line %d: index %v", i, got[i]["index"])
		}
		if w == "" {
			if got[i]["valid"] != true || got[i]["claims"].(map[string]any)["sub"] != "alice" {
				t.Errorf("line %d: %v", i, got[i])
			}
			continue
		}
		if got[i]["valid"] != false || !strings.Contains(fmt.Sprint(got[i]["error"]), w) {
			t.Errorf("line %d: %v, want %q", i, got[i], w)
		}
	}
	if !strings.Contains(stderr, "invalid: token 1: expired") || strings.Contains(stderr, good) {
		t.Errorf("stderr:\n%s", stderr)
	}

	// --require-valid stops at the first invalid token, after printing it.
	o := base
	o.RequireValid = true
	stdout, _, err = runVerify(t, o, in)
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitInactive || !strings.Contains(err.Error(), "token 1 is not valid: expired") {
		t.Fatalf("exit %d: %v", cmdutil.ExitCodeOf(err), err)
	}
	if n := strings.Count(stdout, "\n"); n != 2 {
		t.Errorf("--require-valid printed %d lines:\n%s", n, stdout)
	}

	// All valid: exit 0; a jsonpath applies to each result.
	o = base
	o.Format = printer.Format{Name: printer.JSONPath, Expr: "claims.sub"}
	stdout, _, err = runVerify(t, o, good+"\n"+good+"\n")
	if err != nil || stdout != "alice\nalice\n" {
		t.Errorf("err %v, stdout %q", err, stdout)
	}

	// Nothing on stdin is a usage error.
	_, _, err = runVerify(t, base, "\n\n")
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
		t.Errorf("empty stdin: %v", err)
	}
}
