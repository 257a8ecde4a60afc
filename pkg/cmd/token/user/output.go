package user

import (
	"fmt"
	"io"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
)

// print writes the tokens to stdout: by default as the spelling's Hydra
// CLI does (v2's token table, or v1's token lines), or the token
// response's raw JSON in the chosen format.
func (fl *flow) print(t *shared.Token) error {
	if fl.opts.Style.HydraTable {
		format := fl.opts.Format
		format.Hydra = fl.opts.Style.HydraPaths
		return shared.PrintTokenWith(fl.opts.IO, t, shared.TokenOutput{Format: format, Style: fl.opts.Style, Quiet: fl.opts.Quiet})
	}
	// Style.HydraV1: "token user" is Hydra v1's spelling, and the only
	// other one.
	return shared.PrintTokenView(fl.opts.IO, fl.opts.Format, t, func(w io.Writer) error { return writeV1Block(w, t) })
}

// writeV1Block writes the tokens as Hydra v1.11.10's token user prints
// them: each label on a line of its own and the value on the next, after a
// tab, the expiry in RFC 1123 in the local time zone, "<nil>" for a missing
// ID token, and an empty line at the end.
func writeV1Block(w io.Writer, t *shared.Token) error {
	tok := t.OAuth2
	var idToken any
	if id, ok := tok.Extra("id_token").(string); ok {
		idToken = id
	}
	_, err := fmt.Fprintf(w, "Access Token:\n\t%s\nRefresh Token:\n\t%s\nExpires in:\n\t%s\nID Token:\n\t%v\n\n",
		tok.AccessToken, tok.RefreshToken, tok.Expiry.Format(time.RFC1123), idToken)
	return err
}
