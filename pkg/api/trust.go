package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// TrustPath is the admin API's collection of trust relationships for the
// JWT bearer grant (RFC 7523): issuers whose signed assertions Hydra
// exchanges for access tokens.
const TrustPath = "/admin/trust/grants/jwt-bearer/issuers"

// JWTBearerGrantType is the grant_type of the JWT bearer grant (RFC 7523
// §2.1).
const JWTBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// Trust is one trust relationship as the admin API returns it: one key of
// one issuer, for one subject or for any. Hydra returns the key's set and
// ID, never the key itself. Raw is the server's JSON exactly as sent.
type Trust struct {
	ID              string   `json:"id"`
	Issuer          string   `json:"issuer"`
	Subject         string   `json:"subject"`
	AllowAnySubject bool     `json:"allow_any_subject"`
	Scope           []string `json:"scope"`
	PublicKey       struct {
		Set string `json:"set"`
		KID string `json:"kid"`
	} `json:"public_key"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`

	Raw json.RawMessage `json:"-"`
}

// ParseTrust decodes one trust relationship. It must be a JSON object with
// an id.
func ParseTrust(body []byte) (*Trust, error) {
	var t Trust
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, err
	}
	if t.ID == "" {
		return nil, errors.New(`the trust relationship has no "id"`)
	}
	t.Raw = json.RawMessage(bytes.TrimSpace(body))
	return &t, nil
}

// TrustRequest is the body of a request that creates a trust relationship.
// Exactly one of Subject and AllowAnySubject is set.
type TrustRequest struct {
	Issuer          string
	Subject         string
	AllowAnySubject bool
	Scope           []string
	// JWK is one public key, with a "kid".
	JWK json.RawMessage
	// ExpiresAt is when Hydra stops trusting the key.
	ExpiresAt time.Time
}

// MarshalJSON encodes the request as Hydra's
// createTrustOAuth2JwtGrantIssuer body, which refuses subject and
// allow_any_subject together.
func (r TrustRequest) MarshalJSON() ([]byte, error) {
	body := map[string]any{
		"issuer":     r.Issuer,
		"scope":      append([]string{}, r.Scope...),
		"jwk":        r.JWK,
		"expires_at": r.ExpiresAt.UTC().Format(time.RFC3339),
	}
	if r.AllowAnySubject {
		body["allow_any_subject"] = true
	} else {
		body["subject"] = r.Subject
	}
	return json.Marshal(body)
}

func trustPath(id string) string { return TrustPath + "/" + id }

// CreateTrust creates a trust relationship. It is not retried: a repeat
// after a lost answer would fail as a conflict.
func (c *Client) CreateTrust(ctx context.Context, r TrustRequest) (*Trust, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: TrustPath, JSON: body})
	if err != nil {
		return nil, err
	}
	return c.parseTrustResponse(resp, http.MethodPost, TrustPath)
}

// GetTrust fetches one trust relationship.
func (c *Client) GetTrust(ctx context.Context, id string) (*Trust, error) {
	p := trustPath(id)
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: p, Retry: true})
	if err != nil {
		return nil, err
	}
	return c.parseTrustResponse(resp, http.MethodGet, p)
}

// DeleteTrust deletes a trust relationship. Hydra answers 404 for an
// unknown ID, so a success proves the deletion. It is not retried: a repeat
// after a lost answer would report a deleted relationship as missing.
func (c *Client) DeleteTrust(ctx context.Context, id string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: trustPath(id)})
	return err
}

// ListTrustsOptions selects one page of trust relationships.
type ListTrustsOptions struct {
	// Issuer, when set, keeps only the relationships of this issuer.
	Issuer string
	// PageSize is the number per page; zero leaves it to the server.
	PageSize int
	// PageToken is the token of the page to fetch; empty fetches the
	// first.
	PageToken string
}

// TrustPage is one page of trust relationships.
type TrustPage struct {
	Trusts []*Trust
	// NextPageToken is the token of the next page, or empty on the last.
	NextPageToken string
	// size is the length of the page's body, for the walk's memory limit.
	size int
	// sum is PageSum of the page's body.
	sum string
}

// AllTrusts walks every page of trust relationships, of one issuer when
// issuer is set (see Pages).
func (c *Client) AllTrusts(ctx context.Context, issuer string) iter.Seq2[*Trust, error] {
	return Pages(ctx, "trust relationships", c.URL(TrustPath, nil), func(ctx context.Context, token string) (PageOf[*Trust], error) {
		p, err := c.ListTrusts(ctx, ListTrustsOptions{Issuer: issuer, PageToken: token})
		if err != nil {
			return PageOf[*Trust]{}, err
		}
		return PageOf[*Trust]{Items: p.Trusts, Next: p.NextPageToken, Size: p.size, Sum: p.sum}, nil
	})
}

// ListTrusts fetches one page of trust relationships.
func (c *Client) ListTrusts(ctx context.Context, o ListTrustsOptions) (*TrustPage, error) {
	q := url.Values{}
	if o.Issuer != "" {
		q.Set("issuer", o.Issuer)
	}
	if o.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(o.PageSize))
	}
	if o.PageToken != "" {
		q.Set("page_token", o.PageToken)
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: TrustPath, Query: q, Retry: true})
	if err != nil {
		return nil, err
	}
	if err := c.checkV1Paging(resp, c.URL(TrustPath, nil)); err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(resp.Body, &items); err != nil {
		return nil, BadBodyError(resp, http.MethodGet, c.URL(TrustPath, nil), err)
	}
	page := &TrustPage{NextPageToken: NextPageToken(resp.Header), size: len(resp.Body), sum: PageSum(resp.Body)}
	for i, raw := range items {
		t, err := ParseTrust(raw)
		if err != nil {
			return nil, BadBodyError(resp, http.MethodGet, c.URL(TrustPath, nil), fmt.Errorf("item %d: %w", i, err))
		}
		page.Trusts = append(page.Trusts, t)
	}
	return page, nil
}

func (c *Client) parseTrustResponse(resp *Response, method, path string) (*Trust, error) {
	t, err := ParseTrust(resp.Body)
	if err != nil {
		return nil, BadBodyError(resp, method, c.URL(path, nil), err)
	}
	return t, nil
}
