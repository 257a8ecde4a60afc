package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/go-jose/go-jose/v4"
)

// UserinfoPath is the public API's OpenID Connect userinfo endpoint in
// Hydra v2.
const UserinfoPath = "/userinfo"

// Userinfo is the userinfo endpoint's answer.
type Userinfo struct {
	// Claims is the claims' JSON object: the body as sent, or the payload
	// of a signed answer.
	Claims json.RawMessage
	// JWT is the signed answer as sent, when the client registered a
	// userinfo_signed_response_alg; its signature is not checked here.
	JWT string
}

// Userinfo asks the userinfo endpoint (OpenID Connect Core §5.3) for the
// claims of the user that accessToken was issued for. A GET is a read: it
// is retried.
func (c *Client) Userinfo(ctx context.Context, accessToken string) (*Userinfo, error) {
	h := http.Header{"Authorization": {"Bearer " + accessToken}}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: UserinfoPath, Header: h, Retry: true, Answer: AnswerJSONOrJWT})
	if err != nil {
		return nil, err
	}
	u := c.URL(UserinfoPath, nil)
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" {
		jwt := string(bytes.TrimSpace(resp.Body))
		claims, err := jwtPayload(jwt)
		if err != nil {
			return nil, scrubSecrets(BadBodyError(resp, http.MethodGet, u, err), []string{accessToken})
		}
		return &Userinfo{Claims: claims, JWT: jwt}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(resp.Body, &obj); err != nil || obj == nil {
		if err == nil {
			err = errors.New("the claims are not a JSON object")
		}
		return nil, scrubSecrets(BadBodyError(resp, http.MethodGet, u, err), []string{accessToken})
	}
	return &Userinfo{Claims: json.RawMessage(bytes.TrimSpace(resp.Body))}, nil
}

// jwtPayload returns the payload of a signed JWT, unverified, as a JSON
// object.
func jwtPayload(token string) (json.RawMessage, error) {
	algs := []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512}
	obj, err := jose.ParseSignedCompact(token, algs)
	if err != nil {
		return nil, errors.New("the signed (application/jwt) answer is not a JWS")
	}
	payload := obj.UnsafePayloadWithoutVerification()
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(payload, &claims); err != nil || claims == nil {
		return nil, errors.New("the signed answer's payload is not a JSON object")
	}
	return payload, nil
}
