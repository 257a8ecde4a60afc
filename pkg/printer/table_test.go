package printer

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestTableWriterMatchesWriteTable(t *testing.T) {
	headers := []string{"INDEX", "ACTIVE", "SUBJECT"}
	rows := [][]string{{"0", "true", "alice"}, {"1", "false", "a much longer subject"}, {"2", "error", "tab\there"}}
	var want, got bytes.Buffer
	p := Printer{}
	if err := p.WriteTable(&want, TableData{Headers: headers, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	tw := p.NewTableWriter(&got, headers)
	for _, r := range rows {
		if err := tw.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if got.Len() != 0 {
		t.Errorf("rows were written before Flush, while fewer than AlignRows: %q", got.String())
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("TableWriter:\n%s\nWriteTable:\n%s", got.String(), want.String())
	}
}

func TestTableWriterStreamsAfterAlignRows(t *testing.T) {
	var out bytes.Buffer
	tw := Printer{}.NewTableWriter(&out, []string{"A", "B"})
	for i := range AlignRows {
		if err := tw.Row(fmt.Sprint(i), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(out.String(), "\n"); n != AlignRows+1 {
		t.Fatalf("after AlignRows rows, the header and rows should be out; got %d lines", n)
	}
	// A later, wider cell shifts only its own row.
	if err := tw.Row("a-much-wider-cell", "y"); err != nil {
		t.Fatal(err)
	}
	if err := tw.Row("7", "z"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if lines[0] != "A   B" || lines[len(lines)-2] != "a-much-wider-cell  y" || lines[len(lines)-1] != "7   z" {
		t.Errorf("got header %q, then %q, %q", lines[0], lines[len(lines)-2], lines[len(lines)-1])
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour never shifts a column: the header's escape codes are not counted
// in the widths. Wide characters count two columns, as a terminal shows
// them.
func TestTableAlignsByDisplayWidth(t *testing.T) {
	data := TableData{
		Headers: []string{"CLIENT ID", "NAME", "OWNER"},
		Rows: [][]string{
			{"a", "日本語のクライアント", "x"},
			{"bb", "emoji 🚀🚀", "y"},
			{"ccc", "café", "z"},
		},
	}
	want := "CLIENT ID  NAME                  OWNER\n" +
		"a          日本語のクライアント  x\n" +
		"bb         emoji 🚀🚀            y\n" +
		"ccc        café                  z\n"
	for _, p := range []Printer{{}, {Color: true}} {
		var whole, streamed bytes.Buffer
		if err := p.WriteTable(&whole, data); err != nil {
			t.Fatal(err)
		}
		tw := p.NewTableWriter(&streamed, data.Headers)
		for _, r := range data.Rows {
			tw.Row(r...)
		}
		tw.Flush()
		for name, got := range map[string]string{"WriteTable": whole.String(), "TableWriter": streamed.String()} {
			if p.Color && !strings.Contains(got, "\x1b[1m") {
				t.Errorf("%s: no bold header with colour on: %q", name, got)
			}
			if plain := ansi.ReplaceAllString(got, ""); plain != want {
				t.Errorf("%s, colour %v:\n%s\nwant:\n%s", name, p.Color, plain, want)
			}
		}
	}
}
