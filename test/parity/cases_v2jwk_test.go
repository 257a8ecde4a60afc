package parity

func init() {
	caseSets = append(caseSets, caseSet{name: "v2 JSON Web Keys", cases: v2JWKCases, known: v2JWKCasesKnown})
}

// v2JWKCases are Hydra v2.3.0's commands on JSON Web Key Sets.
func v2JWKCases() []pcase {
	var cs []pcase
	add := func(c ...pcase) { cs = append(cs, c...) }
	add(formats(v2, []string{"delete", "jwk", "-e", "{admin}", "{new-set}"}, "-q")...)
	add(formats(v2, []string{"get", "jwk", "-e", "{admin}", "{new-set}"}, "-q", "jsonpath=keys.0.kty")...)
	add(formats(v2, []string{"create", "jwk", "-e", "{admin}", "{new-name}", "--alg", "ES256"}, "-q")...)
	return cs
}

// v2JWKCasesKnown are the cases of v2JWKCases whose output does not match Hydra's
// CLI yet (issue 24); see knownDifferences.
var v2JWKCasesKnown = []string{
	"v2.3.0 get jwk -e {admin} {new-set}",
	"v2.3.0 get jwk -e {admin} {new-set} --format table",
	"v2.3.0 get jwk -e {admin} {new-set} --format json",
	"v2.3.0 get jwk -e {admin} {new-set} --format json-pretty",
	"v2.3.0 get jwk -e {admin} {new-set} --format yaml",
	"v2.3.0 get jwk -e {admin} {new-set} -q",
	"v2.3.0 get jwk -e {admin} {new-set} --format jsonpath=keys.0.kty",
	"v2.3.0 create jwk -e {admin} {new-name} --alg ES256",
	"v2.3.0 create jwk -e {admin} {new-name} --alg ES256 --format table",
	"v2.3.0 create jwk -e {admin} {new-name} --alg ES256 --format json",
	"v2.3.0 create jwk -e {admin} {new-name} --alg ES256 --format json-pretty",
	"v2.3.0 create jwk -e {admin} {new-name} --alg ES256 --format yaml",
	"v2.3.0 create jwk -e {admin} {new-name} --alg ES256 -q",
}
