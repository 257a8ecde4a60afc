package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/oidcissuer"
)

// The subjects each CI system writes (issue 26).
const (
	gitLabSubject     = "project_path:octo-group/app:ref_type:branch:ref:main"
	circleCISubject   = "org/0f1e2d3c/project/4b5a6978/user/8a7b6c5d"
	kubernetesSubject = "system:serviceaccount:deploy:hydra-cron"
)

// gitLabClaims are the claims of a GitLab CI id_token for aud.
func gitLabClaims(aud string) map[string]any {
	return map[string]any{"sub": gitLabSubject, "aud": aud, "namespace_path": "octo-group", "project_path": "octo-group/app",
		"ref": "main", "ref_type": "branch", "ref_protected": "true", "pipeline_source": "push", "nbf": time.Now().Add(-5 * time.Second).Unix()}
}

// kubernetesClaims are those of a projected service account token for aud,
// issued at iat and living life.
func kubernetesClaims(aud string, iat time.Time, life time.Duration) map[string]any {
	return map[string]any{"sub": kubernetesSubject, "aud": []string{aud}, "iat": iat.Unix(), "nbf": iat.Unix(), "exp": iat.Add(life).Unix(),
		"kubernetes.io": map[string]any{"namespace": "deploy", "serviceaccount": map[string]any{"name": "hydra-cron", "uid": "0b0c"}}}
}

// circleCIClaims are those of "circleci run oidc get" for aud.
func circleCIClaims(aud string) map[string]any {
	return map[string]any{"sub": circleCISubject, "aud": aud, "oidc.circleci.com/project-id": "4b5a6978", "oidc.circleci.com/context-ids": []string{}}
}

// fakeCircleCI puts on PATH a "circleci" that answers only "run oidc get
// --claims {"aud":"<want>"}", with the next of tokens (one per call), and
// fails with a message on stderr otherwise. It returns the PATH.
func fakeCircleCI(t *testing.T, wantAud string, tokens ...string) string {
	t.Helper()
	dir := t.TempDir()
	queue := filepath.Join(dir, "queue")
	if err := os.Mkdir(queue, 0o700); err != nil {
		t.Fatal(err)
	}
	for i, tok := range tokens {
		if err := os.WriteFile(filepath.Join(queue, string(rune('a'+i))), []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	script := `#!/bin/sh
if [ "$1 $2 $3 $4" != "run oidc get --claims" ] || [ "$5" != '{"aud":"` + wantAud + `"}' ]; then
  echo "Error: this fake circleci was called with: $*" >&2
  exit 3
fi
next=$(ls "` + queue + `" | head -n 1)
if [ -z "$next" ]; then
  echo "Error: failed to get an OIDC token: project has no OIDC tokens left" >&2
  exit 1
fi
cat "` + queue + `/$next"
rm -f "` + queue + `/$next"
`
	if err := os.WriteFile(filepath.Join(dir, "circleci"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// ciTrust trusts iss for each CI's subject, and returns the public client's
// environment.
func ciTrust(t *testing.T) (*oidcissuer.Issuer, string, map[string]string) {
	t.Helper()
	iss, c, env := secretlessCI(t)
	for _, sub := range []string{gitLabSubject, circleCISubject, kubernetesSubject} {
		if res, _ := trustSync(t, "--issuer", iss.URL, "--subject", sub, "--scope", "deploy"); res.count("create") != 1 {
			t.Fatalf("trust sync for %s: %+v", sub, res)
		}
	}
	return iss, c.ClientID, env
}

func TestJWTBearerCISources(t *testing.T) {
	iss, clientID, env := ciTrust(t)
	kid := iss.KIDs()[0]

	t.Run("gitlab", func(t *testing.T) {
		e := copyEnv(env)
		e["HYDRA_ID_TOKEN"] = iss.SignWith(kid, gitLabClaims(tokenURL()))
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab", "--scope", "deploy")
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), clientID, gitLabSubject)

		// Another variable, named by --assertion-env.
		e["DEPLOY_ID_TOKEN"] = iss.SignWith(kid, gitLabClaims(tokenURL()))
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab", "--assertion-env", "DEPLOY_ID_TOKEN")
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), clientID, gitLabSubject)

		// No variable: the id_tokens block to add.
		delete(e, "HYDRA_ID_TOKEN")
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab")
		r.wantCode(t, 1)
		r.wantStderr(t, "HYDRA_ID_TOKEN is empty or not set", "id_tokens: HYDRA_ID_TOKEN: aud: "+tokenURL())
	})

	t.Run("circleci", func(t *testing.T) {
		e := copyEnv(env)
		e["PATH"] = fakeCircleCI(t, tokenURL(), iss.SignWith(kid, circleCIClaims(tokenURL())))
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "circleci", "--scope", "deploy")
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), clientID, circleCISubject)

		// The command fails: its stderr is reported.
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "circleci")
		r.wantCode(t, 1)
		r.wantStderr(t, "circleci run oidc get --claims", "exit status 1", "project has no OIDC tokens left")

		// Asked for --assertion-audience, which the fake refuses: its
		// stderr names the arguments.
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "circleci", "--assertion-audience", "https://other.example/oauth2/token")
		r.wantCode(t, 1)
		r.wantStderr(t, "exit status 3", `this fake circleci was called with: run oidc get --claims {"aud":"https://other.example/oauth2/token"}`)

		// No circleci on PATH.
		e["PATH"] = t.TempDir()
		r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "circleci")
		r.wantCode(t, 1)
		r.wantStderr(t, "the circleci command is not on PATH")
	})

	t.Run("kubernetes", func(t *testing.T) {
		file := writeSecretFile(t, "hydra-token", iss.SignWith(kid, kubernetesClaims(tokenURL(), time.Now().Add(-10*time.Second), time.Hour)))
		r := run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-from", "kubernetes", "--assertion-file", file, "--scope", "deploy")
		r.wantCode(t, 0)
		wantSubject(t, r.oneLine(t), clientID, kubernetesSubject)

		// The default path is named when it is not there.
		r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-from", "kubernetes")
		r.wantCode(t, 1)
		r.wantStderr(t, "/var/run/secrets/tokens/hydra-token", "serviceAccountToken")
	})

	t.Run("buildkite", func(t *testing.T) {
		r := run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-from", "buildkite")
		r.wantCode(t, 2)
		r.wantStderr(t, "one issuer", "every Buildkite organisation")
	})
}

