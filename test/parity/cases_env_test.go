package parity

import "github.com/hydratoken/hydra/test/hydratest"

func init() {
	caseSets = append(caseSets, caseSet{name: "endpoint variables", cases: envCases, known: envCasesKnown})
}

// envCases name the server through the environment instead of
// --endpoint (issue 24, point 11): Hydra v2's CLI reads ORY_SDK_URL, Hydra
// v1's HYDRA_URL (and HYDRA_ADMIN_URL for clients, keys and token flush;
// token delete's default was HYDRA_URL). This tool reads v1's variables
// first; under v2's spellings, a v1 variable that disagrees with
// ORY_SDK_URL is a usage error (cmdutil.CheckV2Env), an intentional
// difference.
func envCases() []pcase {
	withEnv := func(c pcase, env map[string]string) pcase { c.env = env; return c }
	return []pcase{
		withEnv(v2("get", "oauth2-client", "{client}"), map[string]string{"ORY_SDK_URL": "{admin}"}),
		withEnv(v2("get", "oauth2-client", "{client}"), map[string]string{"ORY_SDK_URL": "{admin}", "HYDRA_ADMIN_URL": "{admin}", "HYDRA_URL": "{public}"}),
		withEnv(v2("get", "oauth2-client", "{client}"), map[string]string{"ORY_SDK_URL": "{admin}", "HYDRA_URL": "{public}"}),
		withEnv(v2("perform", "client-credentials", "--client-id", "{client}", "--client-secret", "{secret}", "-q"), map[string]string{"ORY_SDK_URL": "{public}"}),
		withEnv(v2("perform", "client-credentials", "--client-id", "{client}", "--client-secret", "{secret}", "-q"), map[string]string{"ORY_SDK_URL": "{public}", "HYDRA_URL": "{admin}"}),
		{version: hydratest.HydraV1, args: []string{"token", "delete", "--client-id", "{new-client}"}, env: map[string]string{"HYDRA_URL": "{admin}", "ORY_SDK_URL": "{public}"}},
	}
}

// envCasesKnown are the cases of envCases whose output does not match
// Hydra's CLI yet (issue 24); see knownDifferences.
var envCasesKnown = []string{}
