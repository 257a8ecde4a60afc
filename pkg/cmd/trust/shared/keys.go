package shared

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/jwkey"
)

// Key is one public signing key, ready for a trust relationship.
type Key struct {
	// KID is the key's ID, which assertions name in their "kid" header.
	KID string
	// JWK is the public key as JSON, with its kid: Hydra's "jwk" field.
	JWK json.RawMessage
}

// PublicKey turns a parsed JWK into a Key: only its public half is kept,
// since Hydra stores whatever it is sent, private keys included. kid, when
// set, replaces the key's own ID; a key without either gets its RFC 7638
// thumbprint, which is stable, so that the same key always gets the same
// ID.
func PublicKey(jwk jose.JSONWebKey, kid string) (Key, error) {
	if jwkey.Symmetric(&jwk) {
		return Key{}, errors.New("the key is a symmetric (oct) key; a trust relationship needs the issuer's public key")
	}
	pub, err := jwkey.PublicHalf(&jwk)
	if err != nil {
		return Key{}, errors.New("the key has no usable public half")
	}
	if kid != "" {
		pub.KeyID = kid
	}
	if !utf8.ValidString(pub.KeyID) {
		// JSON would carry another kid than the one named in messages
		// and matched against.
		return Key{}, errors.New("the key ID is not valid UTF-8")
	}
	if pub.KeyID == "" {
		if pub.KeyID, err = jwkey.Thumbprint(&pub); err != nil {
			return Key{}, err
		}
	}
	raw, err := json.Marshal(pub)
	if err != nil {
		return Key{}, err
	}
	return Key{KID: pub.KeyID, JWK: raw}, nil
}

// ParseJWK reads one key from a JWK, or from a JWK set: the set's only key,
// or its key with ID kid.
func ParseJWK(data []byte, kid string) (Key, error) {
	data = bytes.TrimSpace(data)
	if _, isSet, err := jwkey.Members(data); err == nil && isSet {
		keys, skipped, err := ParseJWKS(data)
		if err != nil {
			return Key{}, err
		}
		if kid != "" {
			for _, k := range keys {
				if k.KID == kid {
					return k, nil
				}
			}
			return Key{}, fmt.Errorf("the JWK set has no signing key with kid %q (it has %s)", kid, kidList(keys, skipped))
		}
		if len(keys) != 1 {
			return Key{}, cmdutil.FlagErrorf("the JWK set holds %d signing keys (%s): choose one with --kid", len(keys), kidList(keys, skipped))
		}
		return keys[0], nil
	}
	jwk, err := jwkey.ParseJWK(data)
	if err != nil {
		return Key{}, fmt.Errorf("not a valid JWK: %w", err)
	}
	return PublicKey(jwk, kid)
}

func kidList(keys []Key, skipped []string) string {
	if len(keys) == 0 {
		if len(skipped) > 0 {
			return "none usable: " + strings.Join(skipped, "; ")
		}
		return "none"
	}
	var ids []string
	for _, k := range keys {
		ids = append(ids, fmt.Sprintf("%q", k.KID))
	}
	return "kids " + strings.Join(ids, ", ")
}

// ParsePEM reads a public key from PEM: a PUBLIC KEY, an RSA PUBLIC KEY, a
// CERTIFICATE, or a private key, of which only the public half is kept.
func ParsePEM(data []byte, kid string) (Key, error) {
	block, _ := pem.Decode(bytes.TrimSpace(data))
	if block == nil {
		return Key{}, errors.New("no PEM block found: want a PUBLIC KEY or CERTIFICATE")
	}
	key, _, err := jwkey.ParseBlock(block, jwkey.Private|jwkey.Public|jwkey.Certificate, "a public key")
	if err != nil {
		return Key{}, err
	}
	jwk := jose.JSONWebKey{Key: key}
	if !jwk.Valid() {
		return Key{}, fmt.Errorf("unsupported key in the PEM %s", block.Type)
	}
	return PublicKey(jwk, kid)
}

