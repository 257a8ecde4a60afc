// Package printer turns a command's result into text in the format the user
// asked for with --format. Commands fetch, then hand the server's raw JSON
// (and, for tables, a named table shape) to a Printer; fetching and printing
// stay apart.
//
// JSON output is the server's JSON itself, re-indented or compacted, so that
// fields this tool does not know about survive.
package printer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/theory/jsonpath"
	"github.com/tidwall/gjson"
	"go.yaml.in/yaml/v3"

	"github.com/hydratoken/hydra/pkg/text"
)

// The names of the formats.
const (
	JSON        = "json"
	JSONPretty  = "json-pretty"
	YAML        = "yaml"
	Table       = "table"
	JSONPath    = "jsonpath"
	JSONPointer = "jsonpointer"
)

// Formats lists every value --format takes, as shown in help, errors and
// shell completion.
var Formats = []string{JSON, JSONPretty, YAML, Table, JSONPath + "=EXPR", JSONPointer + "=PTR"}

// UnknownFormatError is returned by ParseFormat for a value that names no
// format. The command layer reports it as a usage error.
type UnknownFormatError struct {
	Value string
	Valid []string
}

func (e *UnknownFormatError) Error() string {
	return fmt.Sprintf("unknown format %q: valid formats are %s", e.Value, strings.Join(e.Valid, ", "))
}

// Format is a parsed --format value.
type Format struct {
	// Name is one of the format constants, or "" when --format was not
	// given and the command prints its own default view.
	Name string
	// Expr is the expression of jsonpath= and jsonpointer=.
	Expr string
	// Hydra prints jsonpath and jsonpointer as Hydra v2's CLI does
	// (Style.HydraPaths): the selected value JSON-encoded and indented
	// ("Get Me" with its quotes), a jsonpath as a gjson path, and null,
	// with no error, for a jsonpath that selects nothing.
	Hydra bool
}

// ParseFormat parses a --format value. An empty value gives the zero Format.
// The expression of jsonpath= and jsonpointer= is checked here, so that a bad
// one is a usage error before any request is sent.
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return Format{}, nil
	}
	name, expr, hasExpr := strings.Cut(s, "=")
	switch name {
	case JSON, JSONPretty, YAML, Table:
		if !hasExpr {
			return Format{Name: name}, nil
		}
	case JSONPath:
		if hasExpr && expr != "" {
			// kubectl's {.access_token} is RFC 9535's $.access_token. Expr
			// keeps what the user wrote, for messages; writeJSONPath
			// translates it again.
			rfc, _, err := fromKubectl(expr)
			if err != nil {
				return Format{}, err
			}
			if strings.HasPrefix(rfc, "$") {
				if _, err := jsonpath.Parse(rfc); err != nil {
					return Format{}, fmt.Errorf("invalid --format jsonpath=%s: %w", expr, err)
				}
			}
			return Format{Name: name, Expr: expr}, nil
		}
	case JSONPointer:
		if hasExpr && (expr == "" || strings.HasPrefix(expr, "/")) {
			return Format{Name: name, Expr: expr}, nil
		}
		if hasExpr {
			return Format{}, fmt.Errorf("invalid --format jsonpointer=%s: a JSON pointer is empty or starts with /", expr)
		}
	}
	return Format{}, &UnknownFormatError{Value: s, Valid: Formats}
}

// String returns the format as the user would write it.
func (f Format) String() string {
	if f.Expr != "" || f.Name == JSONPath || f.Name == JSONPointer {
		return f.Name + "=" + f.Expr
	}
	return f.Name
}

// TableData is a named table shape: a header row and rows of cells.
type TableData struct {
	Headers []string
	Rows    [][]string
}

// Printer writes values in one format.
type Printer struct {
	Format Format
	// Color allows ANSI colour, for the table header.
	Color bool
}

// Print writes raw, a JSON document, in p's format. table builds the table
// view; when it is nil, the table shows the top-level fields as KEY and
// VALUE rows.
func (p Printer) Print(w io.Writer, raw []byte, table func() TableData) error {
	switch p.Format.Name {
	case JSON:
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := w.Write(buf.Bytes())
		return err
	case "", JSONPretty:
		var buf bytes.Buffer
		if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := w.Write(buf.Bytes())
		return err
	case YAML:
		return writeYAML(w, raw)
	case Table:
		var t TableData
		if table != nil {
			t = table()
		} else {
			var err error
			if t, err = keyValueTable(raw); err != nil {
				return err
			}
		}
		return p.WriteTable(w, t)
	case JSONPath:
		if p.Format.Hydra {
			return writeHydraValue(w, gjson.GetBytes(raw, p.Format.Expr))
		}
		return writeJSONPath(w, raw, p.Format.Expr)
	case JSONPointer:
		if p.Format.Hydra {
			v, ok := resolvePointer(gjson.ParseBytes(raw), p.Format.Expr)
			if !ok {
				return &NoMatchError{Kind: "jsonpointer", Expr: p.Format.Expr}
			}
			return writeHydraValue(w, v)
		}
		return writeJSONPointer(w, raw, p.Format.Expr)
	}
	return &UnknownFormatError{Value: p.Format.Name, Valid: Formats}
}

func keyValueTable(raw []byte) (TableData, error) {
	t := TableData{Headers: []string{"KEY", "VALUE"}}
	res := gjson.ParseBytes(raw)
	if !res.IsObject() {
		return t, errors.New("table format needs a JSON object")
	}
	res.ForEach(func(k, v gjson.Result) bool {
		t.Rows = append(t.Rows, []string{k.String(), Cell(v)})
		return true
	})
	return t, nil
}

