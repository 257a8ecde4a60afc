package parity

func init() {
	caseSets = append(caseSets, caseSet{name: "v1 clients", cases: v1ClientCases, known: v1ClientCasesKnown})
}

// v1ClientCases are Hydra v1.11.10's `clients` commands.
func v1ClientCases() []pcase {
	var cs []pcase
	add := func(c ...pcase) { cs = append(cs, c...) }
	add(v1("clients", "get", "--endpoint", "{admin}", "{client}"))
	add(v1("clients", "list", "--endpoint", "{admin}"))
	add(v1("clients", "create", "--endpoint", "{admin}", "-g", "client_credentials", "-n", "Made"))
	add(v1("clients", "update", "--endpoint", "{admin}", "{new-client}", "-g", "client_credentials", "-n", "Updated"))
	add(v1("clients", "delete", "--endpoint", "{admin}", "{new-client}"))
	add(v1("clients", "import", "--endpoint", "{admin}", "{clients-file}"))
	return cs
}

// v1ClientCasesKnown are the cases of v1ClientCases whose output does not match Hydra's
// CLI yet (issue 24); see knownDifferences.
var v1ClientCasesKnown = []string{
	"v1.11.10 clients create --endpoint {admin} -g client_credentials -n Made",
	"v1.11.10 clients update --endpoint {admin} {new-client} -g client_credentials -n Updated",
	"v1.11.10 clients delete --endpoint {admin} {new-client}",
	"v1.11.10 clients import --endpoint {admin} {clients-file}",
	"v1.11.10 clients get --endpoint {admin} {client}",
	"v1.11.10 clients list --endpoint {admin}",
}
