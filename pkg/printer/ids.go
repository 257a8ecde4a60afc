package printer

import (
	"encoding/json"
	"io"
)

// IDList prints the IDs that a command's work yields, such as the clients
// it deleted or the tokens it revoked. Without a format, each ID is printed
// on its own line as it is added, so that an interruption loses nothing
// already done. With one, the IDs are printed at Flush as one document: a
// JSON string for one ID, an array for several, and a table with an ID
// column; no document when there is no ID.
type IDList struct {
	w       io.Writer
	printer Printer
	ids     []string
	// hydra prints the default and table output as Hydra v2's CLI does
	// (NewHydraIDList).
	hydra bool
	// v1, when set, is the line printed for each ID as it is added, as
	// Hydra v1's CLI does (NewV1IDList).
	v1 V1Line
}

// NewIDList returns an IDList that writes to w in p's format; p's zero
// Format prints one ID a line.
func NewIDList(w io.Writer, p Printer) *IDList {
	return &IDList{w: w, printer: p}
}

// NewHydraIDList returns an IDList that prints as Hydra v2's CLI does: by
// default and with --format table, at Flush, "ID\t<id>" for one ID and an
// ID header over one line per ID for several, tab-padded (WriteHydraRow,
// WriteHydraTable); other formats as NewIDList.
func NewHydraIDList(w io.Writer, p Printer) *IDList {
	return &IDList{w: w, printer: p, hydra: true}
}

// Add prints id, or keeps it for Flush.
func (l *IDList) Add(id string) error {
	if l.v1 != "" {
		return WriteV1Line(l.w, l.v1, id)
	}
	if l.printer.Format.Name == "" && !l.hydra {
		_, err := io.WriteString(l.w, id+"\n")
		return err
	}
	l.ids = append(l.ids, id)
	return nil
}

// Flush prints the IDs kept for a format. Call it once, after the last Add,
// whether or not the command failed: what was done is printed.
func (l *IDList) Flush() error {
	if len(l.ids) == 0 {
		return nil
	}
	var doc any = l.ids
	if len(l.ids) == 1 {
		doc = l.ids[0]
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	ids := l.ids
	l.ids = nil
	if l.hydra && (l.printer.Format.Name == "" || l.printer.Format.Name == Table) {
		if len(ids) == 1 {
			return WriteHydraRow(l.w, []string{"ID"}, ids)
		}
		rows := make([][]string, len(ids))
		for i, id := range ids {
			rows[i] = []string{id}
		}
		return WriteHydraTable(l.w, []string{"ID"}, rows)
	}
	return l.printer.Print(l.w, raw, func() TableData {
		t := TableData{Headers: []string{"ID"}}
		for _, id := range ids {
			t.Rows = append(t.Rows, []string{id})
		}
		return t
	})
}
