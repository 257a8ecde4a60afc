package printer

import (
	"fmt"
	"io"
	"strings"
)

// V1Line is a confirmation line of Hydra v1.11.10's CLI, which printed one
// on stdout after each thing it did: a template with one %s for the ID of
// what was done, or none. Under Hydra v1's spellings (Style.HydraV1) a
// command prints the same line, through WriteV1Line or NewV1IDList, so that
// a script that read Hydra v1's stdout reads the same bytes.
type V1Line string

// Hydra v1.11.10's confirmation lines (cmd/cli/handler_token.go), without
// their newline.
const (
	// V1TokenRevoked follows each revoked token: v1 said "Access Token"
	// for a refresh token too.
	V1TokenRevoked V1Line = "Revoked OAuth 2.0 Access Token: %s"
	// V1TokensDeleted follows the deletion of a client's tokens.
	V1TokensDeleted V1Line = "Successfully deleted access tokens for client %s"
	// V1TokensFlushed follows a flush of inactive tokens.
	V1TokensFlushed V1Line = "Successfully flushed inactive access tokens"
)

// WriteV1Line writes line, with id in its place when the line has one, and
// a newline.
func WriteV1Line(w io.Writer, line V1Line, id ...string) error {
	s := string(line)
	if strings.Contains(s, "%s") {
		var v any
		if len(id) > 0 {
			v = id[0]
		}
		s = fmt.Sprintf(s, v)
	}
	_, err := io.WriteString(w, s+"\n")
	return err
}

// NewV1IDList returns an IDList that prints line for each ID as it is added,
// as Hydra v1's CLI printed one after each thing it did, so that an
// interruption loses nothing already done. Flush prints nothing more.
func NewV1IDList(w io.Writer, line V1Line) *IDList {
	return &IDList{w: w, v1: line}
}
