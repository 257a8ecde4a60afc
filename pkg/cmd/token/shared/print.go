package shared

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// TokenOutput is how a token response prints.
type TokenOutput struct {
	// Format is --format; the zero Format prints View.
	Format printer.Format
	// View is the command's default view; nil prints the access token
	// alone, on one line, so that TOKEN=$(hydra token client) works.
	View func(io.Writer) error
	// Style is the output of the spelling the command was called by:
	// Hydra v2's adds "expiry" (printer.Style.Expiry).
	Style printer.Style
	// SingleUse says that the token was bought with a single-use
	// assertion (jwt-bearer): the whole response is shown once.
	SingleUse bool
	// Quiet is -q: with Style.HydraTable, the access token alone, as
	// Hydra v2's CLI prints a row's first column with -q.
	Quiet bool
}

// PrintToken prints a token response: in --format when one was given, or
// else the access token alone, on one line.
//
// What the server shows once is never lost (see PrintTokenWith).
func PrintToken(ios *iostreams.IOStreams, format printer.Format, tok *Token) error {
	return PrintTokenWith(ios, tok, TokenOutput{Format: format})
}

// PrintTokenView is PrintToken with the command's own default view, used
// when no --format was given; nil means the access token alone.
func PrintTokenView(ios *iostreams.IOStreams, format printer.Format, tok *Token, defaultView func(io.Writer) error) error {
	return PrintTokenWith(ios, tok, TokenOutput{Format: format, View: defaultView})
}

// PrintTokenWith prints a token response as o asks, through
// printer.ShowOnce: a refresh token, or the whole response when it was
// bought with a single-use assertion, is shown once, so when the output
// does not carry it (a selector that selects nothing or something else, a
// view without it), the response goes to stderr after a warning. A value
// kept in the token cache is not lost, and is not repeated there.
func PrintTokenWith(ios *iostreams.IOStreams, tok *Token, o TokenOutput) error {
	raw := tok.Raw
	if o.Style.Expiry && o.Format.Name != "" && o.Format.Name != printer.Table {
		raw = WithExpiry(raw, tok.Expiry())
	}
	render := func(w io.Writer) error {
		switch {
		case o.Style.HydraTable && o.Quiet:
			_, err := fmt.Fprintln(w, tok.AccessToken)
			return err
		case o.Style.HydraTable && (o.Format.Name == "" || o.Format.Name == printer.Table):
			return printer.WriteHydraRow(w, hydraTokenHeaders, hydraTokenRow(tok))
		case o.Format.Name != "":
			return printer.Printer{Format: o.Format, Color: ios.ColorEnabled()}.Print(w, raw, nil)
		case o.View != nil:
			return o.View(w)
		}
		_, err := fmt.Fprintln(w, tok.AccessToken)
		return err
	}
	keep := printer.Keep{What: "a refresh token", Output: "the default output", Shown: "the token response", Show: printer.ShowJSON(tok.Raw),
		Hint: "use --format json, or add refresh_token to the selection, to keep it on stdout"}
	if o.Format.Name != "" {
		keep.Output = "--format " + o.Format.String()
	}
	if !tok.RefreshTokenKept {
		keep.Values = []string{tok.RefreshToken()}
		if o.SingleUse {
			keep.What = "a token bought with a single-use assertion"
			keep.Hint = "use --format json, or select access_token, to keep it on stdout"
			keep.Values = append(keep.Values, tok.AccessToken)
		}
	}
	return printer.ShowOnce(ios.Out, ios.ErrOut, render, keep)
}

// hydraTokenHeaders are the rows of Hydra v2's table of a token.
var hydraTokenHeaders = []string{"ACCESS TOKEN", "REFRESH TOKEN", "ID TOKEN", "EXPIRY"}

// hydraTokenRow is a token as Hydra v2's CLI prints Go's oauth2.Token in
// its table: "<empty>" for a missing refresh or ID token, and the expiry in
// Go's time.Time String form, in the local time zone, to the second.
func hydraTokenRow(tok *Token) []string {
	var v struct {
		RefreshToken string          `json:"refresh_token"`
		IDToken      json.RawMessage `json:"id_token"`
	}
	_ = json.Unmarshal(tok.Raw, &v)
	refresh, id := "<empty>", "<empty>"
	if v.RefreshToken != "" {
		refresh = v.RefreshToken
	}
	if len(v.IDToken) > 0 && string(v.IDToken) != "null" {
		var s string
		if json.Unmarshal(v.IDToken, &s) == nil {
			id = s
		} else {
			id = string(v.IDToken)
		}
	}
	// A zero expiry prints as Go prints the zero time, as Hydra's does.
	return []string{tok.AccessToken, refresh, id, tok.Expiry().Round(time.Second).String()}
}

// WithExpiry adds "expiry" (RFC 3339, UTC, whole seconds), when the access
// token expires, to a token response, as Hydra v2's CLI prints Go's
// oauth2.Token. A response that has one, or a zero expiry, is returned as
// it is.
func WithExpiry(raw []byte, expiry time.Time) []byte {
	if expiry.IsZero() {
		return raw
	}
	var tok map[string]json.RawMessage
	if json.Unmarshal(raw, &tok) != nil {
		return raw
	}
	if _, ok := tok["expiry"]; ok {
		return raw
	}
	tok["expiry"], _ = json.Marshal(expiry.UTC().Truncate(time.Second).Format(time.RFC3339))
	out, err := json.Marshal(tok)
	if err != nil {
		return raw
	}
	return out
}

// Expiry returns when the access token expires, or the zero time when the
// response does not say.
func (t *Token) Expiry() time.Time {
	if t.OAuth2 != nil {
		return t.OAuth2.Expiry
	}
	var v struct {
		ExpiresIn float64 `json:"expires_in"`
	}
	if json.Unmarshal(t.Raw, &v) != nil || v.ExpiresIn <= 0 {
		return time.Time{}
	}
	return time.Now().Add(time.Duration(v.ExpiresIn * float64(time.Second)))
}
