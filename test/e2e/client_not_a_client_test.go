package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A document that is not a client (a JWK set, a lone JWK, {} or an object
// with no client field) is refused by client import and client create
// --file, and nothing is created. Before, Hydra made a default
// authorization_code client with a generated secret from each, with exit 0
// and only "unknown field" warnings.
func TestClientImportRefusesADocumentThatIsNotAClient(t *testing.T) {
	docs := map[string]string{
		"jwks":     `{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"k1"}]}`,
		"jwk":      `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`,
		"empty":    `{}`,
		"foo":      `{"foo":1}`,
		"in-array": `[{"client_name":"not-a-client-e2e","grant_types":["client_credentials"]},{"foo":1}]`,
	}
	before := clientIDs(t)
	dir := t.TempDir()
	for name, doc := range docs {
		file := filepath.Join(dir, name+".json")
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, argv := range [][]string{{"client", "import", file}, {"client", "create", "--file", file}, {"create", "oauth2-client", "--file", file}} {
			r := hydra(t, argv...)
			r.wantCode(t, 1)
			r.wantStderr(t, "is not an OAuth 2.0 client")
			r.assertClean(t)
			if r.Stdout != "" {
				t.Errorf("%s of %s: stdout %q", strings.Join(argv, " "), name, r.Stdout)
			}
		}
	}
	if after := clientIDs(t); len(after) != len(before) {
		t.Errorf("%d clients before, %d after: something was created", len(before), len(after))
	}
}

func clientIDs(t *testing.T) []string {
	t.Helper()
	r := hydra(t, "client", "list", "-q")
	r.wantCode(t, 0)
	return strings.Fields(r.Stdout)
}
