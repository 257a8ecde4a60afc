package e2e

// Output parity under Hydra v2's spellings: what Hydra v2's CLI prints, for
// scripts written against it (docs/v1-v2-command-map.md, "Output").

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestV2SpellingOutput(t *testing.T) {
	c, tok := accessToken(t, "read")
	env := clientEnv(c)

	t.Run("introspect token -q", func(t *testing.T) {
		r := hydra(t, "introspect", "token", "-q", "--", tok)
		r.wantCode(t, 0)
		if r.Stdout != "true\n" {
			t.Errorf("stdout %q, want true", r.Stdout)
		}
		r = hydra(t, "introspect", "token", "-q", "not-a-token")
		r.wantCode(t, 0)
		if r.Stdout != "false\n" {
			t.Errorf("stdout %q, want false", r.Stdout)
		}
		r = hydra(t, "introspect", "token", "-q", "--format", "json", "x")
		r.wantCode(t, 2)
	})

	t.Run("perform client-credentials --format json has expiry", func(t *testing.T) {
		before := time.Now().Add(-time.Second)
		r := run{Env: env}.hydra(t, "perform", "client-credentials", "--scope", "read", "--format", "json")
		r.wantCode(t, 0)
		var got struct {
			AccessToken string    `json:"access_token"`
			ExpiresIn   int       `json:"expires_in"`
			Expiry      time.Time `json:"expiry"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
			t.Fatalf("%v\n%s", err, r.Stdout)
		}
		if got.AccessToken == "" || got.ExpiresIn <= 0 || got.Expiry.Before(before.Add(time.Duration(got.ExpiresIn)*time.Second).Truncate(time.Second)) || got.Expiry.After(time.Now().Add(time.Duration(got.ExpiresIn)*time.Second)) {
			t.Errorf("expiry %v for expires_in %d: %s", got.Expiry, got.ExpiresIn, r.Stdout)
		}
		// The v1 spelling prints the server's answer as it is.
		r = run{Env: env}.hydra(t, "token", "client", "--scope", "read", "--format", "json")
		r.wantCode(t, 0)
		if strings.Contains(r.Stdout, "expiry") {
			t.Errorf("token client added expiry: %s", r.Stdout)
		}
	})

	t.Run("list oauth2-clients --format json", func(t *testing.T) {
		newClient(t, "") // at least two clients, so two pages of one
		var page struct {
			Items         []map[string]any `json:"items"`
			NextPageToken *string          `json:"next_page_token"`
			IsLastPage    *bool            `json:"is_last_page"`
		}
		r := hydra(t, "list", "oauth2-clients", "--format", "json")
		r.wantCode(t, 0)
		if err := json.Unmarshal([]byte(r.Stdout), &page); err != nil || page.IsLastPage == nil || !*page.IsLastPage || page.NextPageToken == nil || *page.NextPageToken != "" || len(page.Items) == 0 {
			t.Fatalf("want every client as the last page: %v\n%.300s", err, r.Stdout)
		}
		r = hydra(t, "list", "oauth2-clients", "--format", "json", "--page-size", "1")
		r.wantCode(t, 0)
		if err := json.Unmarshal([]byte(r.Stdout), &page); err != nil || len(page.Items) != 1 || *page.IsLastPage || *page.NextPageToken == "" {
			t.Fatalf("want one client and a next page: %v\n%s\nstderr: %s", err, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stderr, "next page") {
			t.Errorf("the next page is in the envelope, not on stderr:\n%s", r.Stderr)
		}
		r = hydra(t, "list", "oauth2-clients", "--format", "json", "--page-size", "1", "--page-token", *page.NextPageToken)
		r.wantCode(t, 0)
		var second struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &second); err != nil || len(second.Items) != 1 || second.Items[0]["client_id"] == page.Items[0]["client_id"] {
			t.Errorf("the next page token did not give the next client: %v\n%s", err, r.Stdout)
		}
		// The v1 spelling keeps the bare array.
		r = hydra(t, "client", "list", "--format", "json")
		r.wantCode(t, 0)
		if !strings.HasPrefix(r.Stdout, "[") {
			t.Errorf("client list --format json: %.100s", r.Stdout)
		}
	})

	t.Run("delete oauth2-client -q and --format", func(t *testing.T) {
		a, b := newClient(t, ""), newClient(t, "")
		r := hydra(t, "delete", "oauth2-client", "-q", a.ClientID)
		r.wantCode(t, 0)
		if r.Stdout != a.ClientID+"\n" {
			t.Errorf("-q: stdout %q", r.Stdout)
		}
		r = hydra(t, "delete", "oauth2-client", "--format", "json", b.ClientID)
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) != `"`+b.ClientID+`"` {
			t.Errorf("--format json: stdout %q", r.Stdout)
		}
	})

	t.Run("delete access-tokens and revoke token take --format", func(t *testing.T) {
		r := hydra(t, "delete", "access-tokens", "--format", "json", c.ClientID)
		r.wantCode(t, 0)
		if strings.TrimSpace(r.Stdout) != `"`+c.ClientID+`"` {
			t.Errorf("delete access-tokens --format json: stdout %q", r.Stdout)
		}
	})

	// Hydra v2's CLI echoes the token it revoked; Hydra v1's printed a
	// line with it, and so does its spelling here (nothing with -q).
	// Neither shows the token on stderr, and each revocation is checked
	// through introspection (HYDRA_ADMIN_URL).
	t.Run("revoke token echoes the token; token revoke prints v1's line", func(t *testing.T) {
		for _, tc := range []struct {
			argv []string
			want func(tok string) string
		}{
			{[]string{"revoke", "token", "--format", "json"}, func(tok string) string { return `"` + tok + `"` + "\n" }},
			{[]string{"revoke", "token", "--format", "yaml"}, func(tok string) string { return tok + "\n" }},
			{[]string{"revoke", "token", "-q"}, func(tok string) string { return tok + "\n" }},
			{[]string{"revoke", "token"}, func(tok string) string { return "ID\t" + tok + "\t\n" }},
			{[]string{"token", "revoke"}, func(tok string) string { return "Revoked OAuth 2.0 Access Token: " + tok + "\n" }},
			{[]string{"token", "revoke", "-q"}, func(string) string { return "" }},
		} {
			c2, tok2 := accessToken(t, "read")
			r := run{Env: clientEnv(c2)}.hydra(t, append(tc.argv, "--", tok2)...)
			r.wantCode(t, 0)
			if r.Stdout != tc.want(tok2) {
				t.Errorf("%s: stdout %q, want %q", strings.Join(tc.argv, " "), r.Stdout, tc.want(tok2))
			}
			if strings.Contains(r.Stderr, tok2) || !strings.Contains(r.Stderr, "introspection confirms it is inactive") {
				t.Errorf("%s: stderr %q", strings.Join(tc.argv, " "), r.Stderr)
			}
			r = hydra(t, "token", "introspect", "--format", "jsonpath=active", "--", tok2)
			if r.Stdout != "false\n" {
				t.Errorf("%s: the token is still active", strings.Join(tc.argv, " "))
			}
		}
	})
}

// kubectl's brace JSONPath prints the value, as kubectl users write it, and
// Hydra v1's --fail-after changes nothing against a server that answers.
// A kubectl template is a usage error, before any request.
func TestKubectlJSONPathAndFailAfter(t *testing.T) {
	c, _ := accessToken(t, "read")
	env := clientEnv(c)
	r := run{Env: env}.hydra(t, "token", "client", "--scope", "read", "--fail-after", "10s", "--format", "jsonpath={.access_token}")
	r.wantCode(t, 0)
	tok := strings.TrimSpace(r.Stdout)
	if tok == "" || strings.ContainsAny(tok, "{}\n") {
		t.Fatalf("stdout %q, want the access token", r.Stdout)
	}
	r = hydra(t, "token", "introspect", "--format", "jsonpath={.active}", "--", tok)
	r.wantCode(t, 0)
	if r.Stdout != "true\n" {
		t.Errorf("the token printed is not active: %q", r.Stdout)
	}
	r = hydra(t, "client", "list", "--format", "jsonpath={[*].client_id}")
	r.wantCode(t, 0)
	if !strings.Contains("\n"+r.Stdout, "\n"+c.ClientID+"\n") {
		t.Errorf("client list: %q lacks %s", r.Stdout, c.ClientID)
	}
	r = run{Env: env}.hydra(t, "token", "client", "--format", `jsonpath={range .x}{.y}{end}`)
	r.wantCode(t, 2)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "{.access_token}") {
		t.Errorf("template: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
}
