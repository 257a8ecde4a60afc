package user

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/text"
)

// print writes the tokens to stdout: a readable block by default, or the
// token response's raw JSON in the chosen format.
func (fl *flow) print(t *shared.Token) error {
	if fl.opts.Style.HydraTable {
		format := fl.opts.Format
		format.Hydra = fl.opts.Style.HydraPaths
		return shared.PrintTokenWith(fl.opts.IO, t, shared.TokenOutput{Format: format, Style: fl.opts.Style, Quiet: fl.opts.Quiet})
	}
	return shared.PrintTokenView(fl.opts.IO, fl.opts.Format, t, func(w io.Writer) error {
		return writeBlock(w, t, time.Now())
	})
}

// writeBlock is the default view: one token or fact per line, labelled as
// in Hydra's CLI.
func writeBlock(w io.Writer, t *shared.Token, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	tok := t.OAuth2
	row("ACCESS TOKEN", tok.AccessToken)
	row("REFRESH TOKEN", tok.RefreshToken)
	id, _ := tok.Extra("id_token").(string)
	row("ID TOKEN", id)
	if !tok.Expiry.IsZero() {
		row("EXPIRY", fmt.Sprintf("%s (in %s)", text.Stamp(tok.Expiry), tok.Expiry.Sub(now).Round(time.Second)))
	}
	scope, _ := tok.Extra("scope").(string)
	row("SCOPE", strings.TrimSpace(scope))
	row("TOKEN TYPE", tok.TokenType)
	return tw.Flush()
}
