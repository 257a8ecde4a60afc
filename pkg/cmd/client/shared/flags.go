package shared

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// kind is how a flag's value becomes a JSON field.
type kind int

const (
	kString    kind = iota // a JSON string
	kList                  // a JSON array; values split at commas and spaces
	kCommaList             // a JSON array; values split at commas only, as they may hold spaces
	kScope                 // a space-separated JSON string; values split at commas and spaces
	kBool                  // a JSON boolean
	kObject                // a JSON object given as JSON text
)

// field is one client field that a flag sets.
type field struct {
	flag  string
	short string
	json  string
	kind  kind
	usage string
}

// fields are the client fields of Hydra v2.3.0's "create client", under its
// long flag names, plus the few model fields its CLI forgot
// (token_endpoint_auth_signing_alg, userinfo_signed_response_alg, jwks).
// client_id and client_secret are handled apart: --id only on create, and
// the secret through Secret.
var fields = []field{
	{"name", "n", "client_name", kString, "The client's human-readable name"},
	{"redirect-uri", "c", "redirect_uris", kList, "Allowed OAuth 2.0 redirect URIs (repeatable, comma-separated; v1: --callbacks)"},
	{"grant-type", "g", "grant_types", kList, "Allowed grant types, such as authorization_code, refresh_token, client_credentials, implicit (repeatable, comma-separated; v1: --grant-types; server default: authorization_code)"},
	{"response-type", "r", "response_types", kCommaList, "Allowed response types, such as code, token, id_token, or 'code id_token' (repeatable, comma-separated; v1: --response-types; server default: code)"},
	{"scope", "a", "scope", kScope, "Scopes the client may request (repeatable, comma- or space-separated)"},
	{"audience", "", "audience", kList, "Audiences the client may request (repeatable, comma-separated)"},
	{"token-endpoint-auth-method", "", "token_endpoint_auth_method", kString, "How the client authenticates at the token endpoint: client_secret_basic (server default), client_secret_post, private_key_jwt or none"},
	{"token-endpoint-auth-signing-alg", "", "token_endpoint_auth_signing_alg", kString, "JWS algorithm of private_key_jwt client assertions, such as RS256 or ES256"},
	{"subject-type", "", "subject_type", kString, "Subject identifier algorithm: public (server default) or pairwise"},
	{"jwks", "", "jwks", kObject, "The client's JSON Web Key Set, as JSON text, for private_key_jwt"},
	{"jwks-uri", "", "jwks_uri", kString, "URL of the client's JSON Web Key Set, for private_key_jwt"},
	{"policy-uri", "", "policy_uri", kString, "URL of the client's privacy policy"},
	{"tos-uri", "", "tos_uri", kString, "URL of the client's terms of service"},
	{"client-uri", "", "client_uri", kString, "URL of a web page about the client"},
	{"logo-uri", "", "logo_uri", kString, "URL of the client's logo"},
	{"contact", "", "contacts", kCommaList, "Ways to contact the people responsible for the client, typically email addresses (repeatable, comma-separated)"},
	{"allowed-cors-origin", "", "allowed_cors_origins", kList, "Origins allowed to make CORS requests (repeatable, comma-separated; needs CORS enabled in Hydra)"},
	{"owner", "", "owner", kString, "The client's owner, typically an email address or user ID"},
	{"metadata", "", "metadata", kObject, "Arbitrary metadata, as a JSON object"},
	{"post-logout-callback", "", "post_logout_redirect_uris", kList, "URLs allowed as post-logout redirects (repeatable, comma-separated)"},
	{"backchannel-logout-callback", "", "backchannel_logout_uri", kString, "URL Hydra sends logout tokens to (back-channel logout)"},
	{"backchannel-logout-session-required", "", "backchannel_logout_session_required", kBool, "Require a sid claim in back-channel logout tokens"},
	{"frontchannel-logout-callback", "", "frontchannel_logout_uri", kString, "URL Hydra renders in an iframe to log the client out (front-channel logout)"},
	{"frontchannel-logout-session-required", "", "frontchannel_logout_session_required", kBool, "Require iss and sid parameters on the front-channel logout URL"},
	{"skip-consent", "", "skip_consent", kBool, "Skip the consent screen for this client"},
	{"skip-logout-consent", "", "skip_logout_consent", kBool, "Skip the logout consent screen for this client"},
	{"access-token-strategy", "", "access_token_strategy", kString, "Access token format for this client: opaque or jwt (server default: its configuration)"},
	{"request-uri", "", "request_uris", kList, "Pre-registered request_uri values (repeatable, comma-separated)"},
	{"sector-identifier-uri", "", "sector_identifier_uri", kString, "HTTPS URL of a JSON array of redirect URIs, for pairwise subject identifiers"},
	{"request-object-signing-alg", "", "request_object_signing_alg", kString, "JWS algorithm that request objects must be signed with, such as RS256"},
	{"userinfo-signed-response-alg", "", "userinfo_signed_response_alg", kString, "JWS algorithm for signed userinfo responses: none or RS256"},
}

