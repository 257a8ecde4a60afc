package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// Hydra stores one key per issuer and kid, shared by every relationship
// that names them, and deleting any of them deletes the key and all of
// them (issue 22). These tests run against the real Hydra, whose cascade
// they rely on.

// publicKeyPEM writes a new public key, RSA or EC, as a PEM file.
func publicKeyPEM(t *testing.T, name, kind string) string {
	t.Helper()
	var pub any
	switch kind {
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		pub = k.Public()
	default:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub = k.Public()
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return writeSecretFile(t, name, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
}

// trustBySubject returns the relationships of issuer, by subject.
func trustBySubject(t *testing.T, issuer string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, tr := range trustList(t, issuer) {
		out[fmt.Sprint(tr["subject"])] = tr
	}
	return out
}

// A sync that replaces one subject's relationship keeps the other
// subjects' relationships of the same key: Hydra deletes them with it, and
// the sync creates them again, with their scope and expiry, and says so.
func TestTrustSyncReplaceKeepsOtherSubjects(t *testing.T) {
	iss := startIssuer(t)
	sync := func(sub, scope string) (syncResult, result) {
		return trustSync(t, "--issuer", iss.URL, "--subject", sub, "--scope", scope)
	}
	sync("S1", "deploy")
	sync("S2", "deploy")
	before := trustBySubject(t, iss.URL)["S2"]
	if before == nil {
		t.Fatal("no relationship for S2")
	}

	res, r := sync("S1", "deploy,read")
	if res.count("replace") != 1 || !res.Actions[0].Done {
		t.Fatalf("scope change: %+v\n%s", res, r.Stderr)
	}
	after := trustBySubject(t, iss.URL)
	s2 := after["S2"]
	if s2 == nil {
		t.Fatalf("S1's sync deleted S2's relationship: %v\nstderr:\n%s", after, r.Stderr)
	}
	if fmt.Sprint(s2["scope"]) != fmt.Sprint(before["scope"]) || s2["expires_at"] != before["expires_at"] {
		t.Errorf("S2's relationship changed: was %v, is %v", before, s2)
	}
	r.wantStderr(t, fmt.Sprintf("re-created the relationship %s of subject \"S2\" as %s", before["id"], s2["id"]))
	if s1 := after["S1"]; fmt.Sprint(s1["scope"]) != "[deploy read]" {
		t.Errorf("S1: %v", s1)
	}

	// Hydra trusts the key for S2 again: its assertion buys a token.
	c := createClientDoc(t, map[string]any{
		"grant_types":                []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"token_endpoint_auth_method": "none",
		"scope":                      "deploy read",
	})
	env := serverEnv()
	env["OAUTH2_CLIENT_ID"] = c.ClientID
	env["CI_ID_TOKEN"] = iss.Token("S2", tokenURL())
	r = run{Env: env}.hydra(t, "token", "jwt-bearer", "--assertion-env", "CI_ID_TOKEN", "--scope", "deploy")
	r.wantCode(t, 0)
	wantSubject(t, r.oneLine(t), c.ClientID, "S2")
}

// A prune leaves a key that another subject's relationship shares, and
// says so with exit 1; --force deletes both, and names the other.
func TestTrustSyncPruneSharedKey(t *testing.T) {
	iss := startIssuer(t)
	old := iss.KIDs()[0]
	trustSync(t, "--issuer", iss.URL, "--subject", "S1")
	trustSync(t, "--issuer", iss.URL, "--subject", "S2")
	if _, err := iss.Rotate(); err != nil {
		t.Fatal(err)
	}
	s2 := trustBySubject(t, iss.URL)["S2"]

	r := hydra(t, "trust", "sync", "--issuer", iss.URL, "--subject", "S1", "--prune")
	r.wantCode(t, 1)
	r.wantStderr(t, "not pruned", fmt.Sprint(s2["id"]), "--force")
	n := 0
	for _, tr := range trustList(t, iss.URL) {
		if tr["public_key"].(map[string]any)["kid"] == old {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d relationships of the old key are left, want S1's and S2's", n)
	}

	r = hydra(t, "trust", "sync", "--issuer", iss.URL, "--subject", "S1", "--prune", "--force")
	r.wantCode(t, 0)
	r.wantStderr(t, fmt.Sprintf("also deleted the relationship %s of subject \"S2\"", s2["id"]))
	for _, tr := range trustList(t, iss.URL) {
		if tr["public_key"].(map[string]any)["kid"] == old {
			t.Errorf("left after --force: %v", tr)
		}
	}
}

// trust delete of one subject's relationship refuses when another's
// shares the key, naming it; given both, or with --force, it deletes.
func TestTrustDeleteSharedKey(t *testing.T) {
	issuer := "https://shared-delete.example"
	key := publicKeyPEM(t, "key.pub.pem", "ec")
	create := func(sub string) string {
		r := hydra(t, "trust", "create", "--issuer", issuer, "--subject", sub, "--expires-in", "1h", "--public-key", key, "-q")
		r.wantCode(t, 0)
		return r.oneLine(t)
	}
	a, b := create("team-a"), create("team-b")

	r := hydra(t, "trust", "delete", a)
	r.wantCode(t, 1)
	r.wantStderr(t, "not deleted", b, `subject "team-b"`)
	hydra(t, "trust", "get", a).wantCode(t, 0)
	hydra(t, "trust", "get", b).wantCode(t, 0)

	r = hydra(t, "trust", "delete", a, b)
	r.wantCode(t, 0)
	if r.Stdout != a+"\n"+b+"\n" {
		t.Errorf("stdout %q", r.Stdout)
	}
	hydra(t, "trust", "get", b).wantCode(t, 1)

	a, b = create("team-a"), create("team-b")
	r = hydra(t, "trust", "delete", "--force", a)
	r.wantCode(t, 0)
	r.wantStderr(t, "also deleted by Hydra with "+a, b)
	if got := trustList(t, issuer); len(got) != 0 {
		t.Errorf("left: %v", got)
	}
}

// trust create refuses a kid under which the issuer already stores
// another key: Hydra would trust the stored key instead. A thumbprint kid
// names one key, so the same PEM key for a second subject is fine.
func TestTrustCreateKIDClash(t *testing.T) {
	issuer := "https://kidclash.example"
	rsaKey, ecKey := publicKeyPEM(t, "rsa.pub.pem", "rsa"), publicKeyPEM(t, "ec.pub.pem", "ec")
	create := func(sub, key string, extra ...string) result {
		return hydra(t, append([]string{"trust", "create", "--issuer", issuer, "--subject", sub, "--expires-in", "1h", "--public-key", key, "-q"}, extra...)...)
	}
	r := create("subj-a", rsaKey, "--kid", "K")
	r.wantCode(t, 0)
	a := r.oneLine(t)
	t.Cleanup(func() { hydra(t, "trust", "delete", "--force", a) })

	r = create("subj-b", ecKey, "--kid", "K")
	r.wantCode(t, 1)
	r.wantStderr(t, `already has a key with ID "K"`, a, `subject "subj-a"`, "--kid")
	if got := trustList(t, issuer); len(got) != 1 {
		t.Fatalf("the refused create created: %v", got)
	}

	// --force: the caller vouches that the stored key is the one given.
	r = create("subj-b", rsaKey, "--kid", "K", "--force")
	r.wantCode(t, 0)

	// A thumbprint kid: the same key for two subjects needs no --force.
	create("subj-c", ecKey).wantCode(t, 0)
	create("subj-d", ecKey).wantCode(t, 0)
	if got := trustList(t, issuer); len(got) != 4 {
		t.Errorf("want 4 relationships, got %v", got)
	}
	for _, tr := range trustList(t, issuer) {
		t.Cleanup(func() { hydra(t, "trust", "delete", "--force", fmt.Sprint(tr["id"])) })
	}
}

// --issuer must be a URL: a typo is a usage error, not a relationship
// that never matches.
func TestTrustCreateIssuerNotAURL(t *testing.T) {
	key := publicKeyPEM(t, "key.pub.pem", "ec")
	for _, issuer := range []string{"not-a-url", "ftp://issuer.example"} {
		r := hydra(t, "trust", "create", "--issuer", issuer, "--subject", "s", "--expires-in", "1h", "--public-key", key)
		r.wantCode(t, 2)
		r.wantStderr(t, "invalid --issuer")
		if got := trustList(t, issuer); len(got) != 0 {
			t.Errorf("created %v", got)
		}
	}
}

// compatTrustSharedKeys checks on an older Hydra what the tests above
// check on v2.3.0: its trust relationships share one key per issuer and
// kid alike, and the commands keep the other subjects' relationships.
func compatTrustSharedKeys(t *testing.T, s *hydratest.Server) {
	env := compatEnv(s)
	hydra := func(args ...string) result { t.Helper(); return compatRun(t, env, args...) }
	subjects := func(issuer string) map[string]map[string]any {
		t.Helper()
		r := hydra("trust", "list", "--issuer", issuer, "--format", "json")
		r.wantCode(t, 0)
		var all []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil {
			t.Fatalf("trust list: %v\n%s", err, r.Stdout)
		}
		out := map[string]map[string]any{}
		for _, tr := range all {
			out[fmt.Sprint(tr["subject"])] = tr
		}
		return out
	}

	iss := startIssuer(t)
	hydra("trust", "sync", "--issuer", iss.URL, "--subject", "S1", "--scope", "deploy").wantCode(t, 0)
	hydra("trust", "sync", "--issuer", iss.URL, "--subject", "S2", "--scope", "deploy").wantCode(t, 0)
	before := subjects(iss.URL)["S2"]
	r := hydra("trust", "sync", "--issuer", iss.URL, "--subject", "S1", "--scope", "deploy,read")
	r.wantCode(t, 0)
	after := subjects(iss.URL)["S2"]
	if after == nil || fmt.Sprint(after["scope"]) != fmt.Sprint(before["scope"]) {
		t.Fatalf("S2's relationship was %v, is %v\nstderr:\n%s", before, after, r.Stderr)
	}
	r.wantStderr(t, fmt.Sprintf("re-created the relationship %s of subject \"S2\"", before["id"]))

	issuer := "https://compat-shared.example"
	key := publicKeyPEM(t, "key.pub.pem", "ec")
	var ids []string
	for _, sub := range []string{"team-a", "team-b"} {
		r := hydra("trust", "create", "--issuer", issuer, "--subject", sub, "--expires-in", "1h", "--public-key", key, "-q")
		r.wantCode(t, 0)
		ids = append(ids, r.oneLine(t))
	}
	r = hydra("trust", "delete", ids[0])
	r.wantCode(t, 1)
	r.wantStderr(t, "not deleted", ids[1])
	hydra("trust", "get", ids[1]).wantCode(t, 0)
	r = hydra("trust", "delete", ids[0], ids[1])
	r.wantCode(t, 0)
	if len(subjects(issuer)) != 0 {
		t.Errorf("left: %v", subjects(issuer))
	}
}
