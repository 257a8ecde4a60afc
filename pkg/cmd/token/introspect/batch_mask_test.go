package introspect

import "testing"

func TestEnvelopePath(t *testing.T) {
	for expr, want := range map[string]bool{
		"result.active": true, "$.result.sub": true, "index": true, "/result/active": true, `$["result"]`: true,
		"active": false, "$.active": false, "/active": false, "sub": false,
	} {
		if got := envelopePath(expr); got != want {
			t.Errorf("envelopePath(%q) = %v, want %v", expr, got, want)
		}
	}
}