// Cell renders a JSON value for a table cell: strings bare, arrays joined
// with commas, null as empty.
func Cell(v gjson.Result) string {
	switch {
	case v.Type == gjson.Null:
		return ""
	case v.IsArray():
		var parts []string
		for _, e := range v.Array() {
			parts = append(parts, Cell(e))
		}
		return strings.Join(parts, ",")
	case v.Type == gjson.String:
		return v.Str
	}
	return v.Raw
}

// writeYAML converts JSON to YAML keeping the order of keys. JSON is YAML, so
// the YAML parser reads it into a node tree; resetting each node's style
// turns JSON's flow style and quotes into YAML's block style.
func writeYAML(w io.Writer, raw []byte) error {
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		return err
	}
	var reset func(n *yaml.Node)
	reset = func(n *yaml.Node) {
		n.Style = 0
		// A string that a YAML reader would take for another type keeps
		// its quotes.
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value != "" && (!plainStringIsString(n.Value) || yaml11Bool(n.Value)) {
			n.Style = yaml.DoubleQuotedStyle
		}
		for _, c := range n.Content {
			reset(c)
		}
	}
	reset(&node)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return err
	}
	return enc.Close()
}

// yaml11Bool reports whether s is a boolean in YAML 1.1, which many readers
// (PyYAML, Ruby's Psych, older Go libraries) still follow: unquoted, a
// client ID "yes" or "off" would come back as true or false.
func yaml11Bool(s string) bool {
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "on", "off", "true", "false":
		return true
	}
	return false
}

func plainStringIsString(s string) bool {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return false
	}
	got, ok := v.(string)
	return ok && got == s
}

// writeJSONPath prints what expr selects, one value a line: strings bare,
// other values as compact JSON. An expression starting with "$" is RFC 9535
// JSONPath, and so is kubectl's brace form ({.access_token}, see
// fromKubectl); anything else is a gjson path, as Hydra v2's CLI takes.
func writeJSONPath(w io.Writer, raw []byte, given string) error {
	expr, _, err := fromKubectl(given)
	if err != nil {
		return err
	}
	var out []string
	if strings.HasPrefix(expr, "$") {
		if out, err = selectJSONPath(raw, expr); err != nil {
			return err
		}
	} else {
		res := gjson.GetBytes(raw, expr)
		// A gjson multipath ({a,b} or [a,b]) that selects nothing is {}
		// or []: a miss, not a result.
		multi := strings.HasPrefix(expr, "{") || strings.HasPrefix(expr, "[")
		if multi && (res.Raw == "{}" || res.Raw == "[]") {
			res = gjson.Result{}
		}
		if res.Exists() {
			if res.Type == gjson.String {
				out = append(out, res.Str)
			} else {
				var buf bytes.Buffer
				if err := json.Compact(&buf, []byte(res.Raw)); err != nil {
					return err
				}
				out = append(out, buf.String())
			}
		}
	}
	if len(out) == 0 {
		if isEmptyArray(raw) {
			// An empty list is an empty result, not a miss.
			return nil
		}
		return &NoMatchError{Kind: "jsonpath", Expr: given}
	}
	_, err = io.WriteString(w, strings.Join(out, "\n")+"\n")
	return err
}

// NoMatchError reports a jsonpath or jsonpointer that selected nothing.
type NoMatchError struct{ Kind, Expr string }

func (e *NoMatchError) Error() string {
	return fmt.Sprintf("%s %q selects nothing in the result", e.Kind, e.Expr)
}

// writeJSONPointer prints the value that an RFC 6901 JSON pointer names,
// keeping the server's bytes (and so its key order). JSON Pointer is a dozen
// lines of specification over a JSON walker we already have; the libraries
// that offer it bring in far more than it needs.
func writeJSONPointer(w io.Writer, raw []byte, ptr string) error {
	if !json.Valid(raw) {
		return errors.New("the result is not valid JSON")
	}
	v, ok := resolvePointer(gjson.ParseBytes(raw), ptr)
	if !ok {
		if isEmptyArray(raw) {
			// An empty list is an empty result, not a miss.
			return nil
		}
		return &NoMatchError{Kind: "jsonpointer", Expr: ptr}
	}
	s := v.Str
	if v.Type != gjson.String {
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(v.Raw)); err != nil {
			return err
		}
		s = buf.String()
	}
	_, err := io.WriteString(w, s+"\n")
	return err
}

func resolvePointer(doc gjson.Result, ptr string) (gjson.Result, bool) {
	if ptr == "" {
		return doc, true
	}
	unescape := strings.NewReplacer("~1", "/", "~0", "~")
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescape.Replace(tok)
		var next gjson.Result
		found := false
		switch {
		case cur.IsObject():
			cur.ForEach(func(k, v gjson.Result) bool {
				if k.Str == tok {
					next, found = v, true
					return false
				}
				return true
			})
		case cur.IsArray():
			if i, ok := arrayIndex(tok); ok {
				if arr := cur.Array(); i < len(arr) {
					next, found = arr[i], true
				}
			}
		}
		if !found {
			return gjson.Result{}, false
		}
		cur = next
	}
	return cur, true
}

// arrayIndex parses an RFC 6901 array index: digits, no leading zero.
func arrayIndex(tok string) (int, bool) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') || len(tok) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range tok {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// ValidFormat reports whether name is one of the formats; for completion.
func ValidFormat(name string) bool { return slices.Contains(Formats, name) }

// Printable makes a server-supplied value safe for one cell of a terminal
// line. It is text.Printable, the one rule for the whole tool.
func Printable(s string) string { return text.Printable(s) }
