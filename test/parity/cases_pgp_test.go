package parity

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
	"github.com/hydratoken/hydra/test/hydratest"
)

// pgpMessage is a secret encrypted with --pgp-key, --pgp-key-url or
// --keybase as Hydra v2's CLI prints it: base64 of an ASCII-armored
// OpenPGP message, whose first 36 characters are those of "-----BEGIN PGP
// MESSAGE-----"; and as Hydra v1's prints it, base64 of the binary message
// after its label.
var (
	pgpMessage   = regexp.MustCompile(`LS0tLS1CRUdJTiBQR1AgTUVTU0FHRS0tLS0t[A-Za-z0-9+/]*=*`)
	pgpMessageV1 = regexp.MustCompile(`(OAuth 2.0 Encrypted Client Secret: )[A-Za-z0-9+/]+=*`)
	// padding is the padding at the end of a line of Hydra v2's tables,
	// whose length follows the longest cell: the encrypted secret.
	padding = regexp.MustCompile(`\t+\n`)
)

// normalisePGP replaces the encrypted secret in out, which each run
// encrypts afresh, with a placeholder. In a table it also evens out the
// padding at the end of each line, which follows the length of the
// secret: Hydra's armor carries gopenpgp's Version and Comment headers,
// and ours none. What else the table holds compares byte for byte.
func normalisePGP(out output) output {
	s := out.stdout
	if pgpMessage.MatchString(s) {
		s = pgpMessage.ReplaceAllString(s, "<PGP-MESSAGE>")
		s = padding.ReplaceAllString(s, "\t\n")
	}
	out.stdout = pgpMessageV1.ReplaceAllString(s, "${1}<PGP-MESSAGE>")
	return out
}

// pgpCase is a command line with one of the OpenPGP flags. Its arguments
// carry a key made for the run, so it is named by label, not by them.
type pgpCase struct {
	label string
	pcase
	// known says that our stdout does not match Hydra's CLI yet (issue
	// 24); a known case that starts to match fails, so that the list
	// only shrinks.
	known bool
}

// pgpKnown are the labels of pgpCases whose output does not match Hydra's
// CLI yet.
var pgpKnown = []string{}

// pgpIntentional are the differences of pgpCases kept on purpose, each
// with the words of docs/v1-v2-command-map.md that say why (as in
// intentional).
var pgpIntentional = map[string]string{
	"v2 create oauth2-client --pgp-key --format json":        "`registration_client_uri` without the client's ID",
	"v2 create oauth2-client --pgp-key --format json-pretty": "`registration_client_uri` without the client's ID",
	"v2 create oauth2-client --pgp-key --format yaml":        "`registration_client_uri` without the client's ID",
	"v2 update oauth2-client --pgp-key --secret":             "replaces the whole client",
	"v1 clients update --pgp-key":                            "warns on stdout",
}

func pgpCases(keyB64, keyURL string) []pgpCase {
	var cs []pgpCase
	add := func(label string, c pcase) {
		cs = append(cs, pgpCase{label: label, pcase: c, known: slices.Contains(pgpKnown, label)})
	}
	create := []string{"create", "oauth2-client", "-e", "{admin}", "--grant-type", "client_credentials", "--scope", "read"}
	for _, f := range formats(v2, append(slices.Clone(create), "--pgp-key", keyB64), "jsonpath=client_secret", "jsonpointer=/client_secret") {
		add(strings.TrimSpace("v2 create oauth2-client --pgp-key "+strings.Join(f.args[len(create)+2:], " ")), f)
	}
	add("v2 create oauth2-client --pgp-key-url", v2(append(slices.Clone(create), "--pgp-key-url", keyURL)...))
	add("v2 create oauth2-client --pgp-key --secret", v2(append(slices.Clone(create), "--pgp-key", keyB64, "--secret", "a-secret-given-on-argv")...))
	add("v2 import oauth2-client --pgp-key", pcase{version: hydratest.HydraVersion, args: []string{"import", "oauth2-client", "-e", "{admin}", "--pgp-key", keyB64},
		stdin: `[{"client_name":"Imported","grant_types":["client_credentials"],"scope":"read"}]`})
	add("v2 update oauth2-client --pgp-key --secret", v2("update", "oauth2-client", "-e", "{admin}", "{new-client}", "--grant-type", "client_credentials", "--scope", "read",
		"--secret", "a-new-secret-given-on-argv", "--pgp-key", keyB64))
	add("v1 clients update --pgp-key", v1("clients", "update", "--endpoint", "{admin}", "{new-client}", "-g", "client_credentials", "-a", "read",
		"--secret", "a-new-secret-given-on-argv", "--pgp-key", keyB64))
	add("v1 clients create --pgp-key", v1("clients", "create", "--endpoint", "{admin}", "-g", "client_credentials", "-a", "read", "--pgp-key", keyB64))
	add("v1 clients create --pgp-key-url", v1("clients", "create", "--endpoint", "{admin}", "-g", "client_credentials", "-a", "read", "--pgp-key-url", keyURL))
	add("v1 clients import --pgp-key", v1("clients", "import", "--endpoint", "{admin}", "{client-file}", "--pgp-key", keyB64))
	return cs
}

