package parity

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// storedMembersThatDiffer are the members of a stored client that differ
// between any two clients created alike: its ID, the times, and what is
// derived from the ID.
var storedMembersThatDiffer = []string{"client_id", "client_secret", "created_at", "updated_at", "registration_access_token", "registration_client_uri"}

// "create oauth2-client" with no flag but the endpoint stores what Hydra
// v2.3.0's CLI stores: its flags' defaults (issue 24, point 8;
// printer.Style.HydraDefaults). Each CLI creates a client; both are read
// back through the admin API and compared member by member, but for the
// members each creation makes anew. stdout alone would not show it: the
// table leaves most members out.
func TestCreateDefaultsStoreWhatHydraStores(t *testing.T) {
	s := servers[hydratest.HydraVersion]
	for _, c := range []pcase{
		v2("create", "oauth2-client", "-e", "{admin}"),
		v2("create", "oauth2-client", "-e", "{admin}", "--format", "json"),
		// One flag given: the defaults fill in the rest.
		v2("create", "oauth2-client", "-e", "{admin}", "--name", "Made", "--scope", "read"),
	} {
		t.Run(c.name(), func(t *testing.T) {
			theirs := s.storedClient(t, s.bin, c)
			mine := s.storedClient(t, ours, c)
			for _, k := range storedMembersThatDiffer {
				if (theirs[k] == nil) != (mine[k] == nil) {
					t.Errorf("%s: Hydra's CLI stored %s, ours %s", k, short(theirs[k]), short(mine[k]))
				}
				delete(theirs, k)
				delete(mine, k)
			}
			if d := covers(mine, theirs, "$"); d != "" {
				t.Errorf("the stored clients differ: %s", d)
			}
			if d := covers(theirs, mine, "$"); d != "" {
				t.Errorf("ours stores more than Hydra's CLI: %s", d)
			}
		})
	}
}

// clientIDLine is the client's ID in Hydra v2's table, or in its JSON.
var clientIDLine = regexp.MustCompile(`(?m)^CLIENT ID\t+(\S+)|"client_id":\s*"([^"]+)"`)

// storedClient runs c with bin, and returns the client it created as the
// admin API stores it.
func (s *server) storedClient(t *testing.T, bin string, c pcase) map[string]any {
	t.Helper()
	out := s.run(t, bin, c)
	if !out.ok {
		t.Fatalf("%s failed:\n%s%s", bin, out.stdout, out.stderr)
	}
	m := clientIDLine.FindStringSubmatch(out.stdout)
	if m == nil {
		t.Fatalf("no client ID in the output of %s:\n%s", bin, out.stdout)
	}
	id := m[1] + m[2]
	resp, err := s.HTTP.Get(s.AdminURL + s.AdminPrefix() + "/clients/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET client %s: %s %v: %s", id, resp.Status, err, body)
	}
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(fmt.Errorf("client %s: %w", id, err))
	}
	return doc
}
