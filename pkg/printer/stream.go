package printer

import (
	"io"
	"unicode/utf8"

	"github.com/fatih/color"
)

// AlignRows is how many rows a TableWriter reads before it fixes the widths
// of its columns.
const AlignRows = 100

// TableWriter writes a table row by row, for results that stream. It aligns
// the columns over the header and the first AlignRows rows, as WriteTable
// aligns a whole table, then keeps those widths, so that memory stays flat
// however many rows follow: a longer cell later shifts only its own row.
type TableWriter struct {
	w       io.Writer
	headers []string
	color   bool
	rows    [][]string
	widths  []int
	line    []byte
}

// NewTableWriter returns a TableWriter with these column headers, bold on a
// colour terminal.
func (p Printer) NewTableWriter(w io.Writer, headers []string) *TableWriter {
	return &TableWriter{w: w, headers: headers, color: p.Color}
}

// Row adds a row.
func (t *TableWriter) Row(cells ...string) error {
	clean := make([]string, len(cells))
	for i, c := range cells {
		clean[i] = cleanCell(c)
	}
	if t.widths == nil {
		t.rows = append(t.rows, clean)
		if len(t.rows) < AlignRows {
			return nil
		}
		return t.align()
	}
	return t.write(clean, false)
}

// Flush writes the rows held for alignment. Call it once all rows are in.
func (t *TableWriter) Flush() error {
	if t.widths == nil {
		return t.align()
	}
	return nil
}

func (t *TableWriter) align() error {
	t.widths = make([]int, len(t.headers))
	for i, h := range t.headers {
		t.widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			if i < len(t.widths) {
				t.widths[i] = max(t.widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	if err := t.write(t.headers, true); err != nil {
		return err
	}
	for _, r := range t.rows {
		if err := t.write(r, false); err != nil {
			return err
		}
	}
	t.rows = nil
	return nil
}

// write writes one row as text/tabwriter does in WriteTable: every column
// but the last padded to its width plus two spaces.
func (t *TableWriter) write(cells []string, header bool) error {
	b := t.line[:0]
	for i, c := range cells {
		text := c
		if header && t.color {
			text = color.New(color.Bold).Sprint(c)
		}
		b = append(b, text...)
		if i == len(cells)-1 {
			break
		}
		pad := 2
		if i < len(t.widths) {
			pad += t.widths[i] - utf8.RuneCountInString(c)
		}
		for range max(pad, 2) {
			b = append(b, ' ')
		}
	}
	// Empty cells at the end of a row leave no trailing blanks.
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	b = append(b, '\n')
	t.line = b
	_, err := t.w.Write(b)
	return err
}

// cleanCell keeps a cell on one line and free of control characters; see
// Printable.
func cleanCell(c string) string { return Printable(c) }
