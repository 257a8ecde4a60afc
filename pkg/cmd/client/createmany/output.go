package createmany

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/printer"
)

// created is one client the server created.
type created struct {
	client *api.OAuth2Client
	where  string
	// generated says that the server chose the secret: the answer is the
	// only place it is ever shown.
	generated bool
}

// output prints the created clients. The default views and -q print each
// client as it is created, so that an interruption loses nothing already
// printed; --format prints one document at the end.
//
// Whatever the format, what was created is shown, at least each client's
// ID and generated secret: what the chosen output does not carry (-q, a
// jsonpath that selects other fields or nothing) follows on stderr.
type output struct {
	opts    Options
	created []created
}

func newOutput(opts Options) *output { return &output{opts: opts} }

func (o *output) add(c *api.OAuth2Client, it Item) error {
	// An encrypted secret (--pgp-key) is shown as a generated one is.
	cr := created{client: c, where: it.Where, generated: (it.Doc.String("client_secret") == "" || it.sealed != "") && c.ClientSecret != ""}
	if !cr.generated && !o.opts.Style.HydraTable {
		// A secret the user gave is not echoed: it would land on screen
		// and in logs. Under Hydra v2's spellings it is, as Hydra's CLI
		// prints it, so that scripts that read it keep working.
		c.Raw = shared.WithoutSecret(c.Raw)
	}
	o.created = append(o.created, cr)
	out := o.opts.IO.Out
	switch {
	case o.opts.Quiet:
		_, err := fmt.Fprintln(out, c.ClientID)
		return err
	case o.opts.Style.HydraV1 && o.opts.Format.Name == "":
		_, err := io.WriteString(out, v1Lines(c, cr, it, o.opts.View))
		return err
	case o.hydraTable():
		// Printed at finish: one client as a vertical table, several as
		// a horizontal one, as Hydra v2's CLI does.
		return nil
	case o.opts.Format.Name != "":
		return nil
	case o.opts.View == ReportView:
		line := fmt.Sprintf("created %s from %s", c.ClientID, it.Where)
		if cr.generated {
			line += ", client_secret: " + c.ClientSecret
		}
		_, err := fmt.Fprintln(out, line)
		return err
	}
	return writeYAMLDoc(out, cr, len(o.created) > 1)
}

// v1Lines are what Hydra v1.11.10's CLI prints of a client it created
// (printer.Style.HydraV1): "clients create" its ID, then its secret when
// the secret was generated, or that it has none; "clients import" a line
// naming the file, with the secret when the file gave none. Hydra v1 also
// printed, on stdout, a warning against secrets given on the command line;
// here the secret's source is noted on stderr instead. A secret encrypted
// with --pgp-key has v1's line of its own, "OAuth 2.0 Encrypted Client
// Secret: ", for a secret made here, as Hydra v1 encrypted only the one
// it generated; a secret the user gave is not shown, as in v1.
func v1Lines(c *api.OAuth2Client, cr created, it Item, view View) string {
	id := printer.Printable(c.ClientID)
	if view == ReportView {
		switch {
		case it.sealed != "" && it.made && c.ClientSecret != "":
			// --pgp-key: v1's lines of an encrypted secret.
			return fmt.Sprintf("Imported OAuth 2.0 Client %s from: %s\nOAuth 2.0 Encrypted Client Secret: %s\n\n", id, printer.Printable(it.Where), printer.Printable(c.ClientSecret))
		case it.Doc.String("client_secret") == "" || (it.sealed == "" && it.made):
			return fmt.Sprintf("Imported OAuth 2.0 Client %s:%s from: %s\n", id, printer.Printable(c.ClientSecret), printer.Printable(it.Where))
		}
		return fmt.Sprintf("Imported OAuth 2.0 Client %s from: %s\n", id, printer.Printable(it.Where))
	}
	line := "OAuth 2.0 Client ID: " + id + "\n"
	switch {
	case c.ClientSecret == "":
		line += "This OAuth 2.0 Client has no secret\n"
	case it.sealed != "" && it.made:
		line += "OAuth 2.0 Encrypted Client Secret: " + printer.Printable(c.ClientSecret) + "\n"
	case cr.generated && it.sealed == "":
		line += "OAuth 2.0 Client Secret: " + printer.Printable(c.ClientSecret) + "\n"
	}
	return line
}

