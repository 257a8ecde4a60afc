package shared

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/printer"
)

// notCompared are fields the server rightly answers without, or with
// another value: the secret, which it shows once or never, and the ID.
var notCompared = []string{"client_id", "client_secret"}

// Dropped returns, sorted, the fields that sent sets to a value and the
// server's answer got lacks, or has as null, false, "", 0, [] or {}: an
// older Hydra stores only the fields it knows, and drops the others without
// a word. (Hydra v2.0 drops skip_consent, skip_logout_consent and
// access_token_strategy; v2.1 drops skip_logout_consent; v1 all three;
// releases before v25.4 drop the device authorization grant's lifespans.)
// A field the server changed, such as a normalised scope, is not dropped,
// nor is a field unknown to Hydra, which Warnings names.
func Dropped(sent Doc, got *api.OAuth2Client) []string {
	var answer map[string]json.RawMessage
	if got == nil || json.Unmarshal(got.Raw, &answer) != nil {
		return nil
	}
	var dropped []string
	for k, v := range sent {
		// Unknown fields have their own warning (Warnings).
		if slices.Contains(notCompared, k) || !slices.Contains(knownFields, k) || isZero(v) {
			continue
		}
		if a, ok := answer[k]; !ok || isZero(a) {
			dropped = append(dropped, k)
		}
	}
	slices.Sort(dropped)
	return dropped
}

// isZero reports whether v is JSON's null, false, "", 0, [] or {}.
func isZero(v json.RawMessage) bool {
	switch s := string(bytes.TrimSpace(v)); s {
	case "", "null", "false", `""`, "0", "[]", "{}":
		return true
	default:
		var f float64
		if json.Unmarshal(v, &f) == nil && f == 0 {
			return true
		}
		var x any
		if json.Unmarshal(v, &x) == nil {
			switch x := x.(type) {
			case []any:
				return len(x) == 0
			case map[string]any:
				return len(x) == 0
			}
		}
	}
	return false
}

// WarnDropped warns on w, by name, for each field of sent that the server's
// answer got dropped (see Dropped), naming the server's version where it is
// known. verb says what happened to the client: "created", "updated". The
// server is asked its version only when a field was dropped.
func WarnDropped(ctx context.Context, w io.Writer, client *api.Client, sent Doc, got *api.OAuth2Client, verb string) {
	dropped := Dropped(sent, got)
	if len(dropped) == 0 {
		return
	}
	server := "the server"
	if client != nil {
		if info := client.Server(ctx); info.Version != "" || info.Generation != api.GenerationUnknown {
			server = info.Name()
		}
	}
	for _, k := range dropped {
		fmt.Fprintf(w, "warning: client %s was %s without %s: %s does not support the field and dropped it; %s and later store it\n",
			printer.Printable(got.ClientID), verb, printer.Printable(k), server, storedSince(k))
	}
}

// refusedIDPhrase is how Hydra v2.0 and v2.1 refuse a client_id set by the
// caller; v1 and v2.2 and later accept one.
const refusedIDPhrase = "no longer possible to set an OAuth2 Client ID"

// RefusesClientID reports whether err is Hydra v2.0's or v2.1's refusal of
// a client_id chosen by the caller.
func RefusesClientID(err error) bool {
	return err != nil && strings.Contains(err.Error(), refusedIDPhrase)
}