func TestJWTBearerAuto(t *testing.T) {
	iss, clientID, env := ciTrust(t)
	kid := iss.KIDs()[0]
	// The CI variables of the machine that runs the tests are not passed:
	// run.hydra passes only PATH and HOME.

	e := copyEnv(env)
	e["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("req", ciSubject)
	e["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "req"
	e["GITLAB_CI"], e["HYDRA_ID_TOKEN"] = "true", iss.SignWith(kid, gitLabClaims(tokenURL()))
	r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "auto")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), clientID, ciSubject) // GitHub first

	delete(e, "ACTIONS_ID_TOKEN_REQUEST_URL")
	e["CIRCLECI"] = "true"
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "auto")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), clientID, gitLabSubject) // then GitLab

	delete(e, "GITLAB_CI")
	e["PATH"] = fakeCircleCI(t, tokenURL(), iss.SignWith(kid, circleCIClaims(tokenURL())))
	e["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "auto")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), clientID, circleCISubject) // then CircleCI

	delete(e, "CIRCLECI")
	file := writeSecretFile(t, "hydra-token", iss.SignWith(kid, kubernetesClaims(tokenURL(), time.Now(), time.Hour)))
	r = run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "auto", "--assertion-file", file)
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), clientID, kubernetesSubject) // then Kubernetes

	// Nothing found: what was looked for.
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-from", "auto")
	r.wantCode(t, 1)
	r.wantStderr(t, "found no CI identity token", "ACTIONS_ID_TOKEN_REQUEST_URL", "GITLAB_CI and HYDRA_ID_TOKEN", "CIRCLECI", "KUBERNETES_SERVICE_HOST set and the file /var/run/secrets/tokens/hydra-token")
}

