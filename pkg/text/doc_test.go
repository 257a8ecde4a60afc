package text

import "testing"

func TestDoc(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"one line", "one line"},
		{"\n\t\tFirst.\n\t\t  Indented.\n\n\t\tLast.\n\t", "First.\n  Indented.\n\nLast.\n"},
		{"\n    a\n      b\n    ", "a\n  b\n"},
		// A first line on the opening line keeps its text and does not
		// count towards the indentation.
		{"Keep\n\t\tthis\n\t\tand this", "Keep\nthis\nand this"},
		// A blank last line more indented than the text keeps the excess,
		// as heredoc does.
		{"\n\ta\n\t\t", "a\n\t"},
		// Only blank lines: nothing to remove.
		{"\n\t\n\t", "\t\n"},
		{"\n\t$ hydra version\n\n\t# comment\n", "$ hydra version\n\n# comment\n"},
	} {
		if got := Doc(tc.in); got != tc.want {
			t.Errorf("Doc(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Docf("\n\t%s: %d\n", "n", 3); got != "n: 3\n" {
		t.Errorf("Docf = %q", got)
	}
}
