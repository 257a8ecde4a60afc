package cmdutil

import (
	"regexp"
	"testing"
)

func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := NewUUID(), NewUUID()
	if !v4.MatchString(a) || !v4.MatchString(b) {
		t.Errorf("not version 4 UUIDs: %q, %q", a, b)
	}
	if a == b {
		t.Errorf("two calls gave the same UUID %q", a)
	}
}
