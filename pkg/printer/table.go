package printer

import (
	"io"

	"github.com/fatih/color"
	"github.com/rivo/uniseg"
)

// AlignRows is how many rows a TableWriter reads before it fixes the widths
// of its columns.
const AlignRows = 100

// TableWriter writes a table row by row, for results that stream. It aligns
// the columns over the header and the first AlignRows rows, as WriteTable
// aligns a whole table, then keeps those widths, so that memory stays flat
// however many rows follow: a longer cell later shifts only its own row.
//
// Widths are display widths, as a terminal shows the text: a CJK character
// or an emoji takes two columns, a combining accent none. The bold header's
// escape codes are added after the padding is measured, so that colour
// never shifts a column.
type TableWriter struct {
	w       io.Writer
	headers []string
	bold    *color.Color
	// alignRows is how many rows are held to measure; -1 holds them all.
	alignRows int
	rows      [][]string
	widths    []int
	aligned   bool
	line      []byte
}

// NewTableWriter returns a TableWriter with these column headers, bold on a
// colour terminal.
func (p Printer) NewTableWriter(w io.Writer, headers []string) *TableWriter {
	return p.newTableWriter(w, headers, AlignRows)
}

func (p Printer) newTableWriter(w io.Writer, headers []string, alignRows int) *TableWriter {
	t := &TableWriter{w: w, headers: cleanCells(headers), alignRows: alignRows}
	if p.Color {
		// Switched on for this value only: fatih/color's global switch
		// belongs to main.
		t.bold = color.New(color.Bold)
		t.bold.EnableColor()
	}
	return t
}

// WriteTable writes t with aligned columns and a header row, bold on a
// colour terminal.
func (p Printer) WriteTable(w io.Writer, t TableData) error {
	tw := p.newTableWriter(w, t.Headers, -1)
	for _, r := range t.Rows {
		if err := tw.Row(r...); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// Row adds a row.
func (t *TableWriter) Row(cells ...string) error {
	clean := cleanCells(cells)
	if t.aligned {
		return t.write(clean, false)
	}
	t.rows = append(t.rows, clean)
	if t.alignRows < 0 || len(t.rows) < t.alignRows {
		return nil
	}
	return t.align()
}

// Flush writes the rows held for alignment. Call it once all rows are in.
func (t *TableWriter) Flush() error {
	if t.aligned {
		return nil
	}
	return t.align()
}

func (t *TableWriter) align() error {
	t.aligned = true
	t.measure(t.headers)
	for _, r := range t.rows {
		t.measure(r)
	}
	if len(t.headers) > 0 {
		if err := t.write(t.headers, true); err != nil {
			return err
		}
	}
	for _, r := range t.rows {
		if err := t.write(r, false); err != nil {
			return err
		}
	}
	t.rows = nil
	return nil
}

func (t *TableWriter) measure(cells []string) {
	for i, c := range cells {
		if i == len(t.widths) {
			t.widths = append(t.widths, 0)
		}
		t.widths[i] = max(t.widths[i], DisplayWidth(c))
	}
}

// write writes one row: every column but the last padded to its width
// plus two spaces.
func (t *TableWriter) write(cells []string, header bool) error {
	b := t.line[:0]
	for i, c := range cells {
		if header && t.bold != nil {
			b = append(b, t.bold.Sprint(c)...)
		} else {
			b = append(b, c...)
		}
		if i == len(cells)-1 {
			break
		}
		pad := 2
		if i < len(t.widths) {
			pad += t.widths[i] - DisplayWidth(c)
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

// DisplayWidth is the number of terminal columns s takes: wide (East Asian)
// characters and emoji count two, combining marks and zero-width characters
// none.
func DisplayWidth(s string) int { return uniseg.StringWidth(s) }

// cleanCells keeps each cell on one line and free of control characters;
// see Printable.
func cleanCells(cells []string) []string {
	clean := make([]string, len(cells))
	for i, c := range cells {
		clean[i] = Printable(c)
	}
	return clean
}
