package api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// The limits of every walk over a list's pages (Pages), so that a server
// whose pages never end can keep a command neither running nor filling
// memory for ever.
var (
	// MaxPages bounds the pages of one walk: at Hydra's default of 250
	// items a page, 2.5 million items.
	MaxPages = 10000
	// MaxListBytes bounds the bodies of one walk's pages: each page is
	// capped (MaxBodySize), but a server that keeps sending full pages
	// with new tokens could otherwise exhaust memory before MaxPages.
	// 512 MiB is some 200 times what a million of Hydra's clients take.
	// Tests lower it.
	MaxListBytes = 512 << 20
)

// PageOf is one page of a list, as Pages walks it.
type PageOf[T any] struct {
	Items []T
	// Next is the token of the next page, or "" on the last.
	Next string
	// Size is the length of the page's body.
	Size int
	// Sum is a digest of the page's body (PageSum), or "": a page whose
	// Sum is the previous page's repeats it.
	Sum string
}

// PageSum is the digest of a page's body, for PageOf.Sum.
func PageSum(body []byte) string {
	sum := sha256.Sum256(body)
	return string(sum[:])
}

// PageError is a walk over pages that stopped because the server's
// pagination does not end: a page token came twice, a page repeated the
// previous one, or the walk passed
// MaxPages or MaxListBytes.
type PageError struct {
	// What names the list, such as "clients"; URL is the list's URL.
	What, URL string
	// Reason says which limit was met.
	Reason string
}

func (e *PageError) Error() string {
	return fmt.Sprintf("%s %s: listing %s: %s; stopping rather than looping", http.MethodGet, e.URL, e.What, e.Reason)
}

// Pages walks every page of a list, from the first, and yields its items
// in order. fetch gets the page of a token ("" for the first). The walk
// ends after the last page (no next token, or no items), or with an error
// as the second value: the page's own, or a *PageError when the server
// sends a page token a second time, or a page whose body is the previous
// page's (a server that ignores the token, with a fresh one each time), or
// the walk passes MaxPages pages or
// MaxListBytes bytes. It is the one walker of every list: a repeated page
// token is always an error, never a silent end.
func Pages[T any](ctx context.Context, what string, u *url.URL, fetch func(ctx context.Context, token string) (PageOf[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		stop := func(reason string) {
			yield(zero, &PageError{What: what, URL: StripQuery(u), Reason: reason})
		}
		seen := map[string]bool{}
		token, size, prev := "", 0, ""
		for n := 0; ; n++ {
			if n == MaxPages {
				stop(fmt.Sprintf("the server has more than %d pages", MaxPages))
				return
			}
			page, err := fetch(ctx, token)
			if err != nil {
				yield(zero, err)
				return
			}
			if size += page.Size; size > MaxListBytes && page.Next != "" {
				stop(fmt.Sprintf("the server sent more than %d MiB and asks for more", MaxListBytes>>20))
				return
			}
			if page.Next != "" && seen[page.Next] {
				stop(fmt.Sprintf("the server sent next-page token %q twice", page.Next))
				return
			}
			if n > 0 && page.Sum != "" && page.Sum == prev && len(page.Items) > 0 {
				stop(fmt.Sprintf("the server sent page %d with the same items as page %d, and ignores the page token", n+1, n))
				return
			}
			prev = page.Sum
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if page.Next == "" || len(page.Items) == 0 {
				return
			}
			seen[page.Next] = true
			token = page.Next
		}
	}
}

// Collect gathers the items of a walk, or returns its error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var all []T
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}

// NextPageToken returns the page_token of the RFC 8288 Link header's
// rel="next" target, as Hydra's token pagination sends it, or "" when there
// is no next page. Hydra v1 pages with limit and offset instead: the offset
// is then the token, which the admin path mapping sends back as offset.
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
		if t := u.Query().Get("offset"); t != "" && !u.Query().Has("page_token") {
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
