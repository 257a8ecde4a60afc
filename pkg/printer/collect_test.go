package printer

import (
	"strings"
	"testing"
)

func TestJSONArrayAndLines(t *testing.T) {
	items := []string{`{"id":"a","x":1}`, `{"id":"b"}`}
	if got := string(JSONArray(items, func(s string) []byte { return []byte(s) })); got != `[{"id":"a","x":1},{"id":"b"}]` {
		t.Errorf("JSONArray = %s", got)
	}
	if got := string(JSONArray([]string{}, func(s string) []byte { return []byte(s) })); got != `[]` {
		t.Errorf("JSONArray of none = %s", got)
	}
	var b strings.Builder
	if err := Lines(&b, []string{"a", "b"}, strings.ToUpper); err != nil || b.String() != "A\nB\n" {
		t.Errorf("Lines = %q, %v", b.String(), err)
	}
}
