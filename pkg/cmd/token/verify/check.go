package verify

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/text"
)

// Token types that --type accepts.
const (
	TypeAccessToken = "at+jwt"
	TypeIDToken     = "id-token"
)

// checks are the claims a token must have, beyond its signature.
type checks struct {
	issuer    string
	audiences []string
	scopes    []string
	typ       string
	leeway    time.Duration
}

// check returns nil when the verified token's claims pass every check, or
// an *shared.InvalidError that says which failed, and how.
func (c *checks) check(v *shared.Verified, now time.Time) error {
	claims := v.Claims
	if !gjson.ValidBytes(claims) {
		return invalid("the claims are not JSON")
	}
	root := gjson.ParseBytes(claims)
	if !root.IsObject() {
		return invalid("the claims are not a JSON object")
	}
	var iss, exp, nbf, iat, aud, scp, scope, clientID, authTime, nonce, atHash gjson.Result
	// One pass over the claims, rather than a search per claim.
	root.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "iss":
			iss = val
		case "exp":
			exp = val
		case "nbf":
			nbf = val
		case "iat":
			iat = val
		case "aud":
			aud = val
		case "scp":
			scp = val
		case "scope":
			scope = val
		case "client_id":
			clientID = val
		case "auth_time":
			authTime = val
		case "nonce":
			nonce = val
		case "at_hash":
			atHash = val
		}
		return true
	})

	if iss.Type != gjson.String {
		return invalid("the token has no iss claim")
	}
	if strings.TrimSuffix(iss.Str, "/") != strings.TrimSuffix(c.issuer, "/") {
		return invalid("iss is %s, not %s", text.Printable(text.OneLine(iss.Str, 200)), c.issuer)
	}

	leeway := c.leeway
	if exp.Type != gjson.Number {
		return invalid("the token has no exp claim: it would never expire")
	}
	if t := unix(exp.Num); now.After(t.Add(leeway)) {
		return invalid("expired %s ago (exp %s, leeway %s)", ago(now.Sub(t)), text.Time(exp.Int()), leeway)
	}
	if nbf.Exists() {
		if nbf.Type != gjson.Number {
			return invalid("nbf is not a number")
		}
		if t := unix(nbf.Num); now.Add(leeway).Before(t) {
			return invalid("not valid yet: valid in %s (nbf %s, leeway %s)", ago(t.Sub(now)), text.Time(nbf.Int()), leeway)
		}
	}
	if iat.Exists() {
		if iat.Type != gjson.Number {
			return invalid("iat is not a number")
		}
		if t := unix(iat.Num); now.Add(leeway).Before(t) {
			return invalid("issued in the future: iat is in %s (%s, leeway %s)", ago(t.Sub(now)), text.Time(iat.Int()), leeway)
		}
	}

	if len(c.audiences) > 0 {
		var auds []string
		switch {
		case aud.Type == gjson.String:
			auds = []string{aud.Str}
		case aud.IsArray():
			for _, a := range aud.Array() {
				auds = append(auds, a.String())
			}
		}
		if !slices.ContainsFunc(c.audiences, func(a string) bool { return slices.Contains(auds, a) }) {
			return invalid("aud is [%s], not %s", text.Printable(text.OneLine(strings.Join(auds, " "), 200)), strings.Join(c.audiences, " or "))
		}
	}

	if len(c.scopes) > 0 {
		granted := map[string]bool{}
		for _, s := range scp.Array() {
			granted[s.String()] = true
		}
		if scope.Type == gjson.String {
			for _, s := range strings.Fields(scope.Str) {
				granted[s] = true
			}
		}
		var missing []string
		for _, s := range c.scopes {
			if !granted[s] {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			names := make([]string, 0, len(granted))
			for s := range granted {
				names = append(names, s)
			}
			slices.Sort(names)
			return invalid("lacks scope %s (granted: [%s])", strings.Join(missing, " "), text.Printable(text.OneLine(strings.Join(names, " "), 200)))
		}
	}

	if c.typ != "" {
		kind := tokenKind(v.Header.ExtraHeaders["typ"], scp.Exists() || scope.Exists() || clientID.Exists(), authTime.Exists() || nonce.Exists() || atHash.Exists())
		if kind != c.typ {
			if kind == "" {
				return invalid("neither its typ header nor its claims mark it as an access token or an ID token, not %s", c.typ)
			}
			return invalid("this is %s, not %s", describe(kind), describe(c.typ))
		}
	}
	return nil
}

// tokenKind tells Hydra's access tokens from ID tokens: by the typ header
// when it is at+jwt (RFC 9068), else by the claims that only one of them
// has (Hydra's access tokens carry scp and client_id, its ID tokens
// auth_time, and nonce or at_hash when the flow had them).
func tokenKind(typ any, accessClaims, idClaims bool) string {
	t, _ := typ.(string)
	t = strings.ToLower(strings.TrimPrefix(strings.ToLower(t), "application/"))
	switch {
	case t == "at+jwt":
		return TypeAccessToken
	case accessClaims && !idClaims:
		return TypeAccessToken
	case idClaims && !accessClaims:
		return TypeIDToken
	}
	return ""
}

func describe(kind string) string {
	if kind == TypeAccessToken {
		return "an access token (at+jwt)"
	}
	return "an ID token (id-token)"
}

func invalid(format string, args ...any) error {
	return &shared.InvalidError{Reason: fmt.Sprintf(format, args...)}
}

// unix is a NumericDate as a time; fractions are kept, and dates beyond
// what a time can hold are clamped.
func unix(sec float64) time.Time {
	const limit = 1 << 40 // some 35,000 years
	sec = max(min(sec, limit), -limit)
	whole := math.Floor(sec)
	return time.Unix(int64(whole), int64((sec-whole)*1e9))
}

// ago renders a duration for a person, rounded to its largest units:
// 12s, 3m, 2h5m, 3d.
func ago(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Round(time.Hour).Hours()/24))
	case d >= time.Hour:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute).Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
}
