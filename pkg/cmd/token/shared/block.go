package shared

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hydratoken/hydra/pkg/text"
)

// WriteTokenBlock writes a token response as a readable block, one token
// or fact per line, labelled as in Hydra's CLI: the default view of the
// commands that get tokens for a person (token user, token device).
func WriteTokenBlock(w io.Writer, t *Token, now time.Time) error {
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
