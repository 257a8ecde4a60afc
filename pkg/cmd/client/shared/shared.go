package shared

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

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
	return docs, err == nil && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")), err
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
			docs = append(docs, d)
		}
		return docs, nil
	}
	return nil, fmt.Errorf("%s:1:1: want a JSON client object or an array of them, not %s", name, api.Excerpt(trimmed, 20))
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

// Values that Hydra v2.3.0 supports. It stores any other value without a
// word, and the client then fails at the token endpoint.
var (
	knownGrantTypes = []string{
		"authorization_code", "implicit", "client_credentials", "refresh_token",
		"urn:ietf:params:oauth:grant-type:jwt-bearer",
	}
	knownResponseWords = []string{"code", "token", "id_token", "none"}
	knownAuthMethods   = []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}
)

// knownFields are the JSON fields of Hydra v2.3.0's client model. Hydra
// drops any other field of a request without a word, so that a typo such
// as "grant_type" silently leaves the default in place.
var knownFields = strings.Fields(`access_token_strategy allowed_cors_origins audience
	authorization_code_grant_access_token_lifespan authorization_code_grant_id_token_lifespan
	authorization_code_grant_refresh_token_lifespan backchannel_logout_session_required backchannel_logout_uri
	client_credentials_grant_access_token_lifespan client_id client_name client_secret client_secret_expires_at
	client_uri contacts created_at frontchannel_logout_session_required frontchannel_logout_uri grant_types
	implicit_grant_access_token_lifespan implicit_grant_id_token_lifespan jwks jwks_uri
	jwt_bearer_grant_access_token_lifespan logo_uri metadata owner policy_uri post_logout_redirect_uris
	redirect_uris refresh_token_grant_access_token_lifespan refresh_token_grant_id_token_lifespan
	refresh_token_grant_refresh_token_lifespan registration_access_token registration_client_uri
	request_object_signing_alg request_uris response_types scope sector_identifier_uri skip_consent
	skip_logout_consent subject_type token_endpoint_auth_method token_endpoint_auth_signing_alg tos_uri
	updated_at userinfo_signed_response_alg`)

