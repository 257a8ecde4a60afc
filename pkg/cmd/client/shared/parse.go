package shared

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/hydratoken/hydra/pkg/api"
)

// ReadDocs reads one client (a JSON object) or several (a JSON array of
// objects) from path, or from in when path is "-", and reports whether it
// was an array. A syntax or type error names the file, line and column.
func ReadDocs(path string, in io.Reader) ([]Doc, bool, error) {
	var raw []byte
	var err error
	name := path
	if path == "-" {
		name = "stdin"
		raw, err = io.ReadAll(io.LimitReader(in, api.MaxBodySize))
	} else {
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", name, unwrapPathError(err))
	}
	docs, err := ParseDocs(name, raw)
	return docs, err == nil && bytes.HasPrefix(bytes.TrimSpace(trimBOM(raw)), []byte("[")), err
}

// trimBOM drops a UTF-8 byte order mark, which Windows editors write at the
// start of a file and JSON (RFC 8259 §8.1) lets a reader ignore.
func trimBOM(raw []byte) []byte {
	return bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ParseDocs parses the client documents in raw; name is the source, for
// messages.
func ParseDocs(name string, raw []byte) ([]Doc, error) {
	raw = trimBOM(raw)
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%s is empty: want a JSON client object or an array of them", name)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(name, raw, err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		if err != nil {
			return nil, jsonError(name, raw, err)
		}
		line, col := lineCol(raw, off)
		return nil, fmt.Errorf("%s:%d:%d: unexpected %s after the JSON value: want one client object or one array", name, line, col, describeToken(tok))
	}
	switch trimmed[0] {
	case '{':
		var d Doc
		if err := json.Unmarshal(v, &d); err != nil {
			return nil, jsonError(name, raw, err)
		}
		if err := notAClient(name, d); err != nil {
			return nil, err
		}
		return []Doc{d}, nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, jsonError(name, raw, err)
		}
		docs := make([]Doc, 0, len(items))
		for i, it := range items {
			var d Doc
			if err := json.Unmarshal(it, &d); err != nil || d == nil {
				return nil, fmt.Errorf("%s: item %d is not a JSON object: want an array of client objects", name, i)
			}
			if err := notAClient(fmt.Sprintf("%s: item %d", name, i), d); err != nil {
				return nil, err
			}
			docs = append(docs, d)
		}
		return docs, nil
	}
	return nil, fmt.Errorf("%s:1:1: want a JSON client object or an array of them, not %s", name, api.Excerpt(trimmed, 20))
}

// notAClient refuses a document with no field of Hydra's client model,
// such as a JWK set, a lone JWK, {} or {"foo":1}: Hydra would create a
// default client from it (authorization_code, with a generated secret), which
// is never what was meant. what names the document, for the message.
func notAClient(what string, d Doc) error {
	for k := range d {
		if slices.Contains(knownFields, k) {
			return nil
		}
	}
	msg := fmt.Sprintf("%s is not an OAuth 2.0 client: it has none of a client's fields, such as client_id, grant_types, redirect_uris or scope", what)
	switch {
	case d["keys"] != nil:
		msg += "\nIt looks like a JSON Web Key Set: import keys with 'hydra keys import SET FILE'"
	case d["kty"] != nil:
		msg += "\nIt looks like a JSON Web Key: import keys with 'hydra keys import SET FILE'"
	case len(d) == 0:
		msg += "\nTo create a client with Hydra's defaults, run 'hydra client create' without --file"
	}
	return errors.New(msg)
}

// jsonError turns a decoding error into "file:line:col: message".
// describeToken shows a JSON token found where none belongs, quoted and cut
// when it is a string, so that the message stays on one short line.
func describeToken(tok json.Token) string {
	if s, ok := tok.(string); ok {
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		return strconv.Quote(s)
	}
	return fmt.Sprint(tok)
}

func jsonError(name string, raw []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var off int64 = -1
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
		msg = syn.Error()
	case errors.As(err, &typ):
		off = typ.Offset
		msg = fmt.Sprintf("a JSON %s where %s was expected", typ.Value, typ.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(raw))
		msg = "unexpected end of JSON input"
	}
	if off < 0 {
		return fmt.Errorf("%s: invalid JSON: %s", name, msg)
	}
	line, col := lineCol(raw, off)
	return fmt.Errorf("%s:%d:%d: invalid JSON: %s", name, line, col, msg)
}

// lineCol returns the 1-based line and column of the byte just before
// offset, where encoding/json reports the error.
func lineCol(raw []byte, offset int64) (int, int) {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	line, col := 1, 0
	for _, b := range raw[:offset] {
		if b == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	if col == 0 {
		col = 1
	}
	return line, col
}
