package e2e

import (
	"strings"
	"testing"
)

// A secret file whose secret ends in extra spaces or a CRLF, as an editor
// on another system leaves it, works: trailing white space is trimmed
// (issue 11).
func TestSecretFileTrailingWhiteSpaceIsTrimmed(t *testing.T) {
	c := newClient(t, "read")
	file := writeSecretFile(t, "secret", c.ClientSecret+"  \t\r\n\r\n")
	r := hydra(t, "token", "client", "--client-id", c.ClientID, "--client-secret-file", file, "--format", "json")
	r.wantCode(t, 0)
	if !strings.Contains(r.Stdout, `"access_token"`) {
		t.Errorf("stdout:\n%s", r.Stdout)
	}
	help := hydra(t, "token", "client", "--help")
	if !strings.Contains(help.Stdout, "trailing white space is trimmed") {
		t.Errorf("--help does not say that trailing white space is trimmed:\n%s", help.Stdout)
	}
}
