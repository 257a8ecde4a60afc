package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"time"

	"github.com/hydratoken/hydra/pkg/text"
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
// oAuth2Client model).
//
// A document without client_id leaves the ID to the server, and is sent
// once: a repeat after a lost answer could create a second client. When
// the connection broke after the request went out, the error is an
// *UncertainError, which says that the client may exist.
//
// A document with client_id is retried like a read (see WithRetry): the ID
// is unique, so a repeat cannot create a second client. Should a repeat
// get 409 Conflict after an earlier attempt's answer was lost, the client
// is fetched, and taken as created by that attempt when it was created
// within this call (by the server's clock) with every field the document
// set; otherwise the 409 stands. The secret the server made for such a
// client was in the lost answer, so it is replaced by one made here (see
// newSecret), through a patch that can be repeated.
func (c *Client) CreateClient(ctx context.Context, doc []byte) (*OAuth2Client, error) {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(doc, &fields) // the server judges a bad document
	var id string
	if raw, ok := fields["client_id"]; ok {
		_ = json.Unmarshal(raw, &id)
	}
	if id == "" {
		resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: ClientsPath, JSON: doc})
		if err != nil {
			return nil, uncertainCreate(err)
		}
		return c.parseClientResponse(resp, http.MethodPost, ClientsPath)
	}

	ctx, log := withAttemptLog(ctx)
	start := time.Now()
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: ClientsPath, JSON: doc, Retry: true})
	if err == nil {
		return c.parseClientResponse(resp, http.MethodPost, ClientsPath)
	}
	var apiErr *Error
	if log.lost == 0 {
		return nil, err
	}
	if !errors.As(err, &apiErr) {
		return nil, uncertainCreate(err)
	}
	if apiErr.StatusCode != http.StatusConflict {
		return nil, err
	}
	cl, cerr := c.confirmCreated(ctx, id, fields, time.Since(start))
	if cerr != nil {
		var ce *ConnError
		if errors.As(cerr, &ce) {
			return nil, &UncertainError{Method: http.MethodPost, URL: apiErr.URL, Err: ce.Err,
				What: fmt.Sprintf("an attempt's answer was lost, and whether client %q was created by it could not be checked", id)}
		}
		return nil, err // the 409 stands
	}
	var secret string
	_ = json.Unmarshal(fields["client_secret"], &secret)
	if secret == "" && needsSecret(fields) {
		// The secret the server made was in the lost answer: set a new
		// one, chosen here so that the patch can be repeated.
		if secret, err = c.setSecret(ctx, id); err != nil {
			return nil, fmt.Errorf("client %q was created, but the secret the server made for it was lost with the answer, and setting a new one failed: %w\nGive it a new secret with '%s' before using it", id, err, text.Command("hydra", "client", "update", id))
		}
	}
	if secret != "" {
		cl.ClientSecret = secret
		var raw map[string]json.RawMessage
		if json.Unmarshal(cl.Raw, &raw) == nil {
			raw["client_secret"], _ = json.Marshal(secret)
			if b, err := json.Marshal(raw); err == nil {
				cl.Raw = b
			}
		}
	}
	return cl, nil
}

// setSecret gives client id a new secret made here, through a JSON Patch
// that is retried like a read: it sets the same value however often it is
// repeated.
func (c *Client) setSecret(ctx context.Context, id string) (string, error) {
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	v, _ := json.Marshal(secret)
	body, err := json.Marshal([]PatchOp{{Op: "replace", Path: "/client_secret", Value: v}})
	if err != nil {
		return "", err
	}
	if _, err := c.Do(ctx, Request{Method: http.MethodPatch, Path: clientPath(id), JSON: body, Retry: true}); err != nil {
		return "", err
	}
	return secret, nil
}

// confirmCreated checks that client id, which a create answered 409 for
// after a lost answer, is the one that create made: it was created within
// the last elapsed (by the server's clock, with a margin for its
// one-second resolution) and has every field of doc but the secret, which
// the admin API never returns. It fails with the GET's error, or with an
// error saying which check failed.
func (c *Client) confirmCreated(ctx context.Context, id string, doc map[string]json.RawMessage, elapsed time.Duration) (*OAuth2Client, error) {
	p := clientPath(id)
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: p, Retry: true})
	if err != nil {
		return nil, err
	}
	cl, err := c.parseClientResponse(resp, http.MethodGet, p)
	if err != nil {
		return nil, err
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(cl.Raw, &got); err != nil {
		return nil, err
	}
	var created time.Time
	_ = json.Unmarshal(got["created_at"], &created)
	now, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil || created.IsZero() || created.Before(now.Add(-elapsed-2*time.Second)) {
		return nil, errors.New("the existing client was not created by this command")
	}
	for k, v := range doc {
		if k == "client_secret" {
			continue
		}
		if !jsonEqual(v, got[k]) {
			return nil, fmt.Errorf("the existing client's %s differs", k)
		}
	}
	return cl, nil
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// needsSecret reports whether Hydra generates a secret for a client
// document: one that names no secret and authenticates with one.
func needsSecret(doc map[string]json.RawMessage) bool {
	var secret, method string
	_ = json.Unmarshal(doc["client_secret"], &secret)
	_ = json.Unmarshal(doc["token_endpoint_auth_method"], &method)
	return secret == "" && (method == "" || method == "client_secret_basic" || method == "client_secret_post")
}

// newSecret makes a client secret: 32 bytes from crypto/rand, base64url
// encoded, more entropy than the 26 characters Hydra generates.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
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

// DeleteClient deletes a client. It is retried like a read (see
// WithRetry). A 404 after an earlier attempt's answer was lost means that
// attempt deleted it, or that it was gone already: either way the client
// no longer exists, which is what was asked, so it is no error.
func (c *Client) DeleteClient(ctx context.Context, id string) error {
	ctx, log := withAttemptLog(ctx)
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: clientPath(id), Retry: true})
	var apiErr *Error
	if err != nil && log.lost > 0 && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return nil
	}
	return err
}

// ListClientsOptions selects one page of clients.
type ListClientsOptions struct {
	// PageSize is the number of clients per page; zero leaves it to the
	// server. Hydra v2.x defaults to 250 and allows at most 1000; Hydra
	// v26 defaults to 100 and serves at most 500, cutting a larger size
	// without a word. Either way the Link header names the next page.
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
	// size is the length of the page's body, for the walk's memory limit.
	size int
	// sum is PageSum of the page's body.
	sum string
}

// AllClients walks every page of clients (see Pages).
func (c *Client) AllClients(ctx context.Context) iter.Seq2[*OAuth2Client, error] {
	return Pages(ctx, "clients", c.URL(ClientsPath, nil), func(ctx context.Context, token string) (PageOf[*OAuth2Client], error) {
		p, err := c.ListClients(ctx, ListClientsOptions{PageToken: token})
		if err != nil {
			return PageOf[*OAuth2Client]{}, err
		}
		return PageOf[*OAuth2Client]{Items: p.Clients, Next: p.NextPageToken, Size: p.size, Sum: p.sum}, nil
	})
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
	if err := c.checkV1Paging(resp, c.URL(ClientsPath, nil)); err != nil {
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
	page := &ClientPage{TotalCount: -1, NextPageToken: NextPageToken(resp.Header), size: len(resp.Body), sum: PageSum(resp.Body)}
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