// ParseJWKS reads the signing keys of a JWK set. Keys that cannot sign
// assertions (encryption keys, symmetric keys, keys this tool cannot parse,
// keys without a kid) are left out, each with a reason.
func ParseJWKS(data []byte) (keys []Key, skipped []string, err error) {
	members, isSet, err := jwkey.Members(data)
	if err != nil {
		return nil, nil, fmt.Errorf("not a JWK set: %w", err)
	}
	if !isSet {
		return nil, nil, errors.New(`not a JWK set: no "keys" member`)
	}
	seen := map[string]bool{}
	for i, raw := range members {
		jwk, err := jwkey.ParseJWK(raw)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		name := fmt.Sprintf("key %q", jwk.KeyID)
		if jwk.KeyID == "" {
			// An issuer's key without a kid: assertions cannot name it,
			// and the next fetch could not tell it from another.
			skipped = append(skipped, fmt.Sprintf("key %d: no kid", i))
			continue
		}
		if jwk.Use != "" && jwk.Use != "sig" {
			skipped = append(skipped, name+": use "+jwk.Use+", not sig")
			continue
		}
		k, err := PublicKey(jwk, "")
		if err != nil {
			skipped = append(skipped, name+": "+err.Error())
			continue
		}
		if seen[k.KID] {
			skipped = append(skipped, name+": a second key with this kid")
			continue
		}
		seen[k.KID] = true
		keys = append(keys, k)
	}
	return keys, skipped, nil
}

// Fetcher fetches an issuer's discovery document and keys. Its requests
// carry none of the -H headers, which are for Hydra; TLS settings,
// timeouts, retries and -v apply.
type Fetcher struct {
	f    *cmdutil.Factory
	conn cmdutil.Connection
}

// NewFetcher builds a Fetcher from the command's connection flags.
func NewFetcher(f *cmdutil.Factory, conn cmdutil.Connection) (*Fetcher, error) {
	return &Fetcher{f: f, conn: conn}, nil
}

// get fetches u, a server that is not Hydra: what names it in messages,
// and source says where its URL came from.
func (fe *Fetcher) get(ctx context.Context, u *url.URL, source, what string) (*api.Response, error) {
	client, err := fe.conn.External(fe.f, u, cmdutil.ExternalServer{Name: what, Source: source, PlainHTTPRisk: "the keys Hydra is told to trust could be replaced in transit"})
	if err != nil {
		return nil, err
	}
	return client.Do(ctx, api.Request{Method: http.MethodGet, Path: u.EscapedPath(), Query: u.Query(), Retry: true})
}

// CheckURL parses a URL given on the command line for the issuer or its
// keys: http or https, with a host.
func CheckURL(flag, raw string) (*url.URL, error) {
	return cmdutil.ParseHTTPURL(flag, raw, "https://token.actions.githubusercontent.com")
}

// Discover reads the issuer's OpenID Connect discovery document and returns
// its jwks_uri. The document's issuer must be issuer exactly (OpenID
// Connect Discovery §4.3): it is the "iss" of the issuer's tokens, and so
// the issuer of the trust relationships.
func (fe *Fetcher) Discover(ctx context.Context, issuer string) (*url.URL, error) {
	base, err := CheckURL("--issuer", issuer)
	if err != nil {
		return nil, err
	}
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/.well-known/openid-configuration"
	u.RawPath, u.RawQuery = "", ""
	resp, err := fe.get(ctx, &u, "--issuer, or pass --jwks-url", "the issuer's OpenID discovery document")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := api.DecodeJSON(resp, http.MethodGet, &u, &doc); err != nil {
		return nil, err
	}
	if doc.Issuer != issuer {
		return nil, fmt.Errorf("GET %s: the discovery document names the issuer %q, not %q: tokens carry the former as iss; pass --issuer %q", api.StripQuery(&u), doc.Issuer, issuer, doc.Issuer)
	}
	if doc.JWKSURI == "" {
		return nil, fmt.Errorf("GET %s: the discovery document has no jwks_uri: pass --jwks-url", api.StripQuery(&u))
	}
	ju, err := url.Parse(doc.JWKSURI)
	if err != nil || (ju.Scheme != "http" && ju.Scheme != "https") || ju.Host == "" {
		return nil, fmt.Errorf("GET %s: the discovery document's jwks_uri %s is not an http or https URL: pass --jwks-url", api.StripQuery(&u), api.RedactURL(doc.JWKSURI))
	}
	return ju, nil
}

// JWKS fetches the key set at u and returns its signing keys, and what was
// left out and why. source names the flag or document that gave u.
func (fe *Fetcher) JWKS(ctx context.Context, u *url.URL, source string) ([]Key, []string, error) {
	resp, err := fe.get(ctx, u, source, "the issuer's key set")
	if err != nil {
		return nil, nil, err
	}
	keys, skipped, err := ParseJWKS(resp.Body)
	if err != nil {
		return nil, nil, api.BadBodyError(resp, http.MethodGet, u, err)
	}
	return keys, skipped, nil
}
