package api

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hydratoken/hydra/pkg/text"
)

// Masked replaces every secret value in traces and messages.
const Masked = text.Masked

// sensitiveParams are the form and query parameters whose values are
// credentials, tokens or one-time codes.
var sensitiveParams = map[string]bool{
	"token":                     true,
	"access_token":              true,
	"refresh_token":             true,
	"id_token":                  true,
	"id_token_hint":             true,
	"code":                      true,
	"code_verifier":             true,
	"client_secret":             true,
	"client_assertion":          true,
	"assertion":                 true,
	"password":                  true,
	"subject_token":             true,
	"actor_token":               true,
	"device_code":               true,
	"login_challenge":           true,
	"consent_challenge":         true,
	"logout_challenge":          true,
	"login_verifier":            true,
	"consent_verifier":          true,
	"registration_access_token": true,
}

// IsSensitiveParam reports whether a form, query or JSON field of this name
// holds a secret.
func IsSensitiveParam(name string) bool { return sensitiveParams[strings.ToLower(name)] }

// sensitiveHeaders are masked whole in traces.
var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
}

// MaskHeader returns a header value fit for a trace. Authorization keeps its
// scheme ("Bearer ***"); a Location keeps its path but not its secrets.
func MaskHeader(name, value string) string {
	name = http.CanonicalHeaderKey(name)
	switch {
	case name == "Location":
		if u, err := url.Parse(value); err == nil {
			return MaskURL(u)
		}
		return Masked
	case sensitiveHeaders[name]:
		if scheme, _, ok := strings.Cut(value, " "); ok && (name == "Authorization" || name == "Proxy-Authorization") {
			return scheme + " " + Masked
		}
		return Masked
	case strings.Contains(strings.ToLower(name), "token") || strings.Contains(strings.ToLower(name), "secret"):
		return Masked
	}
	return value
}

// MaskURL returns u as a string with user info and the values of sensitive
// query parameters masked.
func MaskURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Masked)
	}
	if c.RawQuery != "" {
		q := c.Query()
		c.RawQuery = maskValues(q)
	}
	c.Fragment = ""
	c.RawFragment = ""
	return c.String()
}

// MaskForm returns a form as "a=1&token=***", keys sorted.
func MaskForm(v url.Values) string { return maskValues(v) }

func maskValues(v url.Values) string {
	var b strings.Builder
	for _, k := range sortedKeys(v) {
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if IsSensitiveParam(k) {
				b.WriteString(Masked)
			} else {
				b.WriteString(url.QueryEscape(val))
			}
		}
	}
	return b.String()
}

// StripQuery returns u without query or fragment, for error messages.
func StripQuery(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.RawQuery, c.Fragment, c.RawFragment, c.User = "", "", "", nil
	return c.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// RedactURL returns raw, a URL given by the user, fit to quote in a
// message: user info and sensitive query values masked, as in traces. A
// value that does not parse as a URL is not quoted at all, since it may be
// a secret pasted into the wrong flag.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme == "" && u.Host == "") || u.Opaque != "" {
		// An opaque value, "user:secret@host" read as scheme "user", is
		// not shown either.
		return "(the value is not shown)"
	}
	return strconv.Quote(MaskURL(u))
}

// requestSecrets lists the secret values a request carries: its sensitive
// form fields and query values, and the credentials of its Authorization
// header. A server, or a proxy before it, may echo any of them in an error
// page.
func requestSecrets(req *http.Request) []string {
	var out []string
	add := func(v url.Values) {
		for k, vs := range v {
			if IsSensitiveParam(k) {
				out = append(out, vs...)
			}
		}
	}
	add(req.URL.Query())
	if form, ok := requestForm(req); ok {
		add(form)
	}
	if req.GetBody != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		// A client document (or an array of them) may carry client_secret.
		if body, err := req.GetBody(); err == nil {
			raw, _ := io.ReadAll(io.LimitReader(body, 1<<20))
			body.Close()
			var docs []map[string]any
			if json.Unmarshal(raw, &docs) != nil {
				var doc map[string]any
				if json.Unmarshal(raw, &doc) == nil {
					docs = append(docs, doc)
				}
			}
			for _, d := range docs {
				for k, v := range d {
					if s, ok := v.(string); ok && IsSensitiveParam(k) {
						out = append(out, s)
					}
				}
			}
		}
	}
	if scheme, cred, ok := strings.Cut(req.Header.Get("Authorization"), " "); ok {
		out = append(out, cred)
		if strings.EqualFold(scheme, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				id, secret, _ := strings.Cut(string(dec), ":")
				for _, v := range []string{id, secret} {
					if u, err := url.QueryUnescape(v); err == nil {
						v = u
					}
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// requestForm returns the form a request carries in its body, if it is
// form-encoded and can be read again (GetBody). Traces and the scrubbing
// of secrets both read it; neither consumes the body that is sent.
func requestForm(req *http.Request) (url.Values, bool) {
	if req.GetBody == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil, false
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, false
	}
	raw, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	body.Close()
	form, err := url.ParseQuery(string(raw))
	return form, err == nil
}

// scrubSecrets replaces, in the server-supplied text of err (an *Error),
// every secret the request carried.
func scrubSecrets(err error, secrets []string) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	for _, s := range secrets {
		// As sent, and form-encoded, as an echo of the request body shows it.
		for _, f := range []*string{&e.Code, &e.Description, &e.Hint, &e.Debug, &e.Excerpt, &e.Location} {
			*f = text.Mask(*f, s, url.QueryEscape(s))
		}
	}
	return e
}
