package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hydratoken/hydra/test/oidcissuer"
)

// recipes reads the blocks of docs/secretless-ci.md marked
// "<!-- recipe: NAME -->": the fenced block that follows each marker.
func recipes(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "secretless-ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(raw), "\n")
	for i := 0; i < len(lines); i++ {
		name, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), "<!-- recipe: ")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, " -->")
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			t.Fatalf("recipe %q: no fenced block after its marker", name)
		}
		var block []string
		for i += 2; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			block = append(block, lines[i])
		}
		out[name] = strings.Join(block, "\n") + "\n"
	}
	return out
}

// docURLs are the URLs of the recipes, replaced by the test's: each CI's
// issuer by the stand-in's, Hydra's by the test server's.
var docIssuers = []string{
	"https://token.actions.githubusercontent.com",
	"https://gitlab.com",
	"https://oidc.circleci.com/org/0f1e2d3c-4b5a-6978-8a7b-6c5d4e3f2a1b",
	"https://oidc.prod-cluster.example.com",
}

func localize(s, issuer string) string {
	for _, iss := range docIssuers {
		s = strings.ReplaceAll(s, iss, issuer)
	}
	s = strings.ReplaceAll(s, "https://hydra-admin.internal:4445", srv.AdminURL)
	return strings.ReplaceAll(s, "https://hydra.example.com", srv.PublicURL)
}

// sh runs a recipe's shell commands with the hydra under test first on
// PATH, and env.
func sh(t *testing.T, script string, env map[string]string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-e", "-c", script)
	path := filepath.Dir(cli) + string(os.PathListSeparator) + os.Getenv("PATH")
	if p, ok := env["PATH"]; ok {
		path = filepath.Dir(cli) + string(os.PathListSeparator) + p
	}
	cmd.Env = []string{"HOME=" + t.TempDir(), "NO_COLOR=1"}
	for k, v := range env {
		if k != "PATH" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// hydraCalls are the hydra commands of a CI script: the text from "hydra
// token" to the end of the command substitution or line. The rest (curl to
// an API, go install) is not run: the tests talk only to loopback.
var hydraCallRE = regexp.MustCompile(`hydra token [^)\n&|;]*`)

func hydraCalls(script string) []string {
	var out []string
	for _, m := range hydraCallRE.FindAllString(script, -1) {
		out = append(out, strings.TrimSpace(m))
	}
	return out
}

var subjectRE = regexp.MustCompile(`--subject (\S+)`)

// docTrust runs a recipe's trust sync against the stand-in, and returns
// the subject it trusts.
func docTrust(t *testing.T, recipe string, iss *oidcissuer.Issuer) string {
	t.Helper()
	script := localize(recipe, iss.URL)
	r := sh(t, script, map[string]string{"HYDRA_ADMIN_URL": srv.AdminURL})
	r.wantCode(t, 0)
	r.wantStderr(t, "created 1")
	m := subjectRE.FindStringSubmatch(script)
	if m == nil {
		t.Fatalf("no --subject in:\n%s", script)
	}
	return m[1]
}

// runCalls runs each hydra call of a job with env, and returns the last
// access token printed.
func runCalls(t *testing.T, calls []string, env map[string]string) string {
	t.Helper()
	if len(calls) == 0 {
		t.Fatal("the recipe runs no hydra command")
	}
	var token string
	for _, c := range calls {
		r := sh(t, c, env)
		r.wantCode(t, 0)
		if strings.HasPrefix(c, "hydra token jwt-bearer") {
			token = r.oneLine(t)
		}
	}
	return token
}

func yamlDoc(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("the recipe's YAML: %v\n%s", err, s)
	}
	return m
}

// at walks a YAML document by keys and list indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("no %q in %v", k, v)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("no [%d] in %v", k, v)
			}
			v = l[k]
		}
	}
	return v
}

func str(v any) string { return fmt.Sprint(v) }

