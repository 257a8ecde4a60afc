package shared

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Values that Hydra v2.3.0 supports. It stores any other value without a
// word, and the client then fails at the token endpoint.
var (
	knownGrantTypes = []string{
		"authorization_code", "implicit", "client_credentials", "refresh_token",
		"urn:ietf:params:oauth:grant-type:jwt-bearer",
		// Hydra v25.4 and later: the device authorization grant (token
		// device).
		"urn:ietf:params:oauth:grant-type:device_code",
	}
	knownResponseWords = []string{"code", "token", "id_token", "none"}
	knownAuthMethods   = []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}
)

// knownFields are the JSON fields of Hydra's client model, as of v26.2: those
// of v2.3.0, and the device authorization grant's lifespans, which v25.4
// added (storedSince). Hydra drops any other field of a request without a
// word, so that a typo such as "grant_type" silently leaves the default in
// place.
var knownFields = strings.Fields(`access_token_strategy allowed_cors_origins audience
	authorization_code_grant_access_token_lifespan authorization_code_grant_id_token_lifespan
	authorization_code_grant_refresh_token_lifespan backchannel_logout_session_required backchannel_logout_uri
	client_credentials_grant_access_token_lifespan client_id client_name client_secret client_secret_expires_at
	client_uri contacts created_at device_authorization_grant_access_token_lifespan
	device_authorization_grant_id_token_lifespan device_authorization_grant_refresh_token_lifespan
	frontchannel_logout_session_required frontchannel_logout_uri grant_types
	implicit_grant_access_token_lifespan implicit_grant_id_token_lifespan jwks jwks_uri
	jwt_bearer_grant_access_token_lifespan logo_uri metadata owner policy_uri post_logout_redirect_uris
	redirect_uris refresh_token_grant_access_token_lifespan refresh_token_grant_id_token_lifespan
	refresh_token_grant_refresh_token_lifespan registration_access_token registration_client_uri
	request_object_signing_alg request_uris response_types scope sector_identifier_uri skip_consent
	skip_logout_consent subject_type token_endpoint_auth_method token_endpoint_auth_signing_alg tos_uri
	updated_at userinfo_signed_response_alg`)

// storedSince names the first Hydra release that stores the client field
// k: Hydra v2.3 for most of knownFields, whose releases before it drop the
// newer ones (see Dropped).
func storedSince(k string) string {
	if strings.HasPrefix(k, "device_authorization_grant_") {
		return "Hydra v25.4"
	}
	return "Hydra v2.3"
}

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
