package printer

import (
	"bytes"
	"fmt"
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