// TestJWTBearerLocalChecks: each refusal known in advance is said before
// anything is sent: HYDRA_URL names a port where nothing listens, so that
// an error about the assertion proves it was not sent.
func TestJWTBearerLocalChecks(t *testing.T) {
	iss := startIssuer(t)
	kid := iss.KIDs()[0]
	dead := "http://127.0.0.1:1"
	deadToken := dead + "/oauth2/token"
	env := map[string]string{"HYDRA_URL": dead, "OAUTH2_CLIENT_ID": "ci"}
	now := time.Now()
	check := func(t *testing.T, args []string, assertion string, want ...string) {
		t.Helper()
		e := copyEnv(env)
		e["HYDRA_ID_TOKEN"] = assertion
		r := run{Env: e}.hydra(t, append([]string{"token", "jwt-bearer"}, args...)...)
		r.wantCode(t, 1)
		r.wantStderr(t, want...)
		if strings.Contains(r.Stderr, "connection refused") {
			t.Errorf("the assertion was sent:\n%s", r.Stderr)
		}
		r.wantNoLeak(t, assertion)
	}
	gitlab := []string{"--assertion-from", "gitlab"}
	env2 := []string{"--assertion-env", "HYDRA_ID_TOKEN"}

	t.Run("aud", func(t *testing.T) {
		a := iss.SignWith(kid, gitLabClaims("https://gitlab.example"))
		check(t, gitlab, a, "the assertion is for another audience", `its aud is "https://gitlab.example"`, "id_tokens: HYDRA_ID_TOKEN: aud: "+deadToken)
		file := writeSecretFile(t, "tok", iss.SignWith(kid, kubernetesClaims("https://kubernetes.default.svc", now, time.Hour)))
		e := copyEnv(env)
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "kubernetes", "--assertion-file", file)
		r.wantCode(t, 1)
		r.wantStderr(t, "serviceAccountToken: audience: "+deadToken)
		check(t, env2, a, "Ask the issuer for a token with aud "+deadToken, "--assertion-audience")
	})
	t.Run("jti and iat", func(t *testing.T) {
		c := gitLabClaims(deadToken)
		c["jti"] = nil
		check(t, gitlab, iss.SignWith(kid, c), "no jti", "oauth2.grant.jwt.jti_optional")
		c = gitLabClaims(deadToken)
		c["iat"] = nil
		check(t, gitlab, iss.SignWith(kid, c), "no iat", "oauth2.grant.jwt.iat_optional")
	})
	t.Run("expired and not yet valid", func(t *testing.T) {
		c := gitLabClaims(deadToken)
		c["iat"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
		check(t, gitlab, iss.SignWith(kid, c), "the assertion has expired", time.Unix(now.Add(-time.Hour).Unix(), 0).UTC().Format(time.RFC3339))
		c = gitLabClaims(deadToken)
		c["nbf"] = now.Add(time.Hour).Unix()
		check(t, gitlab, iss.SignWith(kid, c), "not valid yet", "its nbf is")
	})
	t.Run("lifetime over max_ttl", func(t *testing.T) {
		// A warning, not a refusal: Hydra's max_ttl may be longer. The
		// request then goes out (and finds nothing at the dead port).
		c := gitLabClaims(deadToken)
		c["exp"] = now.Add(800 * time.Hour).Unix()
		e := copyEnv(env)
		e["HYDRA_ID_TOKEN"] = iss.SignWith(kid, c)
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab")
		r.wantCode(t, 1)
		r.wantStderr(t, "warning: the assertion expires at", "oauth2.grant.jwt.max_ttl (720h)", "connection refused")
	})
}

