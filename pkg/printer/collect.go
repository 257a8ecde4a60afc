package printer

import (
	"bytes"
	"encoding/json"
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
	// HydraHeaders and HydraRow are the columns of Hydra v2's table of
	// this kind, and an item's cells in them (Output.HydraTable).
	HydraHeaders []string
	HydraRow     func(T) []string
	// V1Model and V1Table are Hydra v1's shapes of this kind
	// (Output.HydraV1): the SDK model one item prints as, and the table of
	// a list.
	V1Model V1Model
	V1Table func([]T) TableData
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
	// Page, when not nil, asks for Hydra v2's page envelope (Style.Envelope)
	// in the formats that print a document: see Enveloped.
	Page *Page
	// HydraTable prints the default output and --format table as Hydra
	// v2's CLI does (Style.HydraTable): with One, one item as
	// WriteHydraRow; otherwise a WriteHydraTable, with the page rows when
	// Page is set.
	HydraTable bool
	// HydraV1 prints the default output as Hydra v1's CLI does
	// (Style.HydraV1): with One, each item as WriteV1JSON prints it with
	// the kind's V1Model, one document after another; otherwise the kind's
	// V1Table, as WriteV1Table prints it. --format and -q keep this tool's
	// shapes.
	HydraV1 bool
}

// Page is what Hydra v2's page envelope says of the page printed.
type Page struct {
	// NextPageToken is the token of the next page; empty on the last.
	NextPageToken string
}

// Enveloped reports whether out prints the list in Hydra v2's page
// envelope: with Page, and a --format that prints a document (JSON, YAML,
// jsonpath, jsonpointer), not the table and not -q. The command then says
// nothing of the next page on stderr: the envelope carries it.
func (out Output) Enveloped() bool {
	return out.Page != nil && !out.Quiet && out.Format.Name != "" && out.Format.Name != Table
}

// Print writes items as out asks: their IDs with Quiet; otherwise one JSON
// array of their raw JSON (or, with One and one item, that item's JSON) in
// the format, with k.Table as the table view.
func (k Kind[T]) Print(w io.Writer, items []T, out Output) error {
	if out.Quiet {
		return Lines(w, items, k.ID)
	}
	if out.HydraV1 && out.Format.Name == "" && (out.One && k.V1Model != nil || !out.One && k.V1Table != nil) {
		if !out.One {
			return WriteV1Table(w, k.V1Table(items))
		}
		for _, it := range items {
			if err := WriteV1JSON(w, k.Raw(it), k.V1Model); err != nil {
				return err
			}
		}
		return nil
	}
	if out.HydraTable && k.HydraRow != nil && (out.Format.Name == "" || out.Format.Name == Table) {
		if out.One && len(items) == 1 {
			return WriteHydraRow(w, k.HydraHeaders, k.HydraRow(items[0]))
		}
		rows := make([][]string, 0, len(items)+3)
		for _, it := range items {
			rows = append(rows, k.HydraRow(it))
		}
		if out.Page != nil {
			rows = append(rows, HydraPageRows(out.Page.NextPageToken)...)
		}
		return WriteHydraTable(w, k.HydraHeaders, rows)
	}
	format := out.Format
	if format.Name == "" {
		format.Name = out.Default
	}
	var raw []byte
	switch {
	case out.Enveloped():
		var err error
		if raw, err = envelope(JSONArray(items, k.Raw), *out.Page); err != nil {
			return err
		}
	case out.One && len(items) == 1:
		raw = k.Raw(items[0])
	default:
		raw = JSONArray(items, k.Raw)
	}
	p := Printer{Format: format, Color: out.Color}
	return p.Print(w, raw, func() TableData { return k.Table(items) })
}

// envelope is Hydra v2's page object around items, a JSON array.
func envelope(items []byte, page Page) ([]byte, error) {
	return json.Marshal(struct {
		Items         json.RawMessage `json:"items"`
		NextPageToken string          `json:"next_page_token"`
		IsLastPage    bool            `json:"is_last_page"`
	}{items, page.NextPageToken, page.NextPageToken == ""})
}
