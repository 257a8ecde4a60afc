package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Generation is the major version of Hydra's HTTP API. It decides the
// admin API's paths: Hydra v1 serves them at the root of the admin port
// (/clients, /oauth2/introspect), Hydra v2 under /admin (/admin/clients).
// The public API's paths are the same in both.
type Generation int

const (
	// GenerationUnknown means the generation is neither given nor
	// detected yet, or detection could not tell.
	GenerationUnknown Generation = iota
	// V1 is Hydra v1.x.
	V1
	// V2 is Hydra v2.x, whose paths this package's constants spell.
	V2
)

func (g Generation) String() string {
	switch g {
	case V1:
		return "v1"
	case V2:
		return "v2"
	}
	return "unknown"
}

// Generations are the generations a user may give.
var Generations = []string{"v1", "v2"}

// ParseGeneration parses a generation as a user gives it: "v1" or
// "v2" ("1" and "2" too).
func ParseGeneration(s string) (Generation, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "v1", "1":
		return V1, nil
	case "v2", "2":
		return V2, nil
	}
	return GenerationUnknown, fmt.Errorf("unknown API version %q: want %s", s, strings.Join(Generations, " or "))
}

// ServerInfo is what the tool knows about the Hydra behind the admin API.
type ServerInfo struct {
	// Generation is the server's API generation, or GenerationUnknown.
	Generation Generation
	// Version is the release the server named at GET /version, such as
	// "v1.11.10", or "" when it named none: a build from source answers
	// "master".
	Version string
	// Given reports that the generation came from the user rather
	// than from the server.
	Given bool
}

// Name names the server for messages: "Hydra v1.11.10", "Hydra v1" or, when
// nothing is known, "the server".
func (s ServerInfo) Name() string {
	switch {
	case s.Version != "":
		return "Hydra " + s.Version
	case s.Generation != GenerationUnknown:
		return "Hydra " + s.Generation.String()
	}
	return "the server"
}

