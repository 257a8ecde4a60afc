package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ClientsPath is the admin API's collection of OAuth 2.0 clients in Hydra v2.
const ClientsPath = "/admin/clients"

// OAuth2Client is an OAuth 2.0 client as the admin API returns it. The typed
// fields are the ones the tool reads; Raw is the server's JSON exactly as
// sent, so that printing keeps every field, known or not.
type OAuth2Client struct {
	ClientID                string   `json:"client_id"`
	ClientName              string   `json:"client_name,omitempty"`
	ClientSecret            string   `json:"client_secret,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
	Audience                []string `json:"audience,omitempty"`
	Owner                   string   `json:"owner,omitempty"`
	RedirectURIs            []string `json:"redirect_uris,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// ParseClient decodes one client. It must be a JSON object with a
// client_id.
func ParseClient(body []byte) (*OAuth2Client, error) {
	var c OAuth2Client
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, err
	}
	if c.ClientID == "" {
		return nil, errors.New(`the client has no "client_id"`)
	}
	c.Raw = json.RawMessage(bytes.TrimSpace(body))
	return &c, nil
}

// clientPath is the path of one client. The ID is a single path segment:
// url.URL escapes everything in it but "/", which no client ID that Hydra's
// router can serve contains.
func clientPath(id string) string {
	return ClientsPath + "/" + id
}

// CreateClient creates a client from its JSON document (Hydra's
// oAuth2Client model). It is not retried: a repeat could create a second
// client.
func (c *Client) CreateClient(ctx context.Context, doc []byte) (*OAuth2Client, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: ClientsPath, JSON: doc})
	if err != nil {
		return nil, err
	}
	return c.parseClientResponse(resp, http.MethodPost, ClientsPath)
}

// GetClient fetches one client. The admin API never returns its secret.
func (c *Client) GetClient(ctx context.Context, id string) (*OAuth2Client, error) {
	p := clientPath(id)
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: p, Retry: true})
	if err != nil {
		return nil, err
	}
	return c.parseClientResponse(resp, http.MethodGet, p)
}

// PatchOp is one RFC 6902 JSON Patch operation.
type PatchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value,omitempty"`
}

// PatchClient changes the fields of a client that ops name and leaves every
// other field as it is. It is not retried, since a patch that sets a new
// secret is not idempotent in what it returns.
func (c *Client) PatchClient(ctx context.Context, id string, ops []PatchOp) (*OAuth2Client, error) {
	body, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	p := clientPath(id)
	resp, err := c.Do(ctx, Request{Method: http.MethodPatch, Path: p, JSON: body})
	if err != nil {
		return nil, err
	}
	return c.parseClientResponse(resp, http.MethodPatch, p)
}

// DeleteClient deletes a client. It is not retried: a repeat after a lost
// answer would report a client that was deleted as missing.
func (c *Client) DeleteClient(ctx context.Context, id string) error {
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: clientPath(id)})
	return err
}

// ListClientsOptions selects one page of clients.
type ListClientsOptions struct {
	// PageSize is the number of clients per page; zero leaves it to the
	// server, which defaults to 250 and allows at most 1000.
	PageSize int
	// PageToken is the token of the page to fetch, from a previous page's
	// NextPageToken; empty fetches the first page.
	PageToken string
}

// ClientPage is one page of clients.
type ClientPage struct {
	Clients []*OAuth2Client
	// NextPageToken is the token of the next page, or empty on the last
	// page.
	NextPageToken string
	// TotalCount is the server's X-Total-Count, or -1 when it sent none.
	TotalCount int
}

// ListClients fetches one page of clients. The list never carries secrets.
func (c *Client) ListClients(ctx context.Context, o ListClientsOptions) (*ClientPage, error) {
	q := url.Values{}
	if o.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(o.PageSize))
	}
	if o.PageToken != "" {
		q.Set("page_token", o.PageToken)
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: ClientsPath, Query: q, Retry: true})
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(resp.Body, &items); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			// Not an array at all: say so, rather than name Go types.
			err = fmt.Errorf("the body is a JSON %s, not the array of clients that Hydra's admin API sends", typeErr.Value)
		}
		return nil, BadBodyError(resp, http.MethodGet, c.URL(ClientsPath, nil), err)
	}
	page := &ClientPage{TotalCount: -1, NextPageToken: NextPageToken(resp.Header)}
	if n, err := strconv.Atoi(resp.Header.Get("X-Total-Count")); err == nil && n >= 0 {
		page.TotalCount = n
	}
	for i, raw := range items {
		cl, err := ParseClient(raw)
		if err != nil {
			return nil, BadBodyError(resp, http.MethodGet, c.URL(ClientsPath, nil), fmt.Errorf("item %d: %w", i, err))
		}
		page.Clients = append(page.Clients, cl)
	}
	return page, nil
}

func (c *Client) parseClientResponse(resp *Response, method, path string) (*OAuth2Client, error) {
	cl, err := ParseClient(resp.Body)
	if err != nil {
		return nil, BadBodyError(resp, method, c.URL(path, nil), err)
	}
	return cl, nil
}

// NextPageToken returns the page_token of the RFC 8288 Link header's
// rel="next" target, as Hydra's token pagination sends it, or "" when there
// is no next page.
func NextPageToken(h http.Header) string {
	for _, l := range ParseLinks(h.Values("Link")) {
		if !l.HasRel("next") {
			continue
		}
		u, err := url.Parse(l.URL)
		if err != nil {
			continue
		}
		if t := u.Query().Get("page_token"); t != "" {
			return t
		}
	}
	return ""
}

// Link is one link of an RFC 8288 Link header.
type Link struct {
	URL    string
	Params map[string]string
}

// HasRel reports whether the link's rel parameter, a space-separated list,
// contains rel.
func (l Link) HasRel(rel string) bool {
	for _, r := range strings.Fields(l.Params["rel"]) {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// ParseLinks parses Link header values: comma-separated `<url>; k=v; k="v"`
// entries. Commas inside <...> or quotes do not split entries. Malformed
// entries are skipped. (No Go module served here parses Link headers, and
// this is all of the grammar Hydra's answers use.)
func ParseLinks(values []string) []Link {
	var links []Link
	for _, v := range values {
		for _, entry := range splitOutside(v, ',') {
			entry = strings.TrimSpace(entry)
			if !strings.HasPrefix(entry, "<") {
				continue
			}
			end := strings.IndexByte(entry, '>')
			if end < 0 {
				continue
			}
			l := Link{URL: entry[1:end], Params: map[string]string{}}
			for _, p := range splitOutside(entry[end+1:], ';') {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				k = strings.ToLower(strings.TrimSpace(k))
				if k == "" {
					continue
				}
				val = strings.TrimSpace(val)
				if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
					val = val[1 : len(val)-1]
				}
				if _, dup := l.Params[k]; !dup {
					l.Params[k] = val
				}
			}
			links = append(links, l)
		}
	}
	return links
}

// splitOutside splits s at sep where sep is neither inside <...> nor inside
// double quotes.
func splitOutside(s string, sep byte) []string {
	var parts []string
	inAngle, inQuote, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' && !inAngle:
			inQuote = !inQuote
		case c == '<' && !inQuote:
			inAngle = true
		case c == '>' && !inQuote:
			inAngle = false
		case c == sep && !inAngle && !inQuote:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
