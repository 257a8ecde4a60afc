package user

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/printer"
)

// tokens is what one successful flow obtained: the parsed token and the
// token response's JSON as the server sent it.
type tokens struct {
	token *oauth2.Token
	raw   []byte
}

// print writes the tokens to stdout: a readable block by default, or the
// token response's raw JSON in the chosen format.
func (fl *flow) print(t *tokens) error {
	o := fl.opts
	if o.Format.Name != "" {
		p := printer.Printer{Format: o.Format, Color: o.IO.ColorEnabled()}
		return p.Print(o.IO.Out, t.raw, nil)
	}
	return writeBlock(o.IO.Out, t, time.Now())
}

// writeBlock is the default view: one token or fact per line, labelled as
// in Hydra's CLI.
func writeBlock(w interface{ Write([]byte) (int, error) }, t *tokens, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	tok := t.token
	row("ACCESS TOKEN", tok.AccessToken)
	row("REFRESH TOKEN", tok.RefreshToken)
	id, _ := tok.Extra("id_token").(string)
	row("ID TOKEN", id)
	if !tok.Expiry.IsZero() {
		row("EXPIRY", fmt.Sprintf("%s (in %s)", tok.Expiry.UTC().Format(time.RFC3339), tok.Expiry.Sub(now).Round(time.Second)))
	}
	scope, _ := tok.Extra("scope").(string)
	row("SCOPE", strings.TrimSpace(scope))
	row("TOKEN TYPE", tok.TokenType)
	return tw.Flush()
}