// Release returns the major and minor of the release the server named, and
// false when it named none.
func (s ServerInfo) Release() (major, minor int, ok bool) {
	m := releaseRE().FindStringSubmatch(s.Version)
	if m == nil {
		return 0, 0, false
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, true
}

// detection holds what a Client learned about its server, once.
type detection struct {
	mu   sync.Mutex
	done bool
	info ServerInfo
}

// generation is the generation whose paths c uses now: the one given, else
// the one detected, else v2.
func (c *Client) generation() Generation {
	if c.Generation != GenerationUnknown {
		return c.Generation
	}
	c.detect.mu.Lock()
	defer c.detect.mu.Unlock()
	if c.detect.done && c.detect.info.Generation != GenerationUnknown {
		return c.detect.info.Generation
	}
	return V2
}

// adminPath maps a Hydra v2 admin path, such as /admin/clients, to the
// server's generation: Hydra v1 serves the same resources without the
// /admin prefix. It is the one place where the two generations' paths
// differ; every admin call goes through it, by way of URL.
func (c *Client) adminPath(path string, query url.Values, gen Generation) (string, url.Values) {
	if c.Kind != Admin || gen != V1 {
		return path, query
	}
	if rest, ok := strings.CutPrefix(path, "/admin/"); ok {
		path = "/" + rest
	}
	if query.Has("page_size") || query.Has("page_token") {
		// Hydra v1 pages its lists (clients, trust relationships) with
		// limit and offset; the "page token" of a v1 page is its offset, as
		// NextPageToken reads it from the Link header.
		q := url.Values{}
		for k, v := range query {
			switch k {
			case "page_size":
				q["limit"] = v
			case "page_token":
				q["offset"] = v
			default:
				q[k] = v
			}
		}
		query = q
	}
	return path, query
}

// needsDetection reports whether err, the answer to an admin request sent
// on a Hydra v2 path, may mean the server is Hydra v1: a 404 while the
// generation is not given. Server then asks the server, once per Client.
func (c *Client) needsDetection(path string, err error) bool {
	if c.Kind != Admin || c.Generation != GenerationUnknown || !strings.HasPrefix(path, "/admin/") {
		return false
	}
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

// Server returns what is known about the server behind the admin API:
// the generation given (Client.Generation), or else what detection finds
// out, once per Client. Detection costs one request when the server names
// its release at GET /version, and two or three when it does not, as a
// build from source answers "master". It never fails: a server it cannot place is
// GenerationUnknown, and the tool then uses Hydra v2's paths.
func (c *Client) Server(ctx context.Context) ServerInfo {
	if c.Generation != GenerationUnknown {
		return ServerInfo{Generation: c.Generation, Given: true}
	}
	c.detect.mu.Lock()
	defer c.detect.mu.Unlock()
	if c.detect.done {
		return c.detect.info
	}
	info, complete := c.detectServer(ctx)
	if complete {
		c.detect.done, c.detect.info = true, info
	}
	return info
}

// releaseRE matches a release as GET /version names it: v1.11.10,
// 2.3.0, v2.1.0-pre.1. It is compiled on first use: package
// initialisation is paid by every command, and most never read a version.
var releaseRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$`)
})

// detectServer asks the server. complete is false when ctx ended first, so
// that a later call asks again.
func (c *Client) detectServer(ctx context.Context) (info ServerInfo, complete bool) {
	// GET /version answers {"version":"v2.3.0"} on both generations'
	// admin ports, in official builds. Without it, BaseURL is not the root
	// of a Hydra admin API (a wrong prefix, a gateway), and /clients below
	// would prove nothing: under http://host:4445/admin, it is v2's
	// /admin/clients.
	resp, err := c.probe(ctx, "/version", nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		return info, ctx.Err() == nil
	}
	var v struct {
		Version *string `json:"version"`
	}
	if json.Unmarshal(resp.Body, &v) != nil || v.Version == nil {
		return info, true
	}
	release := strings.TrimSpace(*v.Version)
	if m := releaseRE().FindStringSubmatch(release); m != nil {
		info.Version = "v" + strings.TrimPrefix(release, "v")
		switch major, _ := strconv.Atoi(m[1]); {
		case major == 1:
			info.Generation = V1
		case major >= 2:
			info.Generation = V2
		}
		if info.Generation != GenerationUnknown {
			return info, true
		}
	}
	// No release named. Hydra v2 and later list clients at
	// /admin/clients; Hydra v1 has no such route (404) and lists them at
	// /clients. /clients alone proves nothing: Hydra v2 redirects it to
	// /admin/clients, and Hydra v25.4 and later serve it directly, with
	// the same 200 and JSON array as Hydra v1. Both probes ask for one
	// item and change nothing.
	resp, err = c.probe(ctx, "/admin/clients", url.Values{"page_size": {"1"}})
	switch {
	case err != nil:
		return info, ctx.Err() == nil
	case resp.StatusCode == http.StatusOK && isJSONArray(resp.Body):
		info.Generation = V2
		return info, true
	case resp.StatusCode != http.StatusNotFound:
		return info, true
	}
	resp, err = c.probe(ctx, "/clients", url.Values{"limit": {"1"}})
	switch {
	case err != nil:
		return info, ctx.Err() == nil
	case resp.StatusCode == http.StatusOK && isJSONArray(resp.Body):
		info.Generation = V1
	}
	return info, true
}

// probe sends one GET for detection, with the bearer token, without
// retries and without following redirects, and reads a bounded body.
func (c *Client) probe(ctx context.Context, path string, query url.Values) (*Response, error) {
	u := *c.BaseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if c.BearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.BearerToken)
	}
	hc := *c.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := ReadBody(resp)
	if err != nil {
		return nil, err
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: raw}, nil
}

func locationPath(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	return u.Path
}

func isJSONArray(b []byte) bool {
	var v []json.RawMessage
	return json.Unmarshal(b, &v) == nil
}

// RequireGeneration fails with an error naming the server when the server
// is known to be of another generation than want: feature, such as
// "flushing tokens through the API", exists only in that generation. A
// server that detection could not place passes, and the request itself
// tells.
func (c *Client) RequireGeneration(ctx context.Context, want Generation, feature string) error {
	info := c.Server(ctx)
	if info.Generation == GenerationUnknown || info.Generation == want {
		return nil
	}
	return c.advise(&GenerationError{Feature: feature, Want: want, Server: info, URL: StripQuery(c.BaseURL)})
}

// GenerationError says that a feature of one Hydra generation was used
// against a server of the other. Its Cause is CauseWrongGeneration.
type GenerationError struct {
	Feature string
	Want    Generation
	Server  ServerInfo
	URL     string
	// Fix, when set, says how to correct the generation the tool assumed,
	// such as the flag that gave it (the command layer's advice).
	Fix string
	// Advice tells the user what to do instead, when there is something.
	Advice string
}

func (e *GenerationError) Error() string {
	how := "detected"
	if e.Server.Given {
		how = "as given"
	}
	msg := fmt.Sprintf("%s needs Hydra %s, but the admin API at %s is %s (%s)", e.Feature, e.Want, e.URL, e.Server.Name(), how)
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	if e.Advice != "" {
		msg += "\n" + e.Advice
	}
	return msg
}

// generationCause explains an answer by the server's generation: a route
// 404 for a path that exists only in Hydra v2 sent to Hydra v1, or for a v2
// path sent to a server that was given as Hydra v2; and Hydra v2's
// redirect of a v1 path, sent because the server was given as Hydra v1.
// v2Path is the path before mapping, gen the generation it was sent for.
func (c *Client) generationCause(err error, v2Path string, gen Generation) {
	var e *Error
	if !errors.As(err, &e) || c.Kind != Admin || !strings.HasPrefix(v2Path, "/admin/") {
		return
	}
	if e.StatusCode/100 == 3 && c.Generation == V1 && strings.Contains(locationPath(e.Location), "/admin/") {
		e.Cause = CauseGenerationRedirect
		return
	}
	if e.StatusCode != http.StatusNotFound || e.Code != "" || e.Description != "" {
		return
	}
	switch {
	case gen == V1:
		e.Cause = CauseNeedsV2
		e.Advice = fmt.Sprintf("%s has no such path: this request needs Hydra v2 (its path there is %s).", c.Server(context.Background()).Name(), v2Path)
	case c.Generation == V2:
		e.Cause = CauseNotV2
	}
}

// checkV1Paging refuses a page of a list whose next page the tool cannot
// ask for: with the generation given as v1, the tool sends a page's token
// back as Hydra v1's offset, but a server whose Link names the next page
// by page_token alone pages as Hydra v2 does (Hydra v25.4 and later serve
// v1's paths so). It ignores the offset and answers the first page again,
// with a fresh token each time, so that a walk would never end. u is the
// list's URL, for the message.
func (c *Client) checkV1Paging(resp *Response, u *url.URL) error {
	if c.Kind != Admin || c.Generation != V1 {
		return nil
	}
	for _, l := range ParseLinks(resp.Header.Values("Link")) {
		if !l.HasRel("next") {
			continue
		}
		next, err := url.Parse(l.URL)
		if err != nil || !next.Query().Has("page_token") || next.Query().Has("offset") {
			continue
		}
		status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		msg := fmt.Sprintf("%s %s: %s, but the server names its next page by page_token, as Hydra v2 and later do, "+
			"not by offset as Hydra v1 does, the API version the tool was given: it cannot ask for that page",
			http.MethodGet, StripQuery(u), status)
		return c.advise(&Error{Method: http.MethodGet, URL: StripQuery(u), StatusCode: resp.StatusCode, Status: status,
			Description: msg, raw: true, Cause: CauseGenerationPaging})
	}
	return nil
}
