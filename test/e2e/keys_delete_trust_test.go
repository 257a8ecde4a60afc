package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// trustNonURLIssuer creates, through the admin API itself (trust create
// refuses an issuer that is not a URL), a relationship of issuer for
// subject, whose key Hydra stores under kid in the key set named issuer.
func trustNonURLIssuer(t *testing.T, issuer, subject, kid string) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"issuer": issuer, "subject": subject, "scope": []string{},
		"jwk":        jose.JSONWebKey{Key: k.Public(), KeyID: kid, Algorithm: "ES256", Use: "sig"},
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	})
	resp, err := http.Post(srv.AdminURL+"/admin/trust/grants/jwt-bearer/issuers", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || resp.StatusCode != http.StatusCreated || tr.ID == "" {
		t.Fatalf("creating the relationship: %d %v", resp.StatusCode, err)
	}
	return tr.ID
}

// A key set named after an issuer that is not a URL holds that issuer's
// trusted keys, and Hydra deletes the relationships with the set or the
// key. keys delete refuses, naming them; --force deletes them and says so
// (issue 22: "keys delete <set> silently deletes that issuer's trust").
func TestKeysDeleteRefusesToDeleteTrustedKeys(t *testing.T) {
	issuer := fmt.Sprintf("ci-issuer-%d", time.Now().UnixNano())
	a := trustNonURLIssuer(t, issuer, "sub-a", "K1")
	b := trustNonURLIssuer(t, issuer, "sub-b", "K2")

	r := hydra(t, "keys", "delete", issuer)
	r.wantCode(t, 1)
	r.wantStderr(t, "not deleted", a, b, "--force", "hydra trust delete")
	if r.Stdout != "" {
		t.Errorf("stdout %q", r.Stdout)
	}
	r = hydra(t, "keys", "delete", issuer, "--kid", "K1")
	r.wantCode(t, 1)
	r.wantStderr(t, "not deleted", a)
	if len(trustList(t, issuer)) != 2 {
		t.Fatalf("a refused delete deleted: %v", trustList(t, issuer))
	}

	r = hydra(t, "keys", "delete", issuer, "--kid", "K1", "--force")
	r.wantCode(t, 0)
	r.wantStderr(t, "Hydra also deleted the trust relationship "+a)
	if got := trustList(t, issuer); len(got) != 1 || got[0]["id"] != b {
		t.Fatalf("left: %v", got)
	}
	r = hydra(t, "keys", "delete", issuer, "--force")
	r.wantCode(t, 0)
	r.wantStderr(t, "Hydra also deleted the trust relationship "+b)
	if got := trustList(t, issuer); len(got) != 0 {
		t.Fatalf("left: %v", got)
	}

	// A set no relationship uses is deleted as before.
	hydra(t, "keys", "create", issuer+"-plain", "--alg", "ES256").wantCode(t, 0)
	hydra(t, "keys", "delete", issuer+"-plain").wantCode(t, 0)
}
