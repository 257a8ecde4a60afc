package pgpsecret

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/hydratoken/hydra/pkg/pgpwire"
)

// Main is hydra-pgp's main, as a function: it answers one pgpwire.Request
// read from in with one pgpwire.Answer written to out, and returns the exit
// code. hydra runs it (pkg/pgphelper); a person who runs it by hand gets
// a word on errOut of what it is.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(errOut, "%s encrypts client secrets to OpenPGP keys for hydra's --pgp-key, --pgp-key-url and --keybase.\nhydra runs it, with its request on stdin; it takes no arguments.\n", pgpwire.Name)
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return 0
		}
		return 2
	}
	a := answer(in)
	a.Version = pgpwire.Version
	if err := json.NewEncoder(out).Encode(a); err != nil {
		fmt.Fprintf(errOut, "%s: writing the answer: %v\n", pgpwire.Name, err)
		return 1
	}
	return 0
}

// answer reads and answers the request.
func answer(in io.Reader) pgpwire.Answer {
	fail := func(kind, format string, args ...any) pgpwire.Answer {
		return pgpwire.Answer{Error: &pgpwire.Error{Kind: kind, Message: fmt.Sprintf(format, args...)}}
	}
	b, err := io.ReadAll(io.LimitReader(in, pgpwire.MaxRequest+1))
	if err != nil {
		return fail(pgpwire.KindRequest, "reading the request: %v", err)
	}
	if len(b) > pgpwire.MaxRequest {
		return fail(pgpwire.KindRequest, "the request is over %d bytes", pgpwire.MaxRequest)
	}
	var req pgpwire.Request
	if err := json.Unmarshal(b, &req); err != nil {
		return fail(pgpwire.KindRequest, "the request is not %s's JSON: %v", pgpwire.Name, err)
	}
	if req.Version != pgpwire.Version {
		return fail(pgpwire.KindVersion, "%s speaks protocol version %d, not %d: install the %s of the same release as hydra", pgpwire.Name, pgpwire.Version, req.Version, pgpwire.Name)
	}
	r, err := ParseKey(req.Key, req.Source)
	if err != nil {
		return fail(pgpwire.KindKey, "%s", err)
	}
	switch req.Op {
	case pgpwire.OpCheck:
		return pgpwire.Answer{KeyID: r.KeyID()}
	case pgpwire.OpEncrypt:
		var msg string
		switch req.Encoding {
		case pgpwire.Armored:
			msg, err = r.Encrypt(req.Secret)
		case pgpwire.Binary:
			msg, err = r.EncryptV1(req.Secret)
		default:
			err = errors.New("unknown encoding " + req.Encoding)
			return fail(pgpwire.KindRequest, "%v", err)
		}
		if err != nil {
			return fail(pgpwire.KindInternal, "%s", err)
		}
		return pgpwire.Answer{KeyID: r.KeyID(), Message: msg}
	}
	return fail(pgpwire.KindRequest, "unknown op %q", req.Op)
}
