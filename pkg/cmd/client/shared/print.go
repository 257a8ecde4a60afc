package shared

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/printer"
)

// Table is the table view of clients: one row per client, with the columns
// a person looks for.
func Table(clients []*api.OAuth2Client) printer.TableData {
	t := printer.TableData{Headers: []string{"CLIENT ID", "NAME", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "OWNER"}}
	for _, c := range clients {
		get := func(k string) string { return printer.Cell(gjson.GetBytes(c.Raw, k)) }
		t.Rows = append(t.Rows, []string{
			c.ClientID, get("client_name"), get("grant_types"), get("response_types"), get("scope"), get("audience"), get("owner"),
		})
	}
	return t
}

// HydraHeaders are the columns of Hydra v2's table of clients.
var HydraHeaders = []string{"CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"}

// HydraRow is a client's cells in Hydra v2's table: lists joined with ", "
// (the audience with ","), and the secret when the answer has one.
func HydraRow(c *api.OAuth2Client) []string {
	join := func(k, sep string) string {
		var parts []string
		for _, v := range gjson.GetBytes(c.Raw, k).Array() {
			parts = append(parts, v.String())
		}
		return strings.Join(parts, sep)
	}
	return []string{
		c.ClientID, c.ClientSecret, join("grant_types", ", "), join("response_types", ", "),
		gjson.GetBytes(c.Raw, "scope").String(), join("audience", ","), join("redirect_uris", ", "),
	}
}

// Clients is how clients print: their JSON as the server sent it, the
// client ID for -q/--quiet, and Table.
var Clients = printer.Kind[*api.OAuth2Client]{
	Raw:   func(c *api.OAuth2Client) []byte { return c.Raw },
	ID:    func(c *api.OAuth2Client) string { return c.ClientID },
	Table: Table,

	HydraHeaders: HydraHeaders,
	HydraRow:     HydraRow,

	V1Model: printer.V1Client,
	V1Table: V1Table,
}

// V1Table is Hydra v1's table of clients (clients list): response and
// grant types joined with commas, the redirect URIs one a line (which
// Hydra v1's table writer then flows as words).
func V1Table(clients []*api.OAuth2Client) printer.TableData {
	t := printer.TableData{Headers: []string{"CLIENT ID", "NAME", "RESPONSE TYPES", "SCOPE", "REDIRECT URIS", "GRANT TYPES", "TOKEN ENDPOINT AUTH METHOD"}}
	for _, c := range clients {
		join := func(k, sep string) string {
			var parts []string
			for _, v := range gjson.GetBytes(c.Raw, k).Array() {
				parts = append(parts, v.String())
			}
			return strings.Join(parts, sep)
		}
		get := func(k string) string { return gjson.GetBytes(c.Raw, k).String() }
		t.Rows = append(t.Rows, []string{
			c.ClientID, get("client_name"), join("response_types", ","), get("scope"),
			join("redirect_uris", "\n"), join("grant_types", ","), get("token_endpoint_auth_method"),
		})
	}
	return t
}

// JSONArray joins the clients' raw JSON into one array, keeping every field
// as the server sent it.
func JSONArray(clients []*api.OAuth2Client) []byte {
	return printer.JSONArray(clients, Clients.Raw)
}

// PrintIDs writes the clients' IDs, one a line: the -q/--quiet output.
func PrintIDs(w io.Writer, clients []*api.OAuth2Client) error {
	return printer.Lines(w, clients, Clients.ID)
}

// WithoutSecret drops client_secret from the server's answer, for a secret
// that the user gave: echoing it would put it on screen and in logs. A
// secret the server generated is the result, and is kept.
func WithoutSecret(raw json.RawMessage) json.RawMessage {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return raw
	}
	if _, ok := fields["client_secret"]; !ok {
		return raw
	}
	// Re-encoding would reorder the fields; cut the member out of the
	// original text instead, so that the server's order survives.
	out, err := editMember(raw, "client_secret", nil)
	if err != nil {
		return raw
	}
	return out
}

// editMember returns the JSON object raw with its member key set to value,
// in the member's place or last when raw has none, or without the member
// when value is nil; the other members keep their order and bytes.
func editMember(raw json.RawMessage, key string, value json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var b bytes.Buffer
	b.WriteByte('{')
	first, done := true, value == nil
	member := func(k string, v json.RawMessage) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if k == key {
			if done {
				continue
			}
			v, done = value, true
		}
		member(k, v)
	}
	if !done {
		member(key, value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
