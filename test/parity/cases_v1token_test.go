package parity

func init() {
	caseSets = append(caseSets, caseSet{name: "v1 token and keys", cases: v1TokenCases, known: v1TokenCasesKnown})
}

// v1TokenCases are Hydra v1.11.10's `token` and `keys` commands.
func v1TokenCases() []pcase {
	var cs []pcase
	add := func(c ...pcase) { cs = append(cs, c...) }
	add(v1("token", "introspect", "--endpoint", "{admin}", "{token}"))
	add(v1("token", "client", "--endpoint", "{public}", "--client-id", "{client}", "--client-secret", "{secret}"))
	add(v1("keys", "create", "--endpoint", "{admin}", "{new-name}", "--alg", "ES256"))
	add(v1("keys", "get", "--endpoint", "{admin}", "{new-set}"))
	add(v1("keys", "delete", "--endpoint", "{admin}", "{new-set}"))
	// A PEM without --alg or --use, as v1 takes it; with
	// --default-key-id, v1 stores private:ID and public:ID.
	add(v1("keys", "import", "--endpoint", "{admin}", "{new-name}", ecPrivatePEM))
	add(v1("keys", "import", "--endpoint", "{admin}", "{new-name}", ecPrivatePEM, ecPublicPEM, "--default-key-id", "parity-kid"))
	add(v1("keys", "import", "--endpoint", "{admin}", "{new-name}", ecPrivateJWK))
	add(v1("token", "revoke", "--endpoint", "{public}", "--client-id", "{client}", "--client-secret", "{secret}", "{new-token}"))
	add(v1("token", "delete", "--endpoint", "{admin}", "--client-id", "{new-client}"))
	add(v1("token", "flush", "--endpoint", "{admin}"))
	return cs
}

// v1TokenCasesKnown are the cases of v1TokenCases whose output does not match Hydra's
// CLI yet (issue 24); see knownDifferences.
var v1TokenCasesKnown = []string{}
