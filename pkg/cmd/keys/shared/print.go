package shared

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"github.com/go-jose/go-jose/v4"
	"github.com/tidwall/gjson"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/printer"
)

// Key is one key of a set, as the server sent it.
type Key struct {
	// Set is the set the key belongs to.
	Set string
	// Raw is the key's JSON as the server sent it.
	Raw json.RawMessage
}

// KeysOf returns the keys of a set fetched from the server.
func KeysOf(set string, ks *api.KeySet) []Key {
	keys := make([]Key, 0, len(ks.Keys))
	for _, raw := range ks.Keys {
		keys = append(keys, Key{Set: set, Raw: raw})
	}
	return keys
}

// kid returns the key's ID, for messages.
func (k Key) kid() string { return gjson.GetBytes(k.Raw, "kid").String() }

// HasPrivate reports whether the JWK, as JSON, carries private or
// symmetric key material: RFC 7518 §6 puts it in "d" (RSA, EC, OKP) and
// "k" (oct).
func HasPrivate(raw []byte) bool {
	return gjson.GetBytes(raw, "d").Exists() || gjson.GetBytes(raw, "k").Exists()
}

// parse decodes the key with go-jose.
func (k Key) parse() (*jose.JSONWebKey, error) {
	jwk, err := jwkey.ParseJWK(k.Raw)
	if err != nil {
		return nil, err
	}
	return &jwk, nil
}

// public returns the key's JSON without its private part, or why it has
// none that can be printed.
func (k Key) public() (json.RawMessage, error) {
	if !HasPrivate(k.Raw) {
		return k.Raw, nil
	}
	jwk, err := k.parse()
	if err != nil {
		return nil, fmt.Errorf("cannot read it to remove its private part (%v)", err)
	}
	pub, err := jwkey.PublicHalf(jwk)
	if err != nil {
		return nil, err
	}
	return pub.MarshalJSON()
}

// Print writes keys in the format of o: the public parts only, unless
// o.Private. A key without a public part is left out, with a note on
// stderr. Private keys go to a terminal only after a warning on stderr.
func Print(ios *iostreams.IOStreams, keys []Key, o OutputFlags) error {
	if o.PEM {
		return printPEM(ios, keys, o.Private)
	}
	shown := make([]Key, 0, len(keys))
	private := false
	for _, k := range keys {
		if o.Private {
			private = private || HasPrivate(k.Raw)
			shown = append(shown, k)
			continue
		}
		pub, err := k.public()
		if err != nil {
			fmt.Fprintf(ios.ErrOut, "note: key %q of set %q is not printed: %v; --private prints it\n", k.kid(), k.Set, err)
			continue
		}
		shown = append(shown, Key{Set: k.Set, Raw: pub})
	}
	if private && ios.IsStdoutTTY() && o.Format.Name != printer.Table {
		warnPrivate(ios)
	}
	var b bytes.Buffer
	b.WriteString(`{"keys":[`)
	for i, k := range shown {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(k.Raw)
	}
	b.WriteString("]}")
	p := printer.Printer{Format: o.Format, Color: ios.ColorEnabled()}
	render := func(w io.Writer) error {
		return p.Print(w, b.Bytes(), func() printer.TableData { return table(shown) })
	}
	if !private || !o.New {
		return render(ios.Out)
	}
	// New private keys asked for with --private are kept, whatever the
	// format selects: through the one once-shown path.
	keep := printer.Keep{What: "private keys", Output: "--format " + o.Format.String(), Shown: "the key set", Show: printer.ShowJSON(b.Bytes())}
	if o.Format.Name == "" {
		keep.Output = "the default output"
	}
	for _, k := range shown {
		keep.Values = append(keep.Values, gjson.GetBytes(k.Raw, "d").Str, gjson.GetBytes(k.Raw, "k").Str)
	}
	return printer.ShowOnce(ios.Out, ios.ErrOut, render, keep)
}

func warnPrivate(ios *iostreams.IOStreams) {
	fmt.Fprintln(ios.ErrOut, "warning: printing private keys to the terminal, where scrollback and screen sharing can keep them; redirect stdout to a file instead")
}

// table is the table view of keys: one row per key.
func table(keys []Key) printer.TableData {
	t := printer.TableData{Headers: []string{"SET ID", "KEY ID", "ALGORITHM", "USE", "TYPE"}}
	for _, k := range keys {
		get := func(f string) string { return printer.Cell(gjson.GetBytes(k.Raw, f)) }
		t.Rows = append(t.Rows, []string{k.Set, get("kid"), get("alg"), get("use"), get("kty")})
	}
	return t
}

// printPEM writes each key as a PEM block: PUBLIC KEY (PKIX), or PRIVATE
// KEY (PKCS #8) for a private key when private is set.
func printPEM(ios *iostreams.IOStreams, keys []Key, private bool) error {
	var out bytes.Buffer
	wrotePrivate := false
	for _, k := range keys {
		jwk, err := k.parse()
		if err != nil {
			return fmt.Errorf("key %q of set %q: cannot read it as a JWK: %w", k.kid(), k.Set, err)
		}
		if _, symmetric := jwk.Key.([]byte); symmetric {
			fmt.Fprintf(ios.ErrOut, "note: key %q of set %q is a symmetric (oct) key, which has no PEM form: not printed\n", k.kid(), k.Set)
			continue
		}
		block, err := jwkey.PEMBlock(jwk, private)
		if err != nil {
			return fmt.Errorf("key %q of set %q: %w", k.kid(), k.Set, err)
		}
		wrotePrivate = wrotePrivate || block.Type == "PRIVATE KEY"
		if err := pem.Encode(&out, block); err != nil {
			return err
		}
	}
	if out.Len() == 0 {
		return errors.New("no key to print as PEM")
	}
	if wrotePrivate && ios.IsStdoutTTY() {
		warnPrivate(ios)
	}
	_, err := ios.Out.Write(out.Bytes())
	return err
}
