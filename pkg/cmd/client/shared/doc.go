// Package shared holds what the "hydra client" verbs share, a file per
// concern:
//
//   - doc.go: Doc, the client document model (JSON fields as given);
//   - flags.go: the flags of a client's fields, and how each becomes a field;
//   - parse.go: reading client documents from files and stdin, with
//     file:line:column errors;
//   - warnings.go: values Hydra accepts silently but does not support;
//   - errors.go: error messages that name the client;
//   - print.go: the printers of clients: table, JSON array, IDs;
//   - ids.go: checks of client IDs given as arguments.
//
// Creating clients, for "client create" and "client import", is the
// createmany package: the loop, its Ctrl-C policy and its output.
package shared

import "encoding/json"

// Doc is one client document as JSON fields, as read from a file or built
// from flags. Unknown fields pass through to the server untouched.
type Doc map[string]json.RawMessage

// Marshal encodes the document for the server.
func (d Doc) Marshal() []byte {
	b, _ := json.Marshal(map[string]json.RawMessage(d))
	return b
}

// String returns a string field, or "" when it is absent or not a string.
func (d Doc) String(key string) string {
	var s string
	_ = json.Unmarshal(d[key], &s)
	return s
}

// Strings returns a list-of-strings field, or nil.
func (d Doc) Strings(key string) []string {
	var s []string
	_ = json.Unmarshal(d[key], &s)
	return s
}

// Set sets key to the JSON encoding of v.
func (d Doc) Set(key string, v any) {
	b, _ := json.Marshal(v)
	d[key] = b
}
