package cmdutil

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/hydratoken/hydra/pkg/api"
)

// ParseHTTPURL parses raw, a URL that the user gave through from (a flag
// such as "--endpoint", or an environment variable), and checks that it is
// an http or https URL with a host. example is a URL of the right kind, for
// the message. It is the one check of a user's URL, so that every flag and
// variable says the same thing in the same words: what is wrong, the value
// itself when it cannot hold a secret, and what to give instead.
func ParseHTTPURL(from, raw, example string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return u, nil
	}
	var problem string
	switch {
	case err == nil && u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Opaque == "":
		problem = "the scheme must be http or https"
	case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
		problem = "it names no host"
	default:
		// Without a scheme, "127.0.0.1:4445" does not even parse. When the
		// value reads as host[:port][/path], it holds no secret: show it,
		// and the URL it was probably meant to be.
		if hostOnly(raw) {
			return nil, FlagErrorf("invalid %s %s: it has no scheme; did you mean %s?", from, strconv.Quote(raw), strconv.Quote("http://"+raw))
		}
		problem = "it is not a URL"
	}
	return nil, FlagErrorf("invalid %s %s: %s; want a URL such as %s", from, api.RedactURL(raw), problem, example)
}

// hostOnly reports whether raw is host:port, with an optional path, and
// nothing that could be a credential: no user info, query or fragment. A
// bare word is not taken for a host: it may be a token pasted into the
// wrong flag.
func hostOnly(raw string) bool {
	if raw == "" || len(raw) > 300 || strings.ContainsAny(raw, "@?#%\\ \t\r\n") || strings.Contains(raw, "://") {
		return false
	}
	u, err := url.Parse("http://" + raw)
	if err != nil || u.User != nil || u.Port() == "" {
		return false
	}
	return strings.Trim(u.Hostname(), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") == ""
}
