package printer

import (
	"encoding/json"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tidwall/gjson"
)

// Hydra's CLIs (v2 and later) print their default and "table" output with
// ory/x cmdx: Go's text/tabwriter, minimum width 0, tab width 8, padding 1,
// padded with tabs. Scripts cut that output on tabs (awk -F'\t') or on
// blanks (awk '{print $3}'), so under Hydra's spellings this tool prints it
// byte for byte, through the same standard-library writer.
func newHydraTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 8, 1, '\t', 0)
}

// WriteHydraRow prints one item as Hydra's CLI prints it by default and in
// the table format: one "HEADER\tvalue\t" line per column, tab-padded into
// two aligned columns (cmdx.PrintRow). cells holds one value per header.
func WriteHydraRow(w io.Writer, headers, cells []string) error {
	tw := newHydraTabWriter(w)
	for i, h := range headers {
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		if _, err := io.WriteString(tw, h+"\t"+cell+"\t\n"); err != nil {
			return err
		}
	}
	return tw.Flush()
}

// WriteHydraTable prints several items as Hydra's CLI prints a list by
// default and in the table format: a header line, then one line per row,
// each cell followed by a tab, tab-padded into aligned columns
// (cmdx.PrintTable). Rows may have fewer cells than headers, as the page
// rows of HydraPageRows do.
func WriteHydraTable(w io.Writer, headers []string, rows [][]string) error {
	tw := newHydraTabWriter(w)
	var b strings.Builder
	for _, h := range headers {
		b.WriteString(h + "\t")
	}
	b.WriteByte('\n')
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\t\n")
	}
	if _, err := io.WriteString(tw, b.String()); err != nil {
		return err
	}
	return tw.Flush()
}

// HydraPageRows are the rows that Hydra v2's CLI adds under a page of a
// list (cmdx.PaginatedList): an empty row, then NEXT PAGE TOKEN and IS
// LAST PAGE.
func HydraPageRows(nextPageToken string) [][]string {
	last := "false"
	if nextPageToken == "" {
		last = "true"
	}
	return [][]string{{}, {"NEXT PAGE TOKEN", nextPageToken}, {"IS LAST PAGE", last}}
}

// writeHydraValue prints a selected value as Hydra v2's CLI prints a
// jsonpath or jsonpointer result: decoded, then encoded again with
// encoding/json, indented by two spaces (so an object's members come out
// sorted, and <, > and & escaped), and null for nothing.
func writeHydraValue(w io.Writer, v gjson.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v.Value())
}
