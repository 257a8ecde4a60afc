package api

import (
	"fmt"
	"net/http"
	"strings"
)

// ParseHeader parses a user's extra header, of the form "Name: value".
// The value may itself contain colons.
func ParseHeader(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		// The value is not quoted: it is often a credential.
		return "", "", fmt.Errorf("invalid header: want \"Name: value\", with a colon after a name without spaces (the value given is not shown)")
	}
	return name, strings.TrimSpace(value), nil
}

// headerTransport adds the user's extra headers, only where the
// request does not set the header itself.
type headerTransport struct {
	next    http.RoundTripper
	headers http.Header
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, vs := range t.headers {
		if req.Header.Get(k) != "" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return t.next.RoundTrip(req)
}
