package printer

import (
	"io"
	"strings"
)

// Hydra v1.11.10's CLI prints its lists (clients list) with
// olekukonko/tablewriter v0.0.1, borders left and right only, "|" where
// lines cross: a header row of the column names, centred and upper-cased,
// a rule of dashes, then a row per item, with no rule at the bottom. The
// writer wraps every cell at 30 columns (or its longest word), on spaces,
// after joining a cell's lines with spaces; numbers are aligned right,
// other text left. WriteV1Table prints that layout itself: tablewriter
// compiles its regular expressions when the program starts, which every
// command of this tool would pay for.

// v1CellWidth is tablewriter's MAX_ROW_WIDTH, the width at which it wraps
// a cell.
const v1CellWidth = 30

// WriteV1Table writes t as Hydra v1's CLI prints a table. A cell may hold
// several lines ("\n"); each line is made printable first (Printable).
func WriteV1Table(w io.Writer, t TableData) error {
	ncol := len(t.Headers)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	widths := make([]int, ncol)
	layout := func(cells []string) [][]string {
		out := make([][]string, len(cells))
		for i, c := range cells {
			var width int
			out[i], width = v1Wrap(c)
			widths[i] = max(widths[i], width)
		}
		return out
	}
	head := layout(t.Headers)
	rows := make([][][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = layout(r)
	}

	var b strings.Builder
	// The header: each name centred, the left gap the smaller half.
	for line := range height(head) {
		b.WriteByte('|')
		for i := range ncol {
			h := ""
			if i < len(head) && line < len(head[i]) {
				h = head[i][line]
			}
			gap := max(widths[i]-DisplayWidth(h), 0)
			b.WriteString(" " + strings.Repeat(" ", gap/2) + h + strings.Repeat(" ", gap-gap/2) + " |")
		}
		b.WriteByte('\n')
	}
	b.WriteByte('|')
	for i := range ncol {
		b.WriteString(strings.Repeat("-", widths[i]+2) + "|")
	}
	b.WriteByte('\n')
	for _, r := range rows {
		for line := range height(r) {
			for i, cell := range r {
				// tablewriter fills a cell that has fewer lines than its
				// row with two spaces.
				s := "  "
				if line < len(cell) {
					s = cell[line]
				}
				gap := max(widths[i]-DisplayWidth(s), 0)
				if v1Decimal(strings.TrimSpace(s)) {
					s = strings.Repeat(" ", gap) + s
				} else {
					s += strings.Repeat(" ", gap)
				}
				b.WriteString("| " + s + " ")
			}
			b.WriteString("|\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// height is the number of lines of the tallest cell.
func height(cells [][]string) int {
	h := 0
	for _, c := range cells {
		h = max(h, len(c))
	}
	return h
}

// v1Wrap breaks a cell into its lines as tablewriter does, and returns
// them with the width the column needs for them.
func v1Wrap(cell string) ([]string, int) {
	lines := strings.Split(cell, "\n")
	width := 0
	for i, l := range lines {
		lines[i] = Printable(l)
		width = max(width, DisplayWidth(lines[i]))
	}
	width = min(width, v1CellWidth)
	out := v1WrapWords(strings.Split(strings.Join(lines, " "), " "), width)
	for _, l := range out {
		width = max(width, DisplayWidth(l))
	}
	return out, width
}

// v1WrapWords joins words into lines of at most limit columns (or the
// longest word's width), choosing the breaks that minimise the sum of the
// squares of each line's room left, the last line free: the "minimum
// raggedness" rule that tablewriter's WrapWords follows. A line longer than
// the limit costs a penalty of 100000.
func v1WrapWords(words []string, limit int) []string {
	n := len(words)
	w := make([]int, n)
	for i, word := range words {
		w[i] = DisplayWidth(word)
		limit = max(limit, w[i])
	}
	// span(i, j) is the width of words i..j joined by single spaces.
	prefix := make([]int, n+1)
	for i := range n {
		prefix[i+1] = prefix[i] + w[i]
	}
	span := func(i, j int) int { return prefix[j+1] - prefix[i] + (j - i) }
	const penalty = 100000
	cost := make([]int, n)
	next := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		if span(i, n-1) <= limit {
			cost[i], next[i] = 0, n
			continue
		}
		cost[i] = 1<<31 - 1
		for j := i + 1; j < n; j++ {
			d := limit - span(i, j-1)
			c := d*d + cost[j]
			if span(i, j-1) > limit {
				c += penalty
			}
			if c < cost[i] {
				cost[i], next[i] = c, j
			}
		}
	}
	var lines []string
	for i := 0; i < n; i = next[i] {
		lines = append(lines, strings.Join(words[i:next[i]], " "))
	}
	return lines
}

// v1Decimal reports whether s is a number as tablewriter aligns one to the
// right: an optional minus, digits (or digits grouped in threes by commas),
// and an optional fraction.
func v1Decimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (frac == "" || !allDigits(frac)) {
		return false
	}
	if allDigits(intPart) && intPart != "" {
		return true
	}
	groups := strings.Split(intPart, ",")
	if len(groups) < 2 || len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
