package jwtbearer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// The --assertion-from values besides FromGitHubActions.
const (
	// FromGitLab reads the variable that a GitLab CI job's id_tokens
	// define: --assertion-env, or DefaultGitLabVariable.
	FromGitLab = "gitlab"
	// FromCircleCI runs "circleci run oidc get" for the token URL.
	FromCircleCI = "circleci"
	// FromKubernetes reads a projected service account token file:
	// --assertion-file, or DefaultKubernetesFile.
	FromKubernetes = "kubernetes"
	// FromAuto detects which of the above the job runs in.
	FromAuto = "auto"
	// FromBuildkite is refused: see buildkiteRefusal.
	FromBuildkite = "buildkite"
)

// Defaults of the sources, and the variables that auto detects them by.
const (
	// DefaultGitLabVariable is the id_tokens name that docs/secretless-ci.md
	// uses.
	DefaultGitLabVariable = "HYDRA_ID_TOKEN"
	// DefaultKubernetesFile is where docs/secretless-ci.md's CronJob
	// projects the service account token: the volume's mountPath
	// /var/run/secrets/tokens, and its path hydra-token.
	DefaultKubernetesFile = "/var/run/secrets/tokens/hydra-token"

	EnvGitLabCI       = "GITLAB_CI"
	EnvCircleCI       = "CIRCLECI"
	EnvKubernetesHost = "KUBERNETES_SERVICE_HOST"

	// circleCITimeout bounds a run of the circleci command.
	circleCITimeout = 30 * time.Second
)

// sources are the --assertion-from values, in the order of --help.
var sources = []string{FromGitHubActions, FromGitLab, FromCircleCI, FromKubernetes, FromAuto}

// buildkiteRefusal says why --assertion-from buildkite is refused.
func buildkiteRefusal() error {
	return cmdutil.FlagErrorf("--assertion-from %s is not supported: Buildkite signs the identity tokens of every organisation with one issuer (https://agent.buildkite.com), and Hydra trusts either one exact subject or every subject of an issuer, so trusting Buildkite's issuer for any subject would trust every Buildkite organisation's jobs. Pin exact subjects with 'hydra trust sync --subject' and pass the token with --assertion-env, or use a client secret", FromBuildkite)
}

// detect settles --assertion-from auto: the first CI system whose
// environment is there, in the order of --help. It returns the source, or
// an error listing what it looked for.
func (o *Options) detect() (string, error) {
	getenv := o.Factory.Getenv
	if getenv(EnvGitHubRequestURL) != "" {
		return FromGitHubActions, nil
	}
	if getenv(EnvGitLabCI) != "" && getenv(o.gitLabVariable()) != "" {
		return FromGitLab, nil
	}
	if getenv(EnvCircleCI) != "" {
		return FromCircleCI, nil
	}
	if getenv(EnvKubernetesHost) != "" {
		if _, err := os.Stat(o.kubernetesFile()); err == nil {
			return FromKubernetes, nil
		}
	}
	return "", fmt.Errorf("--assertion-from %s found no CI identity token; it looked for: GitHub Actions (%s set), GitLab CI (%s and %s set), CircleCI (%s set), Kubernetes (%s set and the file %s). Pass --assertion-from with one of %s, or --assertion-env or --assertion-file",
		FromAuto, EnvGitHubRequestURL, EnvGitLabCI, o.gitLabVariable(), EnvCircleCI, EnvKubernetesHost, o.kubernetesFile(), strings.Join(sources[:4], ", "))
}

func (o *Options) gitLabVariable() string {
	if o.AssertionEnv != "" {
		return o.AssertionEnv
	}
	return DefaultGitLabVariable
}

func (o *Options) kubernetesFile() string {
	if o.AssertionFile != "" {
		return o.AssertionFile
	}
	return DefaultKubernetesFile
}

// circleCIToken runs "circleci run oidc get --claims {"aud": audience}",
// which prints the job's identity token. ($CIRCLE_OIDC_TOKEN has the
// organisation's ID as aud, which Hydra refuses.) The command's stdout is
// never shown: it is the token.
func circleCIToken(ctx context.Context, audience string) (string, error) {
	claims := fmt.Sprintf(`{"aud":%q}`, audience)
	ctx, cancel := context.WithTimeout(ctx, circleCITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "circleci", "run", "oidc", "get", "--claims", claims)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if errors.Is(err, exec.ErrNotFound) {
		return "", fmt.Errorf("--assertion-from %s: the circleci command is not on PATH: it is in CircleCI's machine and Docker convenience images; elsewhere, install CircleCI's CLI", FromCircleCI)
	}
	if err != nil {
		msg := strings.TrimSpace(printer.Printable(limit(stderr.String(), 2000)))
		if msg == "" {
			msg = "(nothing on stderr)"
		}
		why := err.Error()
		if ctx.Err() == context.DeadlineExceeded {
			why = fmt.Sprintf("no answer within %s", circleCITimeout)
		}
		return "", fmt.Errorf("--assertion-from %s: 'circleci run oidc get --claims %s' failed (%s): %s\nIt works only inside a CircleCI job of a project with OIDC tokens", FromCircleCI, claims, why, msg)
	}
	return stdout.String(), nil
}

func limit(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
