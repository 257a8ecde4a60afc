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
// Under Hydra v2's style (o.Style.HydraTable), the keys print in Hydra's
// shapes: see printHydra.
func Print(ios *iostreams.IOStreams, keys []Key, o OutputFlags) error {
	if o.PEM {
		return printPEM(ios, keys, o.Private)
	}
	shown, private := shownKeys(ios, keys, o.Private)
	if o.Style.HydraTable {
		return printHydra(ios, shown, private, o)
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

// shownKeys returns the keys to print: as they are when private is set,
// else their public parts, leaving out (with a note on stderr) a key that
// has none. hasPrivate says whether one that is printed holds private key
// material.
func shownKeys(ios *iostreams.IOStreams, keys []Key, private bool) (shown []Key, hasPrivate bool) {
	shown = make([]Key, 0, len(keys))
	for _, k := range keys {
		if private {
			hasPrivate = hasPrivate || HasPrivate(k.Raw)
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
	return shown, hasPrivate
}

// HydraShape is which of Hydra v2's shapes a command prints its keys in
// (OutputFlags.Shape, under Style.HydraTable).
type HydraShape int

const (
	// HydraSet is the shape of create jwk and import jwk: the keys of
	// one set, as {"set":SET,"keys":[...]} and a horizontal table, even
	// for one key; -q prints the key IDs.
	HydraSet HydraShape = iota
	// HydraGet is the shape of get jwk: one key is printed as that JWK
	// object, and as a vertical table under the (first) set's name, and
	// -q prints the set's name; several keys as HydraSet, with an empty
	// set name ({"set":"","keys":[...]}), since Hydra's CLI names no set
	// for keys that may come from several.
	HydraGet
)

// hydraHeaders are the columns of Hydra v2's table of keys.
var hydraHeaders = []string{"SET ID", "KEY ID", "ALGORITHM", "USE"}

// hydraCells are a key's cells in Hydra v2's table, under set (which
// Hydra's CLI may leave empty: see HydraGet).
func hydraCells(set string, k Key) []string {
	get := func(f string) string { return printer.Printable(printer.Cell(gjson.GetBytes(k.Raw, f))) }
	return []string{printer.Printable(set), get("kid"), get("alg"), get("use")}
}

// printHydra prints keys as Hydra v2's CLI prints them (ory/x cmdx, its
// JSON Web Key output types), in the shape o.Shape. The documents are the
// server's keys as it sent them; Hydra's CLI re-encodes them with their
// members sorted. Private keys are printed as Hydra's CLI prints them: the
// admin API returns them again on every get, so they are not shown once
// (printer.Keep), and the tables leave them out as Hydra's do.
func printHydra(ios *iostreams.IOStreams, keys []Key, private bool, o OutputFlags) error {
	one := o.Shape == HydraGet && len(keys) == 1
	if o.Shape == HydraGet && len(keys) == 0 {
		return nil // Hydra's CLI prints nothing for no key
	}
	set := ""
	if len(keys) > 0 && (one || o.Shape == HydraSet) {
		set = keys[0].Set
	}
	w := ios.Out
	switch {
	case o.Quiet && one:
		return printer.Lines(w, []string{set}, printer.Printable)
	case o.Quiet:
		if len(keys) == 0 {
			_, err := fmt.Fprintln(w)
			return err
		}
		return printer.Lines(w, keys, func(k Key) string { return printer.Printable(k.kid()) })
	case (o.Format.Name == "" || o.Format.Name == printer.Table) && one:
		return printer.WriteHydraRow(w, hydraHeaders, hydraCells(set, keys[0]))
	case o.Format.Name == "" || o.Format.Name == printer.Table:
		rows := make([][]string, len(keys))
		for i, k := range keys {
			// Hydra's CLI gives each row seven cells under four headers,
			// the last three empty: they pad the table with tabs.
			rows[i] = append(hydraCells(set, k), "", "", "")
		}
		return printer.WriteHydraTable(w, hydraHeaders, rows)
	}
	var raw []byte
	if one {
		raw = keys[0].Raw
	} else {
		doc := struct {
			Set  string            `json:"set"`
			Keys []json.RawMessage `json:"keys"`
		}{Set: set, Keys: make([]json.RawMessage, len(keys))}
		for i, k := range keys {
			doc.Keys[i] = k.Raw
		}
		var err error
		if raw, err = json.Marshal(doc); err != nil {
			return err
		}
	}
	if private && ios.IsStdoutTTY() {
		warnPrivate(ios)
	}
	return printer.Printer{Format: o.Format, Color: ios.ColorEnabled()}.Print(w, raw, nil)
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
