package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Paths of the admin API's session endpoints in Hydra v2.
const (
	// ConsentSessionsPath lists and revokes a subject's consent sessions.
	ConsentSessionsPath = "/admin/oauth2/auth/sessions/consent"
	// LoginSessionsPath ends a subject's login sessions, or one by its ID.
	LoginSessionsPath = "/admin/oauth2/auth/sessions/login"
)

// ConsentSession is one consent a subject granted to a client, as the
// admin API lists it. The typed fields are the ones the tool reads; Raw is
// the server's JSON as sent.
type ConsentSession struct {
	// ConsentRequestID identifies the session to revoke it alone
	// (RevokeConsentSession): Hydra v25.4 and later send it.
	ConsentRequestID string    `json:"consent_request_id"`
	GrantScope       []string  `json:"grant_scope"`
	GrantAudience    []string  `json:"grant_access_token_audience"`
	Remember         bool      `json:"remember"`
	RememberFor      int64     `json:"remember_for"`
	HandledAt        time.Time `json:"handled_at"`
	Request          struct {
		Subject        string `json:"subject"`
		LoginSessionID string `json:"login_session_id"`
		Client         struct {
			ClientID   string `json:"client_id"`
			ClientName string `json:"client_name"`
		} `json:"client"`
	} `json:"consent_request"`

	Raw json.RawMessage `json:"-"`
}

// ClientID is the ID of the client the consent was granted to.
func (s *ConsentSession) ClientID() string { return s.Request.Client.ClientID }

// ConsentPage is one page of consent sessions.
type ConsentPage struct {
	Sessions []*ConsentSession
	// NextPageToken is the token of the next page, or empty on the last.
	NextPageToken string
	// TotalCount is the server's X-Total-Count, or -1 when it sent none.
	TotalCount int
	// size is the length of the page's body, for the walk's memory limit.
	size int
	// sum is PageSum of the page's body.
	sum string
}

// ListConsentSessions fetches one page of the consent sessions that
// subject granted. pageSize zero leaves it to the server (Hydra v2.x: 250,
// at most 1000; v26: 100, and a larger size is cut to 500 without a word);
// an empty pageToken fetches the first page.
func (c *Client) ListConsentSessions(ctx context.Context, subject string, pageSize int, pageToken string) (*ConsentPage, error) {
	q := url.Values{"subject": {subject}}
	if pageSize > 0 {
		q.Set("page_size", strconv.Itoa(pageSize))
	}
	if pageToken != "" {
		q.Set("page_token", pageToken)
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: ConsentSessionsPath, Query: q, Retry: true})
	if err != nil {
		return nil, err
	}
	if err := c.checkV1Paging(resp, c.URL(ConsentSessionsPath, nil)); err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(resp.Body, &items); err != nil {
		return nil, BadBodyError(resp, http.MethodGet, c.URL(ConsentSessionsPath, nil), err)
	}
	page := &ConsentPage{NextPageToken: NextPageToken(resp.Header), TotalCount: -1, size: len(resp.Body), sum: PageSum(resp.Body)}
	if n, err := strconv.Atoi(resp.Header.Get("X-Total-Count")); err == nil && n >= 0 {
		page.TotalCount = n
	}
	for i, raw := range items {
		var s ConsentSession
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, BadBodyError(resp, http.MethodGet, c.URL(ConsentSessionsPath, nil), fmt.Errorf("item %d: %w", i, err))
		}
		if s.ClientID() == "" {
			return nil, BadBodyError(resp, http.MethodGet, c.URL(ConsentSessionsPath, nil), fmt.Errorf("item %d has no consent_request.client.client_id", i))
		}
		s.Raw = raw
		page.Sessions = append(page.Sessions, &s)
	}
	return page, nil
}

// RevokeConsentSessions revokes the consent sessions that subject granted
// to client, or to every client when all is set, and with them the access
// and refresh tokens issued under them. Hydra answers 204 whether or not
// there was anything to revoke. A DELETE is idempotent: it is retried.
func (c *Client) RevokeConsentSessions(ctx context.Context, subject, client string, all bool) error {
	q := url.Values{"subject": {subject}}
	switch {
	case client != "":
		q.Set("client", client)
	case all:
		q.Set("all", "true")
	default:
		return fmt.Errorf("revoking consent sessions needs a client, or all")
	}
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: ConsentSessionsPath, Query: q, Retry: true})
	return err
}

// RevokeConsentSession revokes the one consent session of a consent
// request ID, and the tokens issued under it: Hydra v25.4 and later
// (RevokeConsentSessionSince). Hydra v2.3.0 refuses the request, as it
// wants a subject; v26 answers 204 whether or not there was such a session,
// so the caller checks by listing.
func (c *Client) RevokeConsentSession(ctx context.Context, consentRequestID string) error {
	if consentRequestID == "" {
		return fmt.Errorf("revoking a consent session needs its consent request ID")
	}
	q := url.Values{"consent_request_id": {consentRequestID}}
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: ConsentSessionsPath, Query: q, Retry: true})
	return err
}

// RevokeConsentSessionSince is the first release that revokes one consent
// session by its consent request ID, as major and minor.
var RevokeConsentSessionSince = [2]int{25, 4}

// RevokeLoginSessions ends every login session of subject, or, when sid is
// set instead, that one session (with OpenID Connect back-channel logout).
// Tokens already issued stay valid. Hydra answers 204 whether or not there
// was a session.
func (c *Client) RevokeLoginSessions(ctx context.Context, subject, sid string) error {
	q := url.Values{}
	switch {
	case sid != "":
		q.Set("sid", sid)
	case subject != "":
		q.Set("subject", subject)
	default:
		return fmt.Errorf("revoking login sessions needs a subject or a session ID")
	}
	_, err := c.Do(ctx, Request{Method: http.MethodDelete, Path: LoginSessionsPath, Query: q, Retry: true})
	return err
}

// ListAllConsentSessions walks every page of subject's consent sessions
// (see Pages). total is the server's count of them, or -1 when it sent
// none: Hydra v2.3.0's Link header for this list names no next page, so a
// count above len(sessions) means that some were not listed.
func (c *Client) ListAllConsentSessions(ctx context.Context, subject string) (sessions []*ConsentSession, total int, err error) {
	total = -1
	all, err := Collect(Pages(ctx, "consent sessions", c.URL(ConsentSessionsPath, nil), func(ctx context.Context, token string) (PageOf[*ConsentSession], error) {
		p, err := c.ListConsentSessions(ctx, subject, 1000, token)
		if err != nil {
			return PageOf[*ConsentSession]{}, err
		}
		total = p.TotalCount
		return PageOf[*ConsentSession]{Items: p.Sessions, Next: p.NextPageToken, Size: p.size, Sum: p.sum}, nil
	}))
	if err != nil {
		return nil, -1, err
	}
	return all, total, nil
}
