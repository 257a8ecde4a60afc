package introspect

import "testing"

func TestMaskToken(t *testing.T) {
	for _, tt := range []struct{ msg, token, want string }{
		{"POST http://h/admin/oauth2/introspect: 502: echo ory_at_abcdefgh", "ory_at_abcdefgh", "POST http://h/admin/oauth2/introspect: 502: echo ***"},
		// A dummy token is not masked inside the words of the message.
		{"POST http://h/admin/oauth2/introspect: Is Hydra's admin API listening", "a", "POST http://h/admin/oauth2/introspect: Is Hydra's admin API listening"},
	} {
		if got := maskToken(tt.msg, tt.token); got != tt.want {
			t.Errorf("maskToken(%q, %q) = %q, want %q", tt.msg, tt.token, got, tt.want)
		}
	}
}

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