// finish prints the --format document, shows on stderr what the output left
// out, and warns once that generated secrets cannot be fetched again. Both
// go through printer.ShowOnce and printer.Keep, the output path of every
// once-shown value.
func (o *output) finish() error {
	// missed is a selector that selects nothing in the created clients:
	// under Hydra v2's spellings, the command then exits non-zero, as
	// Hydra v2's CLI does for a jsonpointer that misses (issue 24: non-zero
	// stays non-zero), once what it made has been shown on stderr.
	var missed error
	if o.hydraTable() && len(o.created) > 0 {
		var err error
		if len(o.created) == 1 {
			err = printer.WriteHydraRow(o.opts.IO.Out, shared.HydraHeaders, shared.HydraRow(o.created[0].client))
		} else {
			rows := make([][]string, len(o.created))
			for i, c := range o.created {
				rows[i] = shared.HydraRow(c.client)
			}
			err = printer.WriteHydraTable(o.opts.IO.Out, shared.HydraHeaders, rows)
		}
		if err != nil {
			return err
		}
	}
	if o.opts.Format.Name != "" && !o.hydraTable() && len(o.created) > 0 {
		keep := o.keep(o.created, true)
		keep.Output = "--format " + o.opts.Format.String()
		p := printer.Printer{Format: o.opts.Format, Color: o.opts.IO.ColorEnabled()}
		err := printer.ShowOnce(o.opts.IO.Out, o.opts.IO.ErrOut, func(w io.Writer) error {
			return p.Print(w, o.document(), o.table)
		}, keep)
		var noMatch *printer.NoMatchError
		if err != nil && !errors.As(err, &noMatch) {
			return err
		}
		// The clients exist: under the tool's own spelling, a selector
		// that misses them is not a failure that would hide them, nor a
		// reason to retry.
		if err != nil && o.opts.Style.HydraPaths {
			missed = err
		}
	}
	if o.opts.Quiet {
		keep := o.keep(o.created, false)
		keep.Output = "-q"
		keep.Check(o.opts.IO.ErrOut, nil, nil)
	}

	var gen []created
	for _, c := range o.created {
		if c.generated {
			gen = append(gen, c)
		}
	}
	switch len(gen) {
	case 0:
	case 1:
		fmt.Fprintf(o.opts.IO.ErrOut, "warning: the secret of client %s cannot be fetched again: store it now\n", printer.Printable(gen[0].client.ClientID))
	default:
		fmt.Fprintf(o.opts.IO.ErrOut, "warning: the %d secrets generated by the server cannot be fetched again: store them now\n", len(gen))
	}
	return missed
}

// hydraTable reports whether the clients print as Hydra v2's table, each
// as it is created: by default and with --format table, not with -q.
func (o *output) hydraTable() bool {
	return o.opts.Style.HydraTable && !o.opts.Quiet && (o.opts.Format.Name == "" || o.opts.Format.Name == printer.Table)
}

// keep names what the output of clients must hold: each generated secret,
// and, with ids, each client's ID. What it leaves out is shown on stderr
// as YAML, the ID beside the secret.
func (o *output) keep(clients []created, ids bool) printer.Keep {
	var values []string
	generated := 0
	for _, c := range clients {
		if ids {
			values = append(values, c.client.ClientID)
		}
		if c.generated {
			values = append(values, c.client.ClientSecret)
			generated++
		}
	}
	what := plural(len(clients), "created client")
	switch {
	case !ids:
		what = plural(generated, "generated secret")
	case generated == 1 && len(clients) == 1:
		what += " with its generated secret"
	case generated > 0:
		what += " with their generated secrets"
	}
	return printer.Keep{What: what, Values: values, Show: func(w io.Writer, missing []string) error {
		n := 0
		for _, c := range clients {
			if slices.Contains(missing, c.client.ClientID) || (c.generated && slices.Contains(missing, c.client.ClientSecret)) {
				if err := writeYAMLDoc(w, c, n > 0); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	}}
}

// document is the --format document: the server's JSON of the one client,
// or an array of them.
func (o *output) document() json.RawMessage {
	// Hydra v2's CLI prints one client as an object, even from an array.
	if (!o.opts.Array || o.opts.Style.HydraTable) && len(o.created) == 1 {
		return o.created[0].client.Raw
	}
	return shared.JSONArray(o.clients())
}

// table is shared.Table with a SECRET column when the server generated any
// secret.
func (o *output) table() printer.TableData {
	t := shared.Table(o.clients())
	anyGenerated := false
	for _, c := range o.created {
		anyGenerated = anyGenerated || c.generated
	}
	if !anyGenerated {
		return t
	}
	t.Headers = append(t.Headers, "SECRET")
	for i, c := range o.created {
		secret := ""
		if c.generated {
			secret = c.client.ClientSecret
		}
		t.Rows[i] = append(t.Rows[i], secret)
	}
	return t
}

func (o *output) clients() []*api.OAuth2Client {
	out := make([]*api.OAuth2Client, len(o.created))
	for i, c := range o.created {
		out[i] = c.client
	}
	return out
}

// writeYAMLDoc writes the YAML document of client_id and, if the server
// generated it, client_secret, quoted where YAML needs it (an ID such as
// "yes" or "a: b"), after a "---" line when it follows another.
func writeYAMLDoc(w io.Writer, c created, separate bool) error {
	doc := struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret,omitempty"`
	}{ID: c.client.ClientID}
	if c.generated {
		doc.Secret = c.client.ClientSecret
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if separate {
		buf.WriteString("---\n")
	}
	if err := (printer.Printer{Format: printer.Format{Name: printer.YAML}}).Print(&buf, raw, nil); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func plural(n int, word string) string {
	return fmt.Sprintf("%d %s%s", n, word, pluralS(n))
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
