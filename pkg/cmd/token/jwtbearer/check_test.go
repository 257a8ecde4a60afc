package jwtbearer

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// unsigned makes a JWT with these claims and a dummy signature: the checks
// read it without verifying it.
func unsigned(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	return "eyJhbGciOiJFUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func TestCheckAssertion(t *testing.T) {
	now := time.Unix(1_800_000_000, 0).UTC()
	const aud = "https://hydra.example/oauth2/token"
	good := func() map[string]any {
		return map[string]any{"iss": "https://gitlab.com", "sub": "s", "aud": aud, "jti": "j1", "iat": now.Unix() - 10, "exp": now.Unix() + 300}
	}
	for _, tc := range []struct {
		name     string
		change   map[string]any
		opts     Options
		source   string
		discover string
		want     string
		warning  string
	}{
		{name: "good"},
		{name: "aud list", change: map[string]any{"aud": []string{"x", aud}}},
		{name: "gitlab aud", change: map[string]any{"aud": "https://gitlab.com"}, source: FromGitLab, want: "'id_tokens: HYDRA_ID_TOKEN: aud: " + aud + "'"},
		{name: "kubernetes aud", change: map[string]any{"aud": []string{"https://kubernetes.default.svc"}}, source: FromKubernetes, want: "serviceAccountToken: audience: " + aud},
		{name: "circleci aud", change: map[string]any{"aud": "org-id"}, source: FromCircleCI, want: "$CIRCLE_OIDC_TOKEN"},
		{name: "no aud", change: map[string]any{"aud": nil}, source: "env", want: "it has no aud"},
		{name: "behind a port-forward", change: map[string]any{"aud": "https://public.example/oauth2/token"}, source: "env", discover: "https://public.example/oauth2/token"},
		{name: "no jti", change: map[string]any{"jti": nil}, want: "oauth2.grant.jwt.jti_optional: true. Ask the issuer for tokens with a jti, or set that option in Hydra's configuration (a jti is what makes an assertion single-use), or, if Hydra sets it, pass --jti-optional"},
		{name: "no iat", change: map[string]any{"iat": nil}, want: "oauth2.grant.jwt.iat_optional: true. Ask the issuer for tokens with an iat, or set that option in Hydra's configuration, or, if Hydra sets it, pass --iat-optional"},
		{name: "no jti, --jti-optional", change: map[string]any{"jti": nil}, opts: Options{JTIOptional: true}},
		{name: "no iat, --iat-optional", change: map[string]any{"iat": nil}, opts: Options{IATOptional: true}},
		{name: "neither, both flags", change: map[string]any{"jti": nil, "iat": nil}, opts: Options{JTIOptional: true, IATOptional: true}},
		{name: "no iat, --jti-optional only", change: map[string]any{"iat": nil}, opts: Options{JTIOptional: true}, want: "pass --iat-optional"},
		{name: "no jti, --iat-optional only", change: map[string]any{"jti": nil}, opts: Options{IATOptional: true}, want: "pass --jti-optional"},
		{name: "no jti, --jti-optional, expired", change: map[string]any{"jti": nil, "exp": now.Unix()}, opts: Options{JTIOptional: true}, want: "expired at"},
		{name: "no exp", change: map[string]any{"exp": nil}, want: "no exp"},
		{name: "expired", change: map[string]any{"exp": now.Unix()}, want: "expired at 2027-01-15T08:00:00Z"},
		{name: "nbf ahead", change: map[string]any{"nbf": now.Unix() + 3600}, want: "its nbf is 2027-01-15T09:00:00Z"},
		{name: "iat ahead within skew", change: map[string]any{"iat": now.Unix() + 30}},
		{name: "iat ahead", change: map[string]any{"iat": now.Unix() + 600}, want: "not valid yet"},
		{name: "over max_ttl", change: map[string]any{"exp": now.Add(721 * time.Hour).Unix()}, warning: "max_ttl (720h)"},
		// Hydra measures exp from iat: an old iat makes a near exp too far.
		{name: "over max_ttl from iat", change: map[string]any{"iat": now.Add(-700 * time.Hour).Unix(), "exp": now.Add(30 * time.Hour).Unix()}, warning: "730h0m0s after its iat"},
		{name: "within max_ttl from iat", change: map[string]any{"iat": now.Add(-10 * time.Hour).Unix(), "exp": now.Add(700 * time.Hour).Unix()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			for k, v := range tc.change {
				if v == nil {
					delete(c, k)
				} else {
					c[k] = v
				}
			}
			discover := func() string { return tc.discover }
			o := tc.opts
			warnings, err := o.checkAssertion(unsigned(c), tc.source, aud, discover, now)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if got := strings.Join(warnings, "\n"); (tc.warning == "") != (got == "") || !strings.Contains(got, tc.warning) {
				t.Errorf("warnings %q, want %q", got, tc.warning)
			}
		})
	}
}

