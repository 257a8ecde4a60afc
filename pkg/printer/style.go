package printer

// Style says how a command shapes its stdout where Hydra v2's CLI, under
// its spellings, prints otherwise than this tool's own commands. The zero
// Style is the tool's own output.
//
// pkg/cmd/root/aliases.go sets one for each Hydra v2 spelling, the one
// place where the spellings are wired, and passes it to the command's
// constructor (such as list.NewCmdListStyled). A command reads the fields
// that apply to it, and the shapes are printed here, in the printer layer:
// nothing reads back what a command printed. A shape that another spelling
// needs (Hydra v2's tab-padded tables, its "ID\t<id>" lines) is a new field,
// or a new IDShape, set in that spelling's row.
type Style struct {
	// IDs is how a command whose result is IDs prints them: the clients
	// a delete removed, the tokens a revocation revoked. See IDShape.
	IDs IDShape
	// Envelope wraps a list printed as JSON, YAML, jsonpath or
	// jsonpointer in Hydra v2's page object, {"items":[...],
	// "next_page_token":"...","is_last_page":bool}, which then carries the
	// next page's token instead of a note on stderr (see Output.Page).
	Envelope bool
	// Expiry adds "expiry", when the access token expires (RFC 3339, UTC,
	// whole seconds), to a token response printed in a --format other
	// than table, as Hydra v2's CLI prints Go's oauth2.Token (see
	// WithExpiry).
	Expiry bool
	// QuietActive gives introspection -q: whether each token is active,
	// true or false, one a line.
	QuietActive bool
	// HydraTable prints the default output, and --format table, as Hydra
	// v2's CLI does (ory/x cmdx): a tab-padded vertical table of HEADER and
	// value lines for one item, a horizontal one for a list (with NEXT PAGE
	// TOKEN and IS LAST PAGE rows), and "ID\t<id>" for the IDs a command
	// deleted or revoked. See WriteHydraRow and WriteHydraTable.
	HydraTable bool
	// HydraPaths prints jsonpath and jsonpointer as Hydra v2's CLI does:
	// the value JSON-encoded, and null for a jsonpath miss (Format.Hydra).
	// The tool's own spellings keep kubectl's raw values.
	HydraPaths bool
	// HydraDefaults makes a create without a file store what Hydra v2's
	// CLI stores for the flags not given (its flags' defaults:
	// response_types [code], grant_types [authorization_code],
	// request_object_signing_alg RS256, and so on). In perform
	// device-code, it makes a secret given by flag authenticate as Hydra
	// v26's CLI sends it, client_secret_post, when --auth-method is not
	// given.
	HydraDefaults bool
	// HydraV1 prints as Hydra v1.11.10's CLI does, under Hydra v1's
	// spellings where they are not also this tool's own (`clients …`, the
	// `token` verbs Hydra v1 had, `keys delete` and `keys import`): its
	// JSON layout (tab-indented, the members of its SDK's model, in the
	// model's order), its tables and its confirmation lines on stdout.
	HydraV1 bool
}

// IDShape is how a command whose result is a list of IDs prints them.
type IDShape int

const (
	// OwnIDs is the tool's own output: a delete prints each ID on its own
	// line as it is done, and takes no --format; a revocation prints no
	// token on stdout.
	OwnIDs IDShape = iota
	// V2IDs is Hydra v2's: the command takes --format and -q, and prints
	// the IDs through an IDList: one a line with -q; by default and with
	// --format table, Hydra v2's tab-padded "ID\t<id>" table at the end
	// (NewHydraIDList); with another --format, one document at the end.
	V2IDs
)

// Hydra reports whether s is one of Hydra v2's spellings, whose flags
// behave as Hydra's CLI's do (its -q wins over --format).
func (s Style) Hydra() bool { return s.HydraTable || s.HydraPaths || s.IDs == V2IDs }
