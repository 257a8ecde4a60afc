package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/hydratoken/hydra/pkg/jwkey"
)

// KeysPath is the admin API's collection of JSON Web Key sets in Hydra v2.
const KeysPath = "/admin/keys"

// KeySet is a JSON Web Key Set (RFC 7517 §5) as the admin API returns it.
// Keys holds each key's JSON exactly as sent, so that nothing is lost
// before the command decides what to print; the admin API sends private
// keys too.
type KeySet struct {
	Keys []json.RawMessage `json:"keys"`
}

// CreateKeySetRequest asks Hydra to generate a key into a set.
type CreateKeySetRequest struct {
	// Algorithm is the JWS algorithm of the new key, such as RS256.
	Algorithm string `json:"alg"`
	// Use is the key's "use": sig or enc.
	Use string `json:"use"`
	// KeyID is the new key's "kid"; empty lets Hydra choose one.
	KeyID string `json:"kid,omitempty"`
}

// keySetPath is the path of one set; keyPath of one key in it. The names
// are single path segments: URL escapes everything in them but "/", which
// the commands refuse.
func keySetPath(set string) string   { return KeysPath + "/" + set }
func keyPath(set, kid string) string { return keySetPath(set) + "/" + kid }

// CreateKeySet generates a key on the server and adds it to the set,
// creating the set if needed. The answer holds the new key, private part
// included. It is not retried: a repeat would add a second key.
func (c *Client) CreateKeySet(ctx context.Context, set string, r CreateKeySetRequest) (*KeySet, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	p := keySetPath(set)
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: p, JSON: body})
	if err != nil {
		return nil, err
	}
	return c.parseKeySet(resp, http.MethodPost, p)
}

// GetKeySet fetches every key of a set, private parts included.
func (c *Client) GetKeySet(ctx context.Context, set string) (*KeySet, error) {
	p := keySetPath(set)
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: p, Retry: true})
	if err != nil {
		return nil, err
	}
	return c.parseKeySet(resp, http.MethodGet, p)
}

// GetKey fetches one key of a set. Hydra answers with a set that holds it.
func (c *Client) GetKey(ctx context.Context, set, kid string) (*KeySet, error) {
	p := keyPath(set, kid)
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: p, Retry: true})
	if err != nil {
		return nil, err
	}
	return c.parseKeySet(resp, http.MethodGet, p)
}

// PutKey stores key, a JWK, under kid in the set, replacing a key with the
// same kid and creating the set if needed. It returns the key as stored.
// A PUT is idempotent, so it is retried after a transient failure.
func (c *Client) PutKey(ctx context.Context, set, kid string, key []byte) (json.RawMessage, error) {
	p := keyPath(set, kid)
	resp, err := c.Do(ctx, Request{Method: http.MethodPut, Path: p, JSON: key, Retry: true})
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(resp.Body, &obj); err != nil || obj == nil {
		return nil, BadBodyError(resp, http.MethodPut, c.URL(p, nil), err)
	}
	return json.RawMessage(resp.Body), nil
}

// DeleteKeySet deletes a set and all its keys. Hydra answers 204 for a set
// that does not exist, too.
func (c *Client) DeleteKeySet(ctx context.Context, set string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: keySetPath(set), Retry: true})
	return err
}

// DeleteKey deletes one key of a set. Hydra answers 204 for a key that does
// not exist, too.
func (c *Client) DeleteKey(ctx context.Context, set, kid string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: keyPath(set, kid), Retry: true})
	return err
}

func (c *Client) parseKeySet(resp *Response, method, path string) (*KeySet, error) {
	ks, err := ParseKeySet(resp.Body)
	if err != nil {
		return nil, BadBodyError(resp, method, c.URL(path, nil), err)
	}
	return ks, nil
}

// ParseKeySet decodes a JSON Web Key Set: an object whose "keys" is an
// array of objects, read by jwkey.Members, the one reader of that shape.
func ParseKeySet(body []byte) (*KeySet, error) {
	members, isSet, err := jwkey.Members(body)
	if err != nil {
		return nil, err
	}
	if !isSet {
		return nil, errors.New(`the key set has no "keys" array`)
	}
	return &KeySet{Keys: members}, nil
}
