package tokencache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// Token is what a grant or a refresh obtained, as the cache keeps it.
type Token struct {
	// AccessToken is the access token.
	AccessToken string `json:"access_token"`
	// RefreshToken is the refresh token, if the server sent one.
	RefreshToken string `json:"refresh_token,omitempty"`
	// IDToken is the OpenID Connect ID token, if the server sent one.
	IDToken string `json:"id_token,omitempty"`
	// TokenType is the token_type of the response, such as bearer.
	TokenType string `json:"token_type,omitempty"`
	// Expiry is when the access token expires; zero when the server did
	// not say, in which case the token is never reused.
	Expiry time.Time `json:"expiry,omitzero"`
	// ObtainedAt is when the token response arrived.
	ObtainedAt time.Time `json:"obtained_at"`
	// Subject is who the token is for, when the response proves it (the
	// ID token's sub claim); shown by "cache list".
	Subject string `json:"subject,omitempty"`
	// Response is the server's token response, exactly as sent, so that a
	// cached call prints what an uncached one prints.
	Response json.RawMessage `json:"response,omitempty"`
}

// Lifetime is how long the access token was valid for when obtained.
func (t *Token) Lifetime() time.Duration {
	if t.Expiry.IsZero() || t.ObtainedAt.IsZero() {
		return 0
	}
	return t.Expiry.Sub(t.ObtainedAt)
}

// DefaultMargin is the margin applied without --min-ttl: 60 seconds, or a
// tenth of the token's lifetime when that is shorter, so that tokens that
// live a few minutes are still reused.
func DefaultMargin(lifetime time.Duration) time.Duration {
	return min(60*time.Second, lifetime/10)
}

// FreshFor reports whether the access token still has more than minTTL of
// its lifetime left at now. A negative minTTL means DefaultMargin. A token
// without an expiry is never fresh: its lifetime cannot be known.
func (t *Token) FreshFor(now time.Time, minTTL time.Duration) bool {
	if t == nil || t.AccessToken == "" || t.Expiry.IsZero() {
		return false
	}
	if minTTL < 0 {
		minTTL = DefaultMargin(t.Lifetime())
	}
	return t.Expiry.Sub(now) > minTTL
}

// ParseResponse reads an RFC 6749 §5.1 token response that arrived at
// obtainedAt. The response is kept as sent.
func ParseResponse(raw []byte, obtainedAt time.Time) (*Token, error) {
	var r struct {
		AccessToken  string          `json:"access_token"`
		RefreshToken string          `json:"refresh_token"`
		IDToken      string          `json:"id_token"`
		TokenType    string          `json:"token_type"`
		ExpiresIn    json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("the token response is not a JSON object: %w", err)
	}
	if r.AccessToken == "" {
		return nil, errors.New("the token response has no access_token")
	}
	t := &Token{
		AccessToken:  r.AccessToken,
		RefreshToken: r.RefreshToken,
		IDToken:      r.IDToken,
		TokenType:    r.TokenType,
		ObtainedAt:   obtainedAt,
		Response:     append(json.RawMessage(nil), raw...),
	}
	if secs, ok := parseExpiresIn(r.ExpiresIn); ok && secs > 0 {
		// Beyond what a Duration holds (some 292 years), the product
		// would wrap around to a time in the past.
		secs = min(secs, int64(math.MaxInt64/time.Second))
		t.Expiry = obtainedAt.Add(time.Duration(secs) * time.Second)
	}
	return t, nil
}

// parseExpiresIn reads expires_in as a number, or as a string holding one,
// which some servers send.
func parseExpiresIn(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if v, err := n.Int64(); err == nil {
			return v, true
		}
		if f, err := n.Float64(); err == nil {
			return int64(f), true
		}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		v, err := strconv.ParseInt(s, 10, 64)
		return v, err == nil
	}
	return 0, false
}

// ResponseAt returns the token response to print at now: the server's JSON
// as sent, field order and unknown fields kept, with expires_in set to the
// seconds that are left, so that a script reading it from a cached call is
// not told the token lives longer than it does.
func (t *Token) ResponseAt(now time.Time) []byte {
	if len(t.Response) == 0 || t.Expiry.IsZero() {
		return t.Response
	}
	left := int64(t.Expiry.Sub(now) / time.Second)
	left = max(left, 0)
	out, ok := replaceTopLevelNumber(t.Response, "expires_in", left)
	if !ok {
		return t.Response
	}
	return out
}

// replaceTopLevelNumber rewrites the value of a top-level member of a JSON
// object in place, leaving every other byte as it was.
func replaceTopLevelNumber(doc []byte, name string, v int64) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := tok.(string)
		start := dec.InputOffset()
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false
		}
		end := dec.InputOffset()
		if key != name {
			continue
		}
		i := bytes.Index(doc[start:end], val)
		if i < 0 {
			return nil, false
		}
		var out bytes.Buffer
		out.Write(doc[:start+int64(i)])
		out.WriteString(strconv.FormatInt(v, 10))
		out.Write(doc[start+int64(i)+int64(len(val)):])
		return out.Bytes(), true
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return nil, false
	}
	return nil, false
}
