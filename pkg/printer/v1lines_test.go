package printer

import (
	"strings"
	"testing"
)

// Hydra v1.11.10's lines, byte for byte, one per ID as it is added, and
// nothing more at Flush.
func TestV1Lines(t *testing.T) {
	var b strings.Builder
	l := NewV1IDList(&b, V1TokenRevoked)
	for _, id := range []string{"tok-1", "tok-2"} {
		if err := l.Add(id); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := b.String(), "Revoked OAuth 2.0 Access Token: tok-1\nRevoked OAuth 2.0 Access Token: tok-2\n"; got != want {
		t.Errorf("after Add: %q, want %q", got, want)
	}
	if err := l.Flush(); err != nil || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("Flush printed more: %q, %v", b.String(), err)
	}
	b.Reset()
	_ = WriteV1Line(&b, V1TokensDeleted, "c1")
	_ = WriteV1Line(&b, V1TokensFlushed)
	if got, want := b.String(), "Successfully deleted access tokens for client c1\nSuccessfully flushed inactive access tokens\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
