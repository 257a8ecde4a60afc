package shared

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// PrintToken prints a token response: in --format when one was given, or
// else the access token alone, on one line, so that
// TOKEN=$(hydra token client) works.
//
// A refresh token is shown once: when the response carries one and the
// output does not, a warning on stderr says so and how to keep it.
func PrintToken(ios *iostreams.IOStreams, format printer.Format, tok *Token) error {
	return PrintTokenView(ios, format, tok, nil)
}

// PrintTokenView is PrintToken with the command's own default view, used
// when no --format was given; nil means the access token alone.
func PrintTokenView(ios *iostreams.IOStreams, format printer.Format, tok *Token, defaultView func(io.Writer) error) error {
	var out bytes.Buffer
	var err error
	switch {
	case format.Name != "":
		p := printer.Printer{Format: format, Color: ios.ColorEnabled()}
		err = p.Print(&out, tok.Raw, nil)
	case defaultView != nil:
		err = defaultView(&out)
	default:
		_, err = fmt.Fprintln(&out, tok.AccessToken)
	}
	// What was rendered is printed even when a selector then failed, so
	// that nothing obtained is hidden.
	if _, werr := ios.Out.Write(out.Bytes()); werr != nil && err == nil {
		err = werr
	}
	if rt := tok.RefreshToken(); rt != "" && !tok.RefreshTokenKept && !bytes.Contains(out.Bytes(), []byte(rt)) {
		shown := "the default output"
		if format.Name != "" {
			shown = "--format " + format.String()
		}
		fmt.Fprintf(ios.ErrOut, "warning: the server returned a refresh token, and %s did not print it: it is shown only once; use --format json (or add refresh_token to the selection) to keep it\n", shown)
	}
	return err
}
