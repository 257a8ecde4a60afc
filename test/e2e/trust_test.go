package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/oidcissuer"
)

// startIssuer starts a test OpenID Connect issuer, stopped when the test
// ends.
func startIssuer(t *testing.T) *oidcissuer.Issuer {
	t.Helper()
	iss, err := oidcissuer.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(iss.Close)
	return iss
}

// syncResult is trust sync's --format json output.
type syncResult struct {
	Actions []struct {
		Action, KID, ID string
		Done            bool
	} `json:"actions"`
}

func trustSync(t *testing.T, args ...string) (syncResult, result) {
	t.Helper()
	r := hydra(t, append([]string{"trust", "sync", "--format", "json"}, args...)...)
	r.wantCode(t, 0)
	var res syncResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("trust sync --format json: %v\n%s", err, r.Stdout)
	}
	return res, r
}

func (s syncResult) count(action string) int {
	n := 0
	for _, a := range s.Actions {
		if a.Action == action {
			n++
		}
	}
	return n
}

// trustList returns the relationships of one issuer, through the CLI.
func trustList(t *testing.T, issuer string) []map[string]any {
	t.Helper()
	r := hydra(t, "trust", "list", "--issuer", issuer, "--format", "json")
	r.wantCode(t, 0)
	var out []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("trust list: %v\n%s", err, r.Stdout)
	}
	return out
}

func TestTrustSyncFromDiscovery(t *testing.T) {
	iss := startIssuer(t)
	args := []string{"--issuer", iss.URL, "--subject", "repo:octo/app:ref:refs/heads/main", "--scope", "deploy"}

	// The plan first: nothing changes.
	res, r := trustSync(t, append(args, "--dry-run")...)
	if res.count("create") != 1 || res.Actions[0].Done {
		t.Fatalf("dry run: %+v", res)
	}
	r.wantStderr(t, "dry run, nothing changed", "would create")
	if got := trustList(t, iss.URL); len(got) != 0 {
		t.Fatalf("--dry-run created %v", got)
	}

	res, r = trustSync(t, args...)
	if res.count("create") != 1 || !res.Actions[0].Done || res.Actions[0].ID == "" || res.Actions[0].KID != iss.KIDs()[0] {
		t.Fatalf("first sync: %+v", res)
	}
	r.wantStderr(t, "created 1")
	got := trustList(t, iss.URL)
	if len(got) != 1 || got[0]["subject"] != "repo:octo/app:ref:refs/heads/main" || got[0]["id"] != res.Actions[0].ID {
		t.Fatalf("after sync: %v", got)
	}
	if scope, _ := got[0]["scope"].([]any); len(scope) != 1 || scope[0] != "deploy" {
		t.Errorf("scope %v", got[0]["scope"])
	}

	// Idempotent: a second run keeps what is there.
	res, _ = trustSync(t, args...)
	if len(res.Actions) != 1 || res.count("keep") != 1 {
		t.Fatalf("second sync: %+v", res)
	}
	if got := trustList(t, iss.URL); len(got) != 1 {
		t.Fatalf("second sync changed the relationships: %v", got)
	}

	// Another scope: the relationship is replaced, since Hydra has no
	// update.
	res, _ = trustSync(t, "--issuer", iss.URL, "--subject", "repo:octo/app:ref:refs/heads/main", "--scope", "deploy,read")
	if res.count("replace") != 1 || !res.Actions[0].Done {
		t.Fatalf("scope change: %+v", res)
	}
	got = trustList(t, iss.URL)
	if scope, _ := got[0]["scope"].([]any); len(got) != 1 || len(scope) != 2 {
		t.Fatalf("after the scope change: %v", got)
	}

	// Another subject is a relationship of its own.
	res, _ = trustSync(t, "--issuer", iss.URL, "--subject", "repo:octo/other:ref:refs/heads/main")
	if res.count("create") != 1 {
		t.Fatalf("second subject: %+v", res)
	}
	if got := trustList(t, iss.URL); len(got) != 2 {
		t.Fatalf("two subjects: %v", got)
	}

	// Table output, from the same data.
	r = hydra(t, "trust", "sync", "--issuer", iss.URL, "--subject", "repo:octo/other:ref:refs/heads/main", "--format", "table")
	r.wantCode(t, 0)
	if !strings.HasPrefix(r.Stdout, "ACTION") || !strings.Contains(r.Stdout, "keep") {
		t.Errorf("table:\n%s", r.Stdout)
	}
}

func TestTrustCRUD(t *testing.T) {
	iss := startIssuer(t)
	kid := iss.KIDs()[0]
	jwk := writeSecretFile(t, "key.json", iss.PrivateJWK(kid))

	r := hydra(t, "trust", "create", "--issuer", iss.URL, "--subject", "svc", "--scope", "read", "--expires-in", "1h", "--jwk", jwk, "-q")
	r.wantCode(t, 0)
	id := r.oneLine(t)

	r = hydra(t, "trust", "get", id, "--format", "json")
	r.wantCode(t, 0)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || got["issuer"] != iss.URL || got["subject"] != "svc" {
		t.Fatalf("get: %v\n%s", err, r.Stdout)
	}
	if pk, _ := got["public_key"].(map[string]any); pk["kid"] != kid {
		t.Errorf("public_key %v", got["public_key"])
	}

	// The same key again: Hydra's 409, explained.
	r = hydra(t, "trust", "create", "--issuer", iss.URL, "--subject", "svc", "--expires-in", "1h", "--jwk", jwk)
	r.wantCode(t, 1)
	r.wantStderr(t, "409 Conflict", "already trusts key")

	r = hydra(t, "trust", "list", "--issuer", iss.URL)
	r.wantCode(t, 0)
	if !strings.HasPrefix(r.Stdout, "ID") || !strings.Contains(r.Stdout, id) {
		t.Errorf("list table:\n%s", r.Stdout)
	}

	r = run{Env: serverEnv()}.hydra(t, "__complete", "trust", "delete", "")
	if !strings.Contains(r.Stdout, id+"\t"+iss.URL+" svc "+kid) {
		t.Errorf("completion does not offer %s:\n%s", id, r.Stdout)
	}

	r = hydra(t, "trust", "delete", id)
	r.wantCode(t, 0)
	if r.Stdout != id+"\n" {
		t.Errorf("delete printed %q", r.Stdout)
	}
	r = hydra(t, "trust", "get", id)
	r.wantCode(t, 1)
	r.wantStderr(t, "no trust relationship with ID", "404")
	r = hydra(t, "trust", "delete", id)
	r.wantCode(t, 1)

	// --allow-any-subject with a multi-tenant issuer warns.
	r = hydra(t, "trust", "create", "--issuer", "https://token.actions.githubusercontent.com", "--allow-any-subject",
		"--expires-in", "1h", "--jwk", jwk, "-q")
	r.wantCode(t, 0)
	r.wantStderr(t, "warning: --allow-any-subject", "any GitHub repository")
	hydra(t, "trust", "delete", r.oneLine(t)).wantCode(t, 0)
}
