package shared

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// ParseLifetime parses a lifetime such as 720h, 90m or 30d: a Go duration,
// or a whole number of days, which Go durations lack.
func ParseLifetime(flag, s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if n, err = strconv.Atoi(days); err == nil {
			// A count of days that a Duration cannot hold (some 292
			// years) would wrap around, to minutes or to a negative.
			if n > int(math.MaxInt64/int64(24*time.Hour)) {
				return 0, cmdutil.FlagErrorf("%s %q is too long: at most %dd", flag, s, math.MaxInt64/int64(24*time.Hour))
			}
			d = time.Duration(n) * 24 * time.Hour
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil {
		return 0, cmdutil.FlagErrorf("invalid %s %q: want a duration such as 720h, 90m or 30d", flag, s)
	}
	if d <= 0 {
		return 0, cmdutil.FlagErrorf("%s must be positive", flag)
	}
	return d, nil
}

// ParseExpiresAt parses --expires-at: an RFC 3339 time in the future.
func ParseExpiresAt(s string, now time.Time) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, cmdutil.FlagErrorf("invalid --expires-at %q: want an RFC 3339 time such as 2030-01-01T00:00:00Z", s)
	}
	if !t.After(now) {
		return time.Time{}, cmdutil.FlagErrorf("--expires-at %s is in the past: Hydra would store a relationship that trusts nothing", s)
	}
	return t, nil
}

// multiTenantIssuers are issuers that sign tokens for anyone who has an
// account, a repository or a project with them.
var multiTenantIssuers = map[string]string{
	"token.actions.githubusercontent.com": "any GitHub repository's workflow",
	"gitlab.com":                          "any gitlab.com project's CI job",
	"accounts.google.com":                 "any Google account or service account",
	"app.terraform.io":                    "any HCP Terraform workspace",
	"agent.buildkite.com":                 "any Buildkite pipeline",
	"oidc.circleci.com":                   "any CircleCI project",
	"sts.windows.net":                     "any Microsoft Entra tenant's workloads",
	"login.microsoftonline.com":           "any Microsoft Entra tenant's workloads",
}

// AnySubjectWarning returns the warning for --allow-any-subject with an
// issuer that signs for many tenants, or "" for other issuers.
func AnySubjectWarning(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	who, ok := multiTenantIssuers[strings.ToLower(u.Hostname())]
	if !ok {
		return ""
	}
	return fmt.Sprintf("warning: --allow-any-subject trusts every token %s signs, and it signs them for %s: any of them could then get tokens from this Hydra. Pin the subject with --subject instead, such as repo:OWNER/REPO:ref:refs/heads/main for GitHub Actions", issuer, who)
}