// v1FlagNames maps Hydra v1's long flag names (and plural forms that v2
// users type) to this tool's. They are accepted through pflag's name
// normalization, so they are not listed twice in --help.
var v1FlagNames = map[string]string{
	"callbacks":               "redirect-uri",
	"redirect-uris":           "redirect-uri",
	"grant-types":             "grant-type",
	"response-types":          "response-type",
	"allowed-cors-origins":    "allowed-cors-origin",
	"post-logout-callbacks":   "post-logout-callback",
	"contacts":                "contact",
	"request-uris":            "request-uri",
	"client-name":             "name",
	"allowed-scopes":          "scope",
	"audiences":               "audience",
	"token-endpoint-auth-alg": "token-endpoint-auth-signing-alg",
}

// flagValues are the values that complete in the shell for flags with a
// known set of them.
var flagValues = map[string][]cobra.Completion{
	"grant-type":                   knownGrantTypes,
	"response-type":                {"code", "token", "id_token", "code id_token", "token id_token", "code token id_token"},
	"token-endpoint-auth-method":   knownAuthMethods,
	"subject-type":                 {"public", "pairwise"},
	"access-token-strategy":        {"opaque", "jwt"},
	"userinfo-signed-response-alg": {"none", "RS256"},
}

// ClientFlags holds the flags of a client's fields.
type ClientFlags struct {
	strings map[string]*string
	lists   map[string]*[]string
	bools   map[string]*bool
}

// AddClientFlags registers a flag for every client field on cmd, and
// accepts Hydra v1's flag names as well.
func AddClientFlags(cmd *cobra.Command) *ClientFlags {
	cf := &ClientFlags{strings: map[string]*string{}, lists: map[string]*[]string{}, bools: map[string]*bool{}}
	fl := cmd.Flags()
	for _, f := range fields {
		switch f.kind {
		case kString, kObject:
			cf.strings[f.flag] = fl.StringP(f.flag, f.short, "", f.usage)
		case kList, kCommaList, kScope:
			// Not StringSlice: the splitting is ours, so that "code
			// id_token" survives as one response type.
			v := &listValue{}
			cf.lists[f.flag] = &v.values
			fl.VarP(v, f.flag, f.short, f.usage)
		case kBool:
			cf.bools[f.flag] = fl.BoolP(f.flag, f.short, false, f.usage)
		}
	}
	for flag, values := range flagValues {
		_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	fl.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if to, ok := v1FlagNames[name]; ok {
			return pflag.NormalizedName(to)
		}
		return pflag.NormalizedName(name)
	})
	return cf
}

// Fields returns the JSON fields of the flags given on the command line, and
// only those: a flag left out leaves the field to the file, the server's
// default, or (on update) its current value. A list flag given as "" sets
// an empty list, which clears the field.
func (cf *ClientFlags) Fields(cmd *cobra.Command) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, f := range fields {
		if !cmd.Flags().Changed(f.flag) {
			continue
		}
		var v any
		switch f.kind {
		case kString:
			v = *cf.strings[f.flag]
		case kObject:
			raw := strings.TrimSpace(*cf.strings[f.flag])
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
				return nil, cmdutil.FlagErrorf("--%s must be a JSON object, such as '{\"key\":\"value\"}'", f.flag)
			}
			out[f.json] = json.RawMessage(raw)
			continue
		case kList:
			v = nonNil(cmdutil.SplitList(*cf.lists[f.flag]))
		case kCommaList:
			v = nonNil(SplitComma(*cf.lists[f.flag]))
		case kScope:
			v = strings.Join(cmdutil.SplitList(*cf.lists[f.flag]), " ")
		case kBool:
			v = *cf.bools[f.flag]
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[f.json] = b
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SplitComma flattens repeated list flags whose values may be
// comma-separated, trimming spaces around items and dropping empties and
// duplicates. Unlike cmdutil.SplitList it keeps spaces inside an item, as
// in the response type "code id_token".
func SplitComma(values []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			item = strings.Join(strings.Fields(item), " ")
			if item != "" && !seen[item] {
				seen[item] = true
				out = append(out, item)
			}
		}
	}
	return out
}

// listValue is a repeatable flag that collects its values as given; Fields
// splits them. Its type shows as "list" in --help.
type listValue struct{ values []string }

func (l *listValue) Set(s string) error {
	l.values = append(l.values, s)
	return nil
}

func (l *listValue) String() string { return strings.Join(l.values, ",") }

func (l *listValue) Type() string { return "list" }