// TestPGPParity runs Hydra's CLI and ours with the same OpenPGP key, and
// compares stdout with the encrypted secret as a placeholder; then it
// decrypts the secret each printed and gets a token with it, so that both
// print a secret that is the client's.
func TestPGPParity(t *testing.T) {
	key, err := pgptest.Generate()
	if err != nil {
		t.Fatal(err)
	}
	// --pgp-key-url: Hydra's CLI fetches over plain HTTP too; a loopback
	// server serves the key to both.
	doc, err := os.ReadFile("../../docs/v1-v2-command-map.md")
	if err != nil {
		t.Fatal(err)
	}
	for label, reason := range pgpIntentional {
		if !strings.Contains(string(doc), reason) {
			t.Errorf("%s: docs/v1-v2-command-map.md does not say %q", label, reason)
		}
	}
	ks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(key.Public)
	}))
	defer ks.Close()

	for _, c := range pgpCases(key.Base64(), ks.URL+"/key.asc") {
		t.Run(c.label, func(t *testing.T) {
			s := servers[c.version]
			theirs := s.run(t, s.bin, c.pcase)
			mine := s.run(t, ours, c.pcase)
			diff := compare(c.pcase, normalisePGP(theirs), normalisePGP(mine))
			reason, isIntentional := pgpIntentional[c.label]
			switch {
			case diff == "" && isIntentional:
				t.Errorf("matches Hydra's CLI now: remove it from pgpIntentional")
			case diff != "" && isIntentional:
				t.Logf("intentional difference (%s):\n%s", reason, diff)
			case diff == "" && c.known:
				t.Errorf("matches Hydra's CLI now: remove it from pgpKnown")
			case diff == "":
			case c.known:
				t.Logf("known difference, issue 24:\n%s", diff)
			default:
				t.Errorf("differs from Hydra %s's CLI:\n%s", c.version, diff)
			}
			for _, o := range []struct {
				who string
				out output
			}{{"Hydra's CLI", theirs}, {"ours", mine}} {
				if o.who == "ours" && c.known {
					continue
				}
				if !o.out.ok {
					t.Errorf("%s failed:\n%s", o.who, o.out.stderr)
					continue
				}
				id, enc := pgpSecretOf(t, c.pcase, o.out.stdout)
				secret, err := key.Decrypt(enc)
				if err != nil && o.who == "Hydra's CLI" && c.version == hydratest.HydraV1 {
					// Hydra v1.11.10's CLI prints the message before
					// closing it (encrypta v0.0.2's deferred Close):
					// what it prints lacks its end.
					t.Logf("Hydra v1's encrypted secret cannot be decrypted, as expected: %v", err)
					continue
				}
				if err != nil {
					t.Errorf("%s: decrypting %q: %v", o.who, enc, err)
					continue
				}
				if i := slices.Index(c.args, "--secret"); i >= 0 && secret != c.args[i+1] {
					t.Errorf("%s: decrypted %q, want the secret given", o.who, secret)
				}
				if id == "" || strings.HasPrefix(id, "<") {
					// jsonpath: the secret alone; or a client made for
					// the run, whose ID is a placeholder in stdout.
					continue
				}
				if _, err := s.ClientCredentials(hydratest.Client{ClientID: id, ClientSecret: secret}, "read"); err != nil {
					t.Errorf("%s: the decrypted secret of %s gets no token: %v", o.who, id, err)
				}
			}
		})
	}
}

// pgpSecretOf finds the client ID and the encrypted secret in stdout.
func pgpSecretOf(t *testing.T, c pcase, stdout string) (id, enc string) {
	t.Helper()
	if i := slices.Index(c.args, "--format"); i >= 0 && strings.HasPrefix(c.args[i+1], "json") && strings.Contains(c.args[i+1], "=") {
		var s string
		if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &s); err != nil {
			t.Fatalf("%v: %q", err, stdout)
		}
		return "", s
	}
	switch f := docFormat(c.args); f {
	case "json", "json-pretty", "yaml":
		var doc struct {
			ID     string `json:"client_id" yaml:"client_id"`
			Secret string `json:"client_secret" yaml:"client_secret"`
		}
		var err error
		if f == "yaml" {
			err = yaml.Unmarshal([]byte(stdout), &doc)
		} else {
			err = json.Unmarshal([]byte(stdout), &doc)
		}
		if err != nil {
			t.Fatalf("%v:\n%s", err, stdout)
		}
		return doc.ID, doc.Secret
	}
	for _, line := range strings.Split(stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "OAuth 2.0 Client ID: "); ok {
			id = v
		}
		if v, ok := strings.CutPrefix(line, "OAuth 2.0 Encrypted Client Secret: "); ok {
			enc = v
		}
		k, v, ok := strings.Cut(line, "\t")
		switch k = strings.TrimSpace(k); {
		case !ok:
		case k == "CLIENT ID":
			id = strings.TrimSpace(v)
		case k == "CLIENT SECRET":
			enc = strings.TrimSpace(v)
		}
	}
	if enc == "" {
		t.Fatalf("no encrypted secret in:\n%s", stdout)
	}
	return id, enc
}