func TestRotationAdvice(t *testing.T) {
	iat := time.Unix(1_800_000_000, 0).UTC()
	a := unsigned(map[string]any{"iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix()})
	got := rotationAdvice(a, "/var/run/secrets/tokens/hydra-token", iat.Add(10*time.Minute))
	for _, want := range []string{"/var/run/secrets/tokens/hydra-token", "at 2027-01-15T08:48:00Z", "38m0s from now", "--cache"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

func TestSpentRecord(t *testing.T) {
	home := t.TempDir()
	r := openSpent(func(k string) string { return map[string]string{"XDG_CACHE_HOME": home}[k] })
	now := time.Now()
	a := unsigned(map[string]any{"iss": "i", "jti": "j", "exp": now.Add(time.Hour).Unix()})
	if _, ok := r.spentAt(a, now); ok {
		t.Fatal("spent before being recorded")
	}
	old := unsigned(map[string]any{"iss": "i", "jti": "old", "exp": now.Add(time.Second).Unix()})
	if err := r.add(old, now); err != nil {
		t.Fatal(err)
	}
	if err := r.add(a, now.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if at, ok := r.spentAt(a, now); !ok || at.Sub(now.Add(2*time.Second)).Abs() > time.Millisecond {
		t.Fatalf("spentAt %v %v", at, ok)
	}
	if _, ok := r.spentAt(unsigned(map[string]any{"iss": "other", "jti": "j", "exp": now.Add(time.Hour).Unix()}), now); ok {
		t.Fatal("the same jti of another issuer counts as spent")
	}
	p := filepath.Join(home, "hydra", SpentFile)
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", fi, err)
	}
	raw, _ := os.ReadFile(p)
	if strings.Count(string(raw), "spent_at") != 1 || strings.Contains(string(raw), `"j"`) {
		t.Errorf("the expired entry is not pruned, or the jti is stored: %s", raw)
	}
	// No jti (--jti-optional), nothing to record, and no replay.
	noJTI := unsigned(map[string]any{"iss": "i", "exp": now.Add(time.Hour).Unix()})
	if spentID(noJTI) != "" {
		t.Error("an assertion without jti has a record ID")
	}
	if err := r.add(noJTI, now); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.spentAt(noJTI, now); ok {
		t.Error("an assertion without jti counts as spent")
	}
	if raw2, _ := os.ReadFile(p); string(raw2) != string(raw) {
		t.Errorf("an assertion without jti changed the record: %s", raw2)
	}
	// Nor on a machine without a record.
	fresh := openSpent(func(k string) string { return map[string]string{"XDG_CACHE_HOME": t.TempDir()}[k] })
	if err := fresh.add(noJTI, now); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(fresh.path), SpentFile)); err == nil {
		t.Error("an assertion without jti created the record")
	}
}

func TestDetect(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  map[string]string
		file string
		want string
	}{
		{env: map[string]string{EnvGitHubRequestURL: "u", EnvGitLabCI: "true", DefaultGitLabVariable: "t"}, want: FromGitHubActions},
		{env: map[string]string{EnvGitLabCI: "true", DefaultGitLabVariable: "t", EnvCircleCI: "true"}, want: FromGitLab},
		{env: map[string]string{EnvGitLabCI: "true", EnvCircleCI: "true"}, want: FromCircleCI},
		{env: map[string]string{EnvKubernetesHost: "10.0.0.1"}, file: file, want: FromKubernetes},
		{env: map[string]string{EnvKubernetesHost: "10.0.0.1"}, file: file + ".missing", want: "found no CI identity token"},
		{env: map[string]string{}, want: "GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL set), GitLab CI (GITLAB_CI and HYDRA_ID_TOKEN set)"},
	} {
		o := &Options{AssertionFile: tc.file, Factory: &cmdutil.Factory{Getenv: func(k string) string { return tc.env[k] }}}
		got, err := o.detect()
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}
