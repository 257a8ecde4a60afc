package shared

import "testing"

func TestSetSecret(t *testing.T) {
	for in, want := range map[string]string{
		`{"client_id":"a","client_secret":"plain","scope":"x"}`: `{"client_id":"a","client_secret":"ENC","scope":"x"}`,
		`{"client_id": "a", "scope": "x"}`:                      `{"client_id":"a","scope":"x","client_secret":"ENC"}`,
		`{}`:                                                    `{"client_secret":"ENC"}`,
		`[1]`:                                                   `[1]`,
	} {
		if got := string(SetSecret([]byte(in), "ENC")); got != want {
			t.Errorf("SetSecret(%s) = %s, want %s", in, got, want)
		}
	}
}