// TestJWTBearerReplays: an assertion spent here is refused locally, saying
// when; with --cache, the token it bought is returned instead (GitLab's
// multi-step job); a Kubernetes token file read again names the rotation.
func TestJWTBearerReplays(t *testing.T) {
	iss, clientID, env := ciTrust(t)
	kid := iss.KIDs()[0]

	t.Run("record", func(t *testing.T) {
		home := t.TempDir()
		e := copyEnv(env)
		e["XDG_CACHE_HOME"] = home
		e["HYDRA_ID_TOKEN"] = iss.SignWith(kid, gitLabClaims(tokenURL()))
		run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab").wantCode(t, 0)
		rec := filepath.Join(home, "hydra", "spent-assertions.json")
		fi, err := os.Stat(rec)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("the record: %v %v", fi, err)
		}
		raw, _ := os.ReadFile(rec)
		if strings.Contains(string(raw), e["HYDRA_ID_TOKEN"][:20]) || strings.Contains(string(raw), gitLabSubject) {
			t.Errorf("the record holds the assertion or its claims: %s", raw)
		}
		r := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab")
		r.wantCode(t, 1)
		r.wantStderr(t, "the assertion was already used: this machine spent it at "+time.Now().UTC().Format("2006-01-02T"), "--cache")
		if strings.Contains(r.Stderr, "jti_known") {
			t.Errorf("the replay went to Hydra:\n%s", r.Stderr)
		}

		// An expired entry is pruned when the next one is recorded.
		c := gitLabClaims(tokenURL())
		c["exp"] = time.Now().Add(3 * time.Second).Unix()
		e["HYDRA_ID_TOKEN"] = iss.SignWith(kid, c)
		run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab").wantCode(t, 0)
		time.Sleep(4 * time.Second)
		e["HYDRA_ID_TOKEN"] = iss.SignWith(kid, gitLabClaims(tokenURL()))
		run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab").wantCode(t, 0)
		raw, _ = os.ReadFile(rec)
		if n := strings.Count(string(raw), "spent_at"); n != 2 {
			t.Errorf("%d entries after pruning, want 2: %s", n, raw)
		}
	})

	t.Run("gitlab two steps with --cache", func(t *testing.T) {
		e := copyEnv(env)
		e["XDG_CACHE_HOME"] = t.TempDir()
		e["HYDRA_ID_TOKEN"] = iss.SignWith(kid, gitLabClaims(tokenURL()))
		step1 := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab", "--scope", "deploy", "--cache")
		step1.wantCode(t, 0)
		step2 := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab", "--scope", "deploy", "--cache")
		step2.wantCode(t, 0)
		if step2.oneLine(t) != step1.oneLine(t) {
			t.Fatal("step 2 did not get step 1's token")
		}
		wantSubject(t, step2.oneLine(t), clientID, gitLabSubject)
		// Even when the token has less left than --min-ttl asks: the
		// assertion cannot buy another.
		step3 := run{Env: e}.hydra(t, "token", "jwt-bearer", "--assertion-from", "gitlab", "--scope", "deploy", "--cache", "--min-ttl", "100h")
		step3.wantCode(t, 0)
		if step3.oneLine(t) != step1.oneLine(t) {
			t.Fatal("step 3 did not get step 1's token")
		}
		step3.wantStderr(t, "less than --min-ttl asks", "already spent here at")
	})

	t.Run("kubernetes rotation", func(t *testing.T) {
		iat := time.Now().Add(-time.Minute).Truncate(time.Second)
		file := writeSecretFile(t, "hydra-token", iss.SignWith(kid, kubernetesClaims(tokenURL(), iat, time.Hour)))
		rotation := iat.Add(48 * time.Minute).UTC().Format(time.RFC3339)
		args := []string{"token", "jwt-bearer", "--assertion-from", "kubernetes", "--assertion-file", file}
		e := copyEnv(env)
		e["XDG_CACHE_HOME"] = t.TempDir()
		run{Env: e}.hydra(t, args...).wantCode(t, 0)

		// Read again on this machine: refused here.
		r := run{Env: e}.hydra(t, args...)
		r.wantCode(t, 1)
		r.wantStderr(t, "this machine spent it", "The kubelet has not rotated "+file+" yet", "at "+rotation, "80% of its lifetime", "--cache")

		// Read again in another pod (no record): Hydra's jti_known, with
		// the same explanation.
		other := copyEnv(env)
		other["XDG_CACHE_HOME"] = t.TempDir()
		r = run{Env: other}.hydra(t, args...)
		r.wantCode(t, 1)
		r.wantStderr(t, "jti_known", "The kubelet has not rotated "+file+" yet", "at "+rotation, "--cache")
	})
}
