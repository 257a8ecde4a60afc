package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// TestClientListOAuth2ClientsFetchesOnePage (issue 24): Hydra v2.3.0's
// "list oauth2-clients" without --page-size fetches one page of 100
// clients and prints the next page's token; under that spelling this tool
// does the same, byte for byte, where it fetched every page. A Hydra of its
// own holds more clients than a page, so that no other test sees them.
func TestClientListOAuth2ClientsFetchesOnePage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := hydratest.Start(ctx, hydratest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	bin, err := hydratest.BinaryFor(hydratest.HydraVersion)
	if err != nil {
		t.Fatal(err)
	}
	const n = 105
	for i := range n {
		if _, err := s.CreateClient(map[string]any{"client_id": fmt.Sprintf("page-%03d", i), "client_secret": "page-secret-1",
			"grant_types": []string{"client_credentials"}}); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"HYDRA_ADMIN_URL": s.AdminURL}
	for _, extra := range [][]string{nil, {"--format", "table"}, {"--page-size", "100"}} {
		args := append([]string{"list", "oauth2-clients", "--endpoint", s.AdminURL}, extra...)
		theirs := run{}.exec(t, args, func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, bin, args...) })
		mine := run{Env: env}.hydra(t, args...)
		theirs.wantCode(t, 0)
		mine.wantCode(t, 0)
		if !strings.Contains(theirs.Stdout, "IS LAST PAGE\tfalse") {
			t.Fatalf("Hydra's CLI printed no page with a next one; the test needs more clients than a page:\n%s", theirs.Stdout)
		}
		if mine.Stdout != theirs.Stdout {
			t.Errorf("hydra %s printed\n%s\nHydra v2.3.0's CLI printed\n%s", strings.Join(args, " "), mine.Stdout, theirs.Stdout)
		}
	}

	// The envelope carries the next page's token; that page is the rest.
	first := run{Env: env}.hydra(t, "list", "oauth2-clients", "--format", "json")
	first.wantCode(t, 0)
	var page struct {
		Items []struct {
			ClientID string `json:"client_id"`
		} `json:"items"`
		Next string `json:"next_page_token"`
		Last bool   `json:"is_last_page"`
	}
	if err := json.Unmarshal([]byte(first.Stdout), &page); err != nil {
		t.Fatalf("%v:\n%s", err, first.Stdout)
	}
	if len(page.Items) != 100 || page.Next == "" || page.Last {
		t.Fatalf("first page: %d clients, next %q, last %v; want 100, a token, false", len(page.Items), page.Next, page.Last)
	}
	second := run{Env: env}.hydra(t, "list", "oauth2-clients", "--format", "json", "--page-token", page.Next)
	second.wantCode(t, 0)
	page.Items, page.Next = nil, ""
	if err := json.Unmarshal([]byte(second.Stdout), &page); err != nil {
		t.Fatalf("%v:\n%s", err, second.Stdout)
	}
	if len(page.Items) != n-100 || !page.Last {
		t.Fatalf("second page: %d clients, last %v; want %d, true", len(page.Items), page.Last, n-100)
	}
}