// Warnings lists what in d Hydra accepts silently but does not support or
// ignores: unknown fields, grant types, response types and token endpoint
// authentication methods, one message each.
func Warnings(d Doc) []string {
	var out []string
	var unknown []string
	for k := range d {
		if !slices.Contains(knownFields, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		out = append(out, fmt.Sprintf("unknown field %q: Hydra ignores it", k))
	}
	for _, g := range d.Strings("grant_types") {
		if !slices.Contains(knownGrantTypes, g) {
			out = append(out, fmt.Sprintf("unknown grant type %q: Hydra stores it, but supports only %s", g, strings.Join(knownGrantTypes, ", ")))
		}
	}
	for _, r := range d.Strings("response_types") {
		for _, w := range strings.Fields(r) {
			if !slices.Contains(knownResponseWords, w) {
				out = append(out, fmt.Sprintf("unknown response type %q: Hydra stores it, but supports only combinations of code, token and id_token", r))
				break
			}
		}
	}
	if m := d.String("token_endpoint_auth_method"); m != "" && !slices.Contains(knownAuthMethods, m) {
		out = append(out, fmt.Sprintf("unknown token endpoint auth method %q: Hydra stores it, but supports only %s", m, strings.Join(knownAuthMethods, ", ")))
	}
	return out
}

// WarnUnknown prints Warnings(d) on w, prefixed with what, such as
// `client "x"`.
func WarnUnknown(w io.Writer, what string, d Doc) {
	for _, msg := range Warnings(d) {
		if what != "" {
			fmt.Fprintf(w, "warning: %s: %s\n", what, msg)
		} else {
			fmt.Fprintf(w, "warning: %s\n", msg)
		}
	}
}

// ClientError rewords the admin API's answers about one client: a missing
// client or a taken ID is named, with what to do. Other errors pass through.
func ClientError(id string, err error) error {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	// A 404 without a JSON error body is a wrong endpoint, not a missing
	// client: api.Error already says so.
	fromHydra := apiErr.Code != "" || apiErr.Description != ""
	switch {
	case apiErr.StatusCode == http.StatusNotFound && fromHydra:
		return fmt.Errorf("no client with ID %q: %w\nList the clients with 'hydra client list'", id, err)
	case apiErr.StatusCode == http.StatusConflict && id != "":
		return fmt.Errorf("a client with ID %q already exists: %w\nChoose another --id, or change the client with 'hydra client update %s'", id, err, id)
	case apiErr.StatusCode == http.StatusConflict:
		return fmt.Errorf("the client already exists: %w", err)
	case apiErr.Code == "invalid_redirect_uri" && apiErr.Advice == "":
		apiErr.Advice = "Redirect URIs must be absolute URLs, such as https://app.example/callback, without a fragment (#)."
	}
	return err
}

// ServerFailed reports whether err says that the server failed, rather than
// that one client was refused: nothing answered, a redirect, 401 or 403, a
// 5xx, an answer that was not Hydra's JSON error, or a success whose body
// could not be used. A batch stops at such an error instead of repeating it
// for every client that follows.
func ServerFailed(err error) bool {
	var ce *api.ConnError
	if errors.As(err, &ce) {
		return true
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch {
	case ae.StatusCode >= 500, ae.StatusCode/100 == 3, ae.StatusCode/100 == 2,
		ae.StatusCode == http.StatusUnauthorized, ae.StatusCode == http.StatusForbidden:
		return true
	}
	return ae.Code == "" && ae.Description == ""
}

// Batch decides when a command that sends one request per client stops
// after a failure: at the first one that says the server failed
// (ServerFailed), or when the server refused three clients in a row alike,
// which says that it refuses them all. A 404 or 409 from Hydra is about the
// one client (missing, or taken), however often it comes. Either way, the next requests would
// fail the same, and a message per client would flood the terminal.
type Batch struct {
	last    string
	repeats int
}

// Stop records a failure and reports whether the batch should stop.
func (b *Batch) Stop(err error) bool {
	if ServerFailed(err) {
		return true
	}
	key := err.Error()
	var ae *api.Error
	if errors.As(err, &ae) {
		if ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusConflict {
			return false
		}
		// Alike: the same answer, whatever the client's URL.
		key = fmt.Sprint(ae.StatusCode, ae.Code, ae.Description, ae.Hint)
	}
	if key == b.last {
		b.repeats++
	} else {
		b.last, b.repeats = key, 1
	}
	return b.repeats >= 3
}

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

// JSONArray joins the clients' raw JSON into one array, keeping every field
// as the server sent it.
func JSONArray(clients []*api.OAuth2Client) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, c := range clients {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(c.Raw)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// PrintIDs writes the clients' IDs, one a line: the -q/--quiet output.
func PrintIDs(w io.Writer, clients []*api.OAuth2Client) error {
	var b strings.Builder
	for _, c := range clients {
		b.WriteString(c.ClientID)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ParseFormat parses --format, which -q/--quiet excludes: the two ask for
// different outputs.
func ParseFormat(format *cmdutil.FormatFlag, quiet bool) (printer.Format, error) {
	f, err := format.Parse()
	if err != nil {
		return f, err
	}
	if quiet && f.Name != "" {
		return f, cmdutil.FlagErrorf("-q/--quiet and --format cannot be used together")
	}
	return f, nil
}

// CheckIDs is CheckID for each of ids.
func CheckIDs(ids []string) error {
	for _, id := range ids {
		if err := CheckID(id); err != nil {
			return err
		}
	}
	return nil
}

// CheckID rejects an empty client ID or one with a "/", which no request
// path can carry to Hydra.
func CheckID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return cmdutil.FlagErrorf("a client ID must not be empty")
	case strings.Contains(id, "/"):
		return cmdutil.FlagErrorf("client ID %q contains a /, which Hydra's admin API cannot address", id)
	}
	return nil
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
	out, err := removeMember(raw, "client_secret")
	if err != nil {
		return raw
	}
	return out
}

// removeMember returns the JSON object raw without its member key, keeping
// the other members in order and byte for byte.
func removeMember(raw json.RawMessage, key string) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
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
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
