package printer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/theory/jsonpath"
	"github.com/theory/jsonpath/spec"
)

// selectJSONPath evaluates an RFC 9535 JSONPath over raw and returns the
// selected values, each printed as writeJSONPath prints it.
//
// RFC 9535 leaves the order of an object's members to the implementation,
// and theory/jsonpath takes it from Go's map iteration, which changes from
// run to run. Here the wildcard and filter selectors and descendant segments
// visit an object's members in the order the server sent them, so that the
// output is the same on every run; the other selectors, whose order the RFC
// fixes, are the library's.
func selectJSONPath(raw []byte, expr string) ([]string, error) {
	p, err := jsonpath.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid jsonpath %q: %w", expr, err)
	}
	doc, err := decodeOrdered(raw)
	if err != nil {
		return nil, err
	}
	nodes := []any{doc.root}
	for _, seg := range p.Query().Segments() {
		var next []any
		for _, n := range nodes {
			next = doc.segment(next, seg, n)
		}
		nodes = next
	}
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		if s, ok := n.(string); ok {
			out = append(out, s)
			continue
		}
		var b bytes.Buffer
		doc.encode(&b, n)
		out = append(out, b.String())
	}
	return out, nil
}

// orderedDoc is a JSON document decoded into the values theory/jsonpath
// reads (map[string]any, []any, string, json.Number, bool, nil), with the
// member order of each object kept beside it.
type orderedDoc struct {
	root any
	// keys holds each object's member names in document order, by the
	// object's map pointer.
	keys map[uintptr][]string
}

func decodeOrdered(raw []byte) (*orderedDoc, error) {
	d := &orderedDoc{keys: map[uintptr][]string{}}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := d.decode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the result is not one JSON value")
	}
	d.root = v
	return d, nil
}

func (d *orderedDoc) decode(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		m := map[string]any{}
		var keys []string
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := d.decode(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := m[k]; !dup {
				keys = append(keys, k)
			}
			m[k] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		d.keys[mapID(m)] = keys
		return m, nil
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := d.decode(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return a, nil
	}
	return tok, nil
}

func mapID(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// members returns the values of object m in document order.
func (d *orderedDoc) members(m map[string]any) []any {
	keys := d.keys[mapID(m)]
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// segment appends to out what seg selects from n, as RFC 9535 §2.5 defines:
// each selector in turn, then, for a descendant segment, the same for every
// child in document order.
func (d *orderedDoc) segment(out []any, seg *spec.Segment, n any) []any {
	for _, sel := range seg.Selectors() {
		out = append(out, d.selector(sel, n)...)
	}
	if seg.IsDescendant() {
		var children []any
		switch v := n.(type) {
		case map[string]any:
			children = d.members(v)
		case []any:
			children = v
		}
		for _, c := range children {
			out = d.segment(out, seg, c)
		}
	}
	return out
}

func (d *orderedDoc) selector(sel spec.Selector, n any) []any {
	m, ok := n.(map[string]any)
	if !ok {
		return sel.Select(n, d.root)
	}
	switch s := sel.(type) {
	case spec.WildcardSelector:
		return d.members(m)
	case *spec.FilterSelector:
		var out []any
		for _, v := range d.members(m) {
			if s.Eval(v, d.root) {
				out = append(out, v)
			}
		}
		return out
	}
	return sel.Select(n, d.root)
}

// encode writes v as compact JSON, objects in document order and numbers as
// the server wrote them.
func (d *orderedDoc) encode(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case map[string]any:
		b.WriteByte('{')
		for i, k := range d.keys[mapID(v)] {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeString(b, k)
			b.WriteByte(':')
			d.encode(b, v[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			d.encode(b, e)
		}
		b.WriteByte(']')
	case string:
		encodeString(b, v)
	case json.Number:
		b.WriteString(v.String())
	case bool:
		fmt.Fprint(b, v)
	case nil:
		b.WriteString("null")
	default:
		// Not produced by decode; kept for completeness.
		enc, _ := json.Marshal(v)
		b.Write(enc)
	}
}

// encodeString writes s as a JSON string without HTML escaping, as the
// server's own JSON has it.
func encodeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	// Encode ends with a newline.
	b.Truncate(b.Len() - 1)
}

// isEmptyArray reports whether raw is the JSON array [], in which every
// selector selects nothing and nothing is the right answer.
func isEmptyArray(raw []byte) bool {
	t := bytes.TrimSpace(raw)
	if len(t) < 2 || t[0] != '[' || t[len(t)-1] != ']' {
		return false
	}
	return strings.TrimSpace(string(t[1:len(t)-1])) == ""
}
