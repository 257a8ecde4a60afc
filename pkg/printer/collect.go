package printer

import (
	"bytes"
	"io"
	"strings"
)

// JSONArray joins the raw JSON of items into one array, keeping each value
// exactly as the server sent it, unknown fields included.
func JSONArray[T any](items []T, raw func(T) []byte) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw(it))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// Lines writes one value of each item a line, in one write: the output of
// -q/--quiet, such as IDs.
func Lines[T any](w io.Writer, items []T, value func(T) string) error {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(value(it))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Kind says how the items of one kind print, for the commands that get,
// list or create them: Raw is an item's JSON as the server sent it, ID is
// what -q/--quiet prints of it, and Table is the table view of several.
type Kind[T any] struct {
	Raw   func(T) []byte
	ID    func(T) string
	Table func([]T) TableData
}

// Output is what a command's output flags ask of a list of items.
type Output struct {
	// Format is --format. When it was not given, Default is used: "" (the
	// indented JSON) or one of the format constants, such as Table.
	Format  Format
	Default string
	// Quiet is -q/--quiet: each item's ID, one a line, and nothing else.
	Quiet bool
	// One prints a single item as its own JSON document rather than as an
	// array of one, as "get" does for one ID.
	One bool
	// Color allows ANSI colour, for the table header.
	Color bool
}

// Print writes items as out asks: their IDs with Quiet; otherwise one JSON
// array of their raw JSON (or, with One and one item, that item's JSON) in
// the format, with k.Table as the table view.
func (k Kind[T]) Print(w io.Writer, items []T, out Output) error {
	if out.Quiet {
		return Lines(w, items, k.ID)
	}
	format := out.Format
	if format.Name == "" {
		format.Name = out.Default
	}
	var raw []byte
	if out.One && len(items) == 1 {
		raw = k.Raw(items[0])
	} else {
		raw = JSONArray(items, k.Raw)
	}
	p := Printer{Format: format, Color: out.Color}
	return p.Print(w, raw, func() TableData { return k.Table(items) })
}
