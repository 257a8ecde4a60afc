package printer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Hydra v1.11.10's CLI prints what its Go SDK decoded: the server's answer
// read into one of the SDK's models, then encoded again with
// json.MarshalIndent and a tab (cmdx.FormatResponse). So its output has the
// model's members, in the model's order; a member the model marks
// omitempty is dropped when empty; a member the model lacks is lost; and
// times come out as the SDK's strfmt.DateTime prints them. Under Hydra v1's
// spellings (Style.HydraV1) this tool prints that shape from the server's
// raw JSON, with the models as data (V1Client, V1Introspection), so that
// the one function below serves every model.

// V1Kind is the Go type of a member of one of Hydra v1's SDK models, which
// decides how the member decodes, when it is empty, and how it prints.
type V1Kind uint8

const (
	// V1String is a string (or a named string type, as NullDuration):
	// null reads as "".
	V1String V1Kind = iota
	// V1Bool is a bool, or with Keep a *bool (null when missing).
	V1Bool
	// V1Int is an int64.
	V1Int
	// V1Strings is a []string: null reads as a nil slice, printed null
	// when kept.
	V1Strings
	// V1Any is an interface{}: any JSON value, objects printed with their
	// members sorted, as encoding/json prints a map; null reads as nil.
	V1Any
	// V1Time is a strfmt.DateTime, a struct that omitempty never drops: a
	// missing time prints as Go's zero time, and every time to the
	// millisecond, in its own offset ("Z" for UTC).
	V1Time
)

// V1Member is one member of a model of Hydra v1's SDK.
type V1Member struct {
	// Name is the member's JSON name.
	Name string
	Kind V1Kind
	// Keep is a member without omitempty: printed when empty too (a
	// missing *bool or []string as null).
	Keep bool
}

// V1Model is the members of one of Hydra v1's SDK models, in the model's
// order.
type V1Model []V1Member

// V1Client is Hydra v1.11.10's models.OAuth2Client: every member
// omitempty, the times strfmt.DateTime.
var V1Client = V1Model{
	{Name: "allowed_cors_origins", Kind: V1Strings},
	{Name: "audience", Kind: V1Strings},
	{Name: "authorization_code_grant_access_token_lifespan"},
	{Name: "authorization_code_grant_id_token_lifespan"},
	{Name: "authorization_code_grant_refresh_token_lifespan"},
	{Name: "backchannel_logout_session_required", Kind: V1Bool},
	{Name: "backchannel_logout_uri"},
	{Name: "client_credentials_grant_access_token_lifespan"},
	{Name: "client_id"},
	{Name: "client_name"},
	{Name: "client_secret"},
	{Name: "client_secret_expires_at", Kind: V1Int},
	{Name: "client_uri"},
	{Name: "contacts", Kind: V1Strings},
	{Name: "created_at", Kind: V1Time},
	{Name: "frontchannel_logout_session_required", Kind: V1Bool},
	{Name: "frontchannel_logout_uri"},
	{Name: "grant_types", Kind: V1Strings},
	{Name: "implicit_grant_access_token_lifespan"},
	{Name: "implicit_grant_id_token_lifespan"},
	{Name: "jwks", Kind: V1Any},
	{Name: "jwks_uri"},
	{Name: "jwt_bearer_grant_access_token_lifespan"},
	{Name: "logo_uri"},
	{Name: "metadata", Kind: V1Any},
	{Name: "owner"},
	{Name: "password_grant_access_token_lifespan"},
	{Name: "password_grant_refresh_token_lifespan"},
	{Name: "policy_uri"},
	{Name: "post_logout_redirect_uris", Kind: V1Strings},
	{Name: "redirect_uris", Kind: V1Strings},
	{Name: "refresh_token_grant_access_token_lifespan"},
	{Name: "refresh_token_grant_id_token_lifespan"},
	{Name: "refresh_token_grant_refresh_token_lifespan"},
	{Name: "registration_access_token"},
	{Name: "registration_client_uri"},
	{Name: "request_object_signing_alg"},
	{Name: "request_uris", Kind: V1Strings},
	{Name: "response_types", Kind: V1Strings},
	{Name: "scope"},
	{Name: "sector_identifier_uri"},
	{Name: "subject_type"},
	{Name: "token_endpoint_auth_method"},
	{Name: "token_endpoint_auth_signing_alg"},
	{Name: "tos_uri"},
	{Name: "updated_at", Kind: V1Time},
	{Name: "userinfo_signed_response_alg"},
}

