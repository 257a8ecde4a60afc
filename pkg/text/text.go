// Package text is the one home of the small text rules that every layer
// shares: making server- or token-supplied text safe for a terminal,
// masking secrets in messages, and formatting times. It imports nothing
// of this module, so that pkg/api, pkg/printer, pkg/cmdutil and the
// commands can all use it.
package text

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Printable makes s safe for one cell or line of a terminal: a tab or line
// break, which would break the line or the columns, becomes a space, and
// any other control character, such as the escape that starts a terminal
// control sequence in a hostile client name or token claim, becomes '?'.
// Invalid UTF-8 becomes '?' too. s is returned as it is when it is clean,
// which it nearly always is.
func Printable(s string) string {
	clean := utf8.ValidString(s)
	for _, r := range s {
		if !clean || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || r == utf8.RuneError:
			return '?'
		}
		return r
	}, s)
}

// OneLine folds s to a single line of at most max runes, for a message:
// runs of white space and control characters (terminal escape sequences
// among them) become one space, and a longer text is cut with "…".
func OneLine(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
}

// Masked replaces every secret value in traces and messages.
const Masked = "***"

// MinMaskedLen is the shortest secret that Mask replaces. Real secrets,
// tokens and codes are far longer; masking a dummy such as "a" or "test"
// would mangle every word of a message that contains it.
const MinMaskedLen = 8

// Mask replaces each of secrets in s with Masked, where a server, or a
// proxy before it, may have echoed one. Secrets shorter than MinMaskedLen
// are left alone.
func Mask(s string, secrets ...string) string {
	for _, secret := range secrets {
		if len(secret) >= MinMaskedLen {
			s = strings.ReplaceAll(s, secret, Masked)
		}
	}
	return s
}

// Time formats seconds since the epoch, as JWT and introspection claims
// hold times, as an RFC 3339 date in UTC.
func Time(sec int64) string {
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

// Stamp formats t as an RFC 3339 date in UTC, as Time does, and the zero
// time as "", for a column or field that may have no date.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Command returns a command line suggested in a message, such as
// Command("hydra", "keys", "create", set), with each word quoted for a
// POSIX shell where it needs it. Every suggested command that holds a value
// goes through it, so that 'hydra keys create my set' is never suggested
// for the set "my set". Messages put the line in single quotes, so a word
// is quoted in double quotes where that is safe ("my set"), and in single
// quotes (ShellQuote) when it holds $, `, ", \, ! or a control character.
func Command(words ...string) string {
	out := make([]string, len(words))
	for i, w := range words {
		q := ShellQuote(w)
		if q != w && !strings.ContainsFunc(w, func(r rune) bool { return strings.ContainsRune("$`\"\\!", r) || unicode.IsControl(r) }) {
			q = `"` + w + `"`
		}
		out[i] = q
	}
	return strings.Join(out, " ")
}

// ShellQuote quotes s for a command line a user may paste into a POSIX
// shell: as it is when it holds only characters no shell treats specially,
// in single quotes otherwise.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
