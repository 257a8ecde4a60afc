package parity

func init() {
	caseSets = append(caseSets, caseSet{name: "flags before the subcommand", cases: flagCases, known: flagCasesKnown})
}

// flagCases put the flags without a value that Hydra's CLIs take on a
// group (its persistent flags: ory/x cmdx's -q and --skip-tls-verify on
// every v2 verb, v1's --skip-tls-verify and --fake-tls-termination on
// token, clients and keys) before the subcommand, where cobra once took
// the subcommand's name for the flag's value (issue 24, point 7).
func flagCases() []pcase {
	var cs []pcase
	add := func(c ...pcase) { cs = append(cs, c...) }
	add(v2("get", "-q", "oauth2-client", "-e", "{admin}", "{client}"))
	add(v2("get", "--skip-tls-verify", "oauth2-client", "-e", "{admin}", "{client}"))
	add(v2("get", "--quiet", "--skip-tls-verify", "oauth2-client", "-e", "{admin}", "{client}"))
	add(v2("introspect", "-q", "token", "-e", "{admin}", "{token}"))
	add(v2("delete", "-q", "oauth2-client", "-e", "{admin}", "{new-client}"))
	add(v2("delete", "--skip-tls-verify", "access-tokens", "-e", "{admin}", "{new-client}"))
	add(v2("revoke", "-q", "token", "-e", "{public}", "--client-id", "{client}", "--client-secret", "{secret}", "{new-token}"))
	add(v2("perform", "-q", "client-credentials", "-e", "{public}", "--client-id", "{client}", "--client-secret", "{secret}"))
	add(v2("create", "-q", "--skip-tls-verify", "oauth2-client", "-e", "{admin}", "--grant-type", "client_credentials"))
	// Flags with a value worked there already; they stay working.
	add(v2("get", "-e", "{admin}", "--format", "json", "oauth2-client", "{client}"))
	add(v2("get", "-H", "X-Parity: 1", "-q", "oauth2-client", "-e", "{admin}", "{client}"))
	add(v1("token", "--fail-after", "1m", "--fake-tls-termination", "delete", "--endpoint", "{admin}", "--client-id", "{new-client}"))
	add(v1("token", "--skip-tls-verify", "delete", "--endpoint", "{admin}", "--client-id", "{new-client}"))
	add(v1("token", "--fake-tls-termination", "--skip-tls-verify", "revoke", "--endpoint", "{public}", "--client-id", "{client}", "--client-secret", "{secret}", "{new-token}"))
	add(v1("token", "--fake-tls-termination", "flush", "--endpoint", "{admin}"))
	add(v1("token", "--skip-tls-verify", "introspect", "--endpoint", "{admin}", "{token}"))
	add(v1("clients", "--fake-tls-termination", "list", "--endpoint", "{admin}"))
	add(v1("clients", "--skip-tls-verify", "get", "--endpoint", "{admin}", "{client}"))
	add(v1("keys", "--skip-tls-verify", "--fake-tls-termination", "get", "--endpoint", "{admin}", "{new-set}"))
	return cs
}

// flagCasesKnown are the cases of flagCases whose output does not match
// Hydra's CLI yet (issue 24); see knownDifferences. Each differs by the
// output of its subcommand, which its own area's cases list too (v1's
// token introspect, clients get and list, keys get), not by the flag: the
// flag is accepted, and the exit status is Hydra's.
var flagCasesKnown = []string{}

func init() {
	// keys get prints this tool's own output under both spellings, with
	// or without flags before the verb: the same intentional difference.
	intentional["v1.11.10 keys --skip-tls-verify --fake-tls-termination get --endpoint {admin} {new-set}"] = intentional["v1.11.10 keys get --endpoint {admin} {new-set}"]
}