// TestSecretlessCIRecipes runs each recipe of docs/secretless-ci.md: the
// client it creates, each CI's trust sync with the subject as the CI
// writes it, and the hydra commands of the CI's YAML, with the stand-in
// issuer signing what that CI would hand the job.
func TestSecretlessCIRecipes(t *testing.T) {
	doc := recipes(t)
	for _, name := range []string{"client", "github trust", "github ci", "gitlab trust", "gitlab ci", "circleci trust", "circleci ci", "kubernetes trust", "kubernetes ci"} {
		if doc[name] == "" {
			t.Fatalf("docs/secretless-ci.md has no recipe %q", name)
		}
	}
	r := sh(t, localize(doc["client"], ""), serverEnv())
	r.wantCode(t, 0)
	clientID := r.oneLine(t)

	// jobEnv is the job's environment from the YAML, with the client.
	jobEnv := func(vars map[string]any) map[string]string {
		env := map[string]string{}
		for k, v := range vars {
			env[k] = localize(str(v), "")
		}
		if env["HYDRA_URL"] != srv.PublicURL || !strings.HasPrefix(env["OAUTH2_CLIENT_ID"], "9b1a3f6e") {
			t.Fatalf("the job's environment: %v", env)
		}
		env["OAUTH2_CLIENT_ID"] = clientID
		return env
	}

	t.Run("github", func(t *testing.T) {
		iss := startIssuer(t)
		sub := docTrust(t, doc["github trust"], iss)
		if !strings.HasPrefix(sub, "repo:") {
			t.Fatalf("subject %q", sub)
		}
		wf := yamlDoc(t, doc["github ci"])
		if at(t, wf, "permissions", "id-token") != "write" {
			t.Fatal("the workflow does not grant id-token: write")
		}
		job := at(t, wf, "jobs", "deploy")
		env := jobEnv(at(t, job, "env").(map[string]any))
		env["ACTIONS_ID_TOKEN_REQUEST_URL"] = iss.GitHub("req", sub)
		env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "req"
		var script string
		for _, step := range at(t, job, "steps").([]any) {
			if run, ok := step.(map[string]any)["run"]; ok {
				script += str(run) + "\n"
			}
		}
		wantSubject(t, runCalls(t, hydraCalls(script), env), clientID, sub)
	})

	t.Run("gitlab", func(t *testing.T) {
		iss := startIssuer(t)
		sub := docTrust(t, doc["gitlab trust"], iss)
		if !regexp.MustCompile(`^project_path:[^:]+/[^:]+:ref_type:branch:ref:main$`).MatchString(sub) {
			t.Fatalf("subject %q", sub)
		}
		job := at(t, yamlDoc(t, doc["gitlab ci"]), "deploy")
		env := jobEnv(at(t, job, "variables").(map[string]any))
		env["XDG_CACHE_HOME"] = t.TempDir() // the job's one machine
		env["GITLAB_CI"] = "true"
		aud := localize(str(at(t, job, "id_tokens", "HYDRA_ID_TOKEN", "aud")), "")
		if aud != tokenURL() {
			t.Fatalf("id_tokens aud %q, want the token URL", aud)
		}
		c := gitLabClaims(aud)
		c["sub"] = sub
		env["HYDRA_ID_TOKEN"] = iss.SignWith(iss.KIDs()[0], c)
		var script string
		for _, l := range at(t, job, "script").([]any) {
			script += str(l) + "\n"
		}
		calls := hydraCalls(script)
		if len(calls) < 2 {
			t.Fatalf("the job should show two steps: %v", calls)
		}
		tok := runCalls(t, calls, env) // the second step replays the one ID token: --cache
		wantSubject(t, tok, clientID, sub)
		var after string
		for _, l := range at(t, job, "after_script").([]any) {
			after += str(l) + "\n"
		}
		runCalls(t, hydraCalls(after), env)
		wantActive(t, tok, false)
	})

	t.Run("circleci", func(t *testing.T) {
		iss := startIssuer(t)
		sub := docTrust(t, doc["circleci trust"], iss)
		if !regexp.MustCompile(`^org/[^/]+/project/[^/]+/user/[^/]+$`).MatchString(sub) {
			t.Fatalf("subject %q", sub)
		}
		job := at(t, yamlDoc(t, doc["circleci ci"]), "jobs", "deploy")
		env := jobEnv(at(t, job, "environment").(map[string]any))
		env["CIRCLECI"] = "true"
		c := circleCIClaims(tokenURL())
		c["sub"] = sub
		env["PATH"] = fakeCircleCI(t, tokenURL(), iss.SignWith(iss.KIDs()[0], c))
		var script string
		for _, step := range at(t, job, "steps").([]any) {
			if run, ok := step.(map[string]any)["run"].(map[string]any); ok {
				script += str(run["command"]) + "\n"
			}
		}
		wantSubject(t, runCalls(t, hydraCalls(script), env), clientID, sub)
	})

	t.Run("kubernetes", func(t *testing.T) {
		iss := startIssuer(t)
		sub := docTrust(t, doc["kubernetes trust"], iss)
		var cron map[string]any
		dec := yaml.NewDecoder(strings.NewReader(doc["kubernetes ci"]))
		for {
			var m map[string]any
			if err := dec.Decode(&m); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("the recipe's YAML: %v", err)
			}
			if m["kind"] == "CronJob" {
				cron = m
			}
		}
		if cron == nil {
			t.Fatal("no CronJob in the recipe")
		}
		pod := at(t, cron, "spec", "jobTemplate", "spec", "template", "spec")
		if want := fmt.Sprintf("system:serviceaccount:%s:%s", at(t, cron, "metadata", "namespace"), at(t, pod, "serviceAccountName")); sub != want {
			t.Fatalf("the trust's subject %q is not the CronJob's service account %q", sub, want)
		}
		source := at(t, pod, "volumes", 0, "projected", "sources", 0, "serviceAccountToken")
		if aud := localize(str(at(t, source, "audience")), ""); aud != tokenURL() {
			t.Fatalf("the projected token's audience %q, want the token URL", aud)
		}
		container := at(t, pod, "containers", 0)
		mount := at(t, container, "volumeMounts", 0)
		if p := str(at(t, mount, "mountPath")) + "/" + str(at(t, source, "path")); p != "/var/run/secrets/tokens/hydra-token" {
			t.Fatalf("the token is projected at %s, not at --assertion-from kubernetes's default", p)
		}
		vars := map[string]any{}
		for _, e := range at(t, container, "env").([]any) {
			vars[str(at(t, e, "name"))] = at(t, e, "value")
		}
		env := jobEnv(vars)
		env["XDG_CACHE_HOME"] = t.TempDir()
		env["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
		// The kubelet's file, here where the test can write it.
		c := kubernetesClaims(tokenURL(), time.Now(), time.Duration(at(t, source, "expirationSeconds").(int))*time.Second)
		c["sub"] = sub
		file := writeSecretFile(t, "hydra-token", iss.SignWith(iss.KIDs()[0], c))
		calls := hydraCalls(str(at(t, container, "args", 0)))
		for i := range calls {
			calls[i] += " --assertion-file " + file
		}
		// Two runs of the CronJob within the token's rotation: the second
		// reuses the token, through --cache.
		first := runCalls(t, calls, env)
		wantSubject(t, first, clientID, sub)
		if again := runCalls(t, calls, env); again != first {
			t.Fatal("the second run did not reuse the token")
		}
	})
}
