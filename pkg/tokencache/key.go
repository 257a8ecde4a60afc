// Package tokencache keeps OAuth 2.0 tokens between runs of the CLI, so that
// scripts and CI steps reuse a valid access token instead of minting a new
// one on every call, and refresh it safely when it expires.
//
// An entry is found by its Key: everything that makes one token different
// from another. Entries live on disk (a directory at 0700 with files at
// 0600, written atomically), in the OS keyring, or nowhere (storage none).
// Refreshes and grants run under a per-key lock shared by every process of
// the user, because Hydra rotates refresh tokens and revokes the whole chain
// when one is spent twice.
package tokencache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// Key is everything that makes one cached token different from another. Its
// readable fields are stored beside the entry, so that "hydra token cache
// list" can show what each token is for; Credential is only hashed.
type Key struct {
	// Issuer is the token endpoint URL the token came from.
	Issuer string `json:"issuer"`
	// ClientID is the OAuth 2.0 client the token was issued to.
	ClientID string `json:"client_id"`
	// Grant is the grant that obtained the token, such as
	// client_credentials or authorization_code.
	Grant string `json:"grant"`
	// Scopes are the scopes asked for; Normalize sorts them and drops
	// duplicates, so that "a,b" and "b a" find the same token.
	Scopes []string `json:"scopes,omitempty"`
	// Audience holds the audiences asked for, normalised like Scopes.
	Audience []string `json:"audience,omitempty"`
	// Subject is the person or subject the token is for, when known before
	// the request (such as token user --headless --subject).
	Subject string `json:"subject,omitempty"`
	// Extra holds further readable fields that tell tokens apart, such as
	// the issuer of a JWT bearer assertion.
	Extra map[string]string `json:"extra,omitempty"`
	// Credential is what authenticates the client: its secret, or its
	// private key. It is hashed into the ID and never stored, so that a
	// call with other credentials never gets this token.
	Credential string `json:"-"`
}

// Normalize returns the key with its lists sorted and deduplicated, blanks
// trimmed, and the issuer URL's scheme and host in lower case.
func (k Key) Normalize() Key {
	n := k
	n.Issuer = normalizeURL(strings.TrimSpace(k.Issuer))
	n.ClientID = strings.TrimSpace(k.ClientID)
	n.Subject = strings.TrimSpace(k.Subject)
	n.Scopes = normalizeList(k.Scopes)
	n.Audience = normalizeList(k.Audience)
	if len(k.Extra) > 0 {
		n.Extra = make(map[string]string, len(k.Extra))
		for name, v := range k.Extra {
			n.Extra[name] = strings.TrimSpace(v)
		}
	}
	return n
}

// ID names the entry: a hash of the normalised key and of its credential.
// It is safe to show and to use as a file name.
func (k Key) ID() string {
	n := k.Normalize()
	// encoding/json sorts map keys, so the encoding is canonical.
	b, _ := json.Marshal(n)
	h := sha256.New()
	h.Write([]byte("hydra-token-cache-v1\x00"))
	h.Write(b)
	if n.Credential != "" {
		c := sha256.Sum256([]byte("hydra-token-cache-credential\x00" + n.Credential))
		h.Write([]byte{0})
		h.Write(c[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func normalizeList(in []string) []string {
	var out []string
	for _, v := range in {
		out = append(out, strings.Fields(v)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func normalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if u.Path == "/" {
		u.Path = ""
	}
	u.Fragment = ""
	return u.String()
}