// V1Introspection is Hydra v1.11.10's models.OAuth2TokenIntrospection:
// active (a *bool) and aud are printed even when missing, as null.
var V1Introspection = V1Model{
	{Name: "active", Kind: V1Bool, Keep: true},
	{Name: "aud", Kind: V1Strings, Keep: true},
	{Name: "client_id"},
	{Name: "exp", Kind: V1Int},
	{Name: "ext", Kind: V1Any},
	{Name: "iat", Kind: V1Int},
	{Name: "iss"},
	{Name: "nbf", Kind: V1Int},
	{Name: "obfuscated_subject"},
	{Name: "scope"},
	{Name: "sub"},
	{Name: "token_type"},
	{Name: "token_use"},
	{Name: "username"},
}

// v1TimeLayout is strfmt.DateTime's MarshalFormat, RFC 3339 to the
// millisecond.
const v1TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// WriteV1JSON writes raw, a JSON object, as Hydra v1's CLI prints it after
// decoding it into model: the model's members, in its order, tab-indented,
// and a newline. A member whose value does not have the model's type (which
// would have made Hydra v1's SDK fail) is printed as the server sent it.
func WriteV1JSON(w io.Writer, raw []byte, model V1Model) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return fmt.Errorf("the answer is not a JSON object: %w", err)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, m := range model {
		v, ok := v1Value(m, members[m.Name])
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		name, _ := json.Marshal(m.Name)
		b.Write(name)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "\t"); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

// v1Value returns the member m, whose value the server sent as raw (nil
// when missing), encoded as Hydra v1's SDK encodes it, and false when
// omitempty drops it.
func v1Value(m V1Member, raw json.RawMessage) (json.RawMessage, bool) {
	isNull := len(raw) == 0 || string(raw) == "null"
	switch m.Kind {
	case V1String:
		var s string
		if !isNull {
			if json.Unmarshal(raw, &s) != nil {
				return compact(raw), true
			}
		}
		if s == "" && !m.Keep {
			return nil, false
		}
		return marshal(s), true
	case V1Bool:
		if isNull {
			if m.Keep {
				return json.RawMessage("null"), true
			}
			return nil, false
		}
		var v bool
		if json.Unmarshal(raw, &v) != nil {
			return compact(raw), true
		}
		if !v && !m.Keep {
			return nil, false
		}
		return marshal(v), true
	case V1Int:
		var v int64
		if !isNull {
			if json.Unmarshal(raw, &v) != nil {
				return compact(raw), true
			}
		}
		if v == 0 && !m.Keep {
			return nil, false
		}
		return json.RawMessage(strconv.FormatInt(v, 10)), true
	case V1Strings:
		var v []string
		if !isNull {
			if json.Unmarshal(raw, &v) != nil {
				return compact(raw), true
			}
		}
		if len(v) == 0 && !m.Keep {
			return nil, false
		}
		return marshal(v), true
	case V1Any:
		var v any
		if !isNull {
			if json.Unmarshal(raw, &v) != nil {
				return compact(raw), true
			}
		}
		if v == nil && !m.Keep {
			return nil, false
		}
		return marshal(v), true
	case V1Time:
		var t time.Time
		if !isNull {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return compact(raw), true
			}
			var err error
			if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return compact(raw), true
			}
		}
		return marshal(t.Format(v1TimeLayout)), true
	}
	return compact(raw), true
}

// marshal encodes v as encoding/json does, which is how Hydra v1's CLI
// encoded it (escaping <, > and & as it does).
func marshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
