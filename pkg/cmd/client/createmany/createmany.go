// Package createmany creates OAuth 2.0 clients through Hydra's admin API,
// one request per client, for "hydra client create" and "hydra client
// import". It is the one home of what the loop (cmdutil.ForEach) does per
// client: what Ctrl-C does to the request in flight, and the output
// of what was created (output.go), so that the secret the server generates,
// which it shows only once, is never lost whatever the format.
package createmany

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/pgphelper"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// finishGrace is how long the request in flight at Ctrl-C may still take.
// main ends the process one second after the signal (interruptGrace in
// cmd/hydra/main.go), and what the request created must be printed before
// that.
var finishGrace = 500 * time.Millisecond

// Item is one client to create.
type Item struct {
	// Where names the client in messages, such as "clients.json[2]" or
	// "stdin"; empty for a client built from flags alone.
	Where string
	// Doc is the client document to send.
	Doc shared.Doc
	// IDFromFlag says that the client_id came from --id, for the advice on
	// an ID that is taken.
	IDFromFlag bool

	// sealed is the secret encrypted to Options.Encrypt (seal.go).
	sealed string
	// made says that the secret was made here, for sealed: none was
	// given. Hydra v1's lines show only such a secret.
	made bool
}

// View is the output without --format or -q.
type View int

const (
	// YAMLView prints a YAML document per client, separated by "---":
	// client_id and, when the server generated it, client_secret.
	YAMLView View = iota
	// ReportView prints a line per client: "created ID from WHERE", and the
	// secret the server generated.
	ReportView
)

// Options are how to create and what to print.
type Options struct {
	IO     *iostreams.IOStreams
	Client *api.Client

	// Format is --format; with it, the created clients are printed at the
	// end, as one document.
	Format printer.Format
	// Quiet is -q: the IDs only, one a line.
	Quiet bool
	// View is the output without Format or Quiet.
	View View
	// Style is the output of the spelling the command was called by:
	// Hydra v2's prints each client as its tab-padded table, by default
	// and with --format table, its secret included, as Hydra's CLI does
	// (printer.Style.HydraTable).
	Style printer.Style
	// Array asks --format for a JSON array even of one client, as for an
	// array in a file; otherwise a single client prints as an object.
	Array bool
	// Verb says what happened to a client in summaries: "created",
	// "imported".
	Verb string
	// Encrypt, when set, is the OpenPGP key (--pgp-key) that each
	// client's secret is encrypted to: the output shows the encrypted
	// secret in its place (seal.go).
	Encrypt *pgphelper.Recipient
}

// Run creates the clients of items in order and prints each as the options
// ask. A client that has no client_id gets a random one (a UUID, as Hydra
// would choose) before it is sent, so that a request cut short by Ctrl-C
// can be named.
//
// The loop is cmdutil.ForEach: a failure is reported on stderr with the
// client's place, and the others are still created, unless the stop rule
// says that the rest would fail alike; the result is then
// cmdutil.ErrSilent (exit 1). For a single client that is not part of an
// array, the error itself is returned.
//
// On Ctrl-C (ctx cancelled), no new request starts. The request in flight
// gets finishGrace to be answered: what it created is printed; if it gets
// no answer, its client is named on stderr as one that may exist. What was
// created before is printed in any case. The result is then ctx.Err().
func Run(ctx context.Context, opts Options, items []Item) error {
	if opts.Verb == "" {
		opts.Verb = "created"
	}
	idFrom := assignIDs(items)
	if opts.Encrypt != nil {
		if err := sealItems(items, encryptFunc(ctx, opts)); err != nil {
			return err
		}
	}
	out := newOutput(opts)
	errOut := opts.IO.ErrOut
	e := &cmdutil.Each{
		ErrOut: errOut, Noun: "clients", Verb: opts.Verb, Total: len(items), List: opts.Array,
		Finish: out.finish,
	}
	return cmdutil.ForEach(ctx, e, slices.Values(items), func(ctx context.Context, n int, it Item) cmdutil.Step {
		i := n - 1
		shared.WarnUnknown(errOut, it.Where, it.Doc)
		id := it.Doc.String("client_id")
		c, err := createOne(ctx, opts.Client, it.Doc)
		if idFrom[i] == "" && shared.RefusesClientID(err) {
			// Hydra v2.0 and v2.1 refuse a client_id chosen by the caller.
			// This one was chosen here, and the refusal created nothing:
			// the server chooses.
			delete(it.Doc, "client_id")
			id = ""
			c, err = createOne(ctx, opts.Client, it.Doc)
		}
		if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// Ctrl-C, and the request got no answer within finishGrace.
			fmt.Fprintf(errOut, "interrupted while creating client %q%s: the server may have created it; check with '%s'\n",
				printer.Printable(id), inWhere(it.Where), printer.Printable(text.Command("hydra", "client", "get", id)))
			return cmdutil.Step{Err: err}
		}
		if err != nil {
			return cmdutil.Step{Err: shared.CreateError(id, idFrom[i], err), Label: it.Where}
		}
		shared.WarnDropped(ctx, errOut, opts.Client, it.Doc, c, opts.Verb)
		if opts.Encrypt != nil {
			sealAnswer(errOut, encryptFunc(ctx, opts), c, &it)
		}
		if err := out.add(c, it); err != nil {
			return cmdutil.Step{Err: err, Fatal: true}
		}
		return cmdutil.Step{}
	})
}

// createOne sends one client. Ctrl-C does not cut the request off at once:
// it may already have reached the server, and then only its answer holds the
// client's secret. It gets finishGrace to be answered.
func createOne(ctx context.Context, client *api.Client, doc shared.Doc) (*api.OAuth2Client, error) {
	reqCtx, done := cmdutil.Finishing(ctx, finishGrace)
	defer done()
	return client.CreateClient(reqCtx, doc.Marshal())
}

// assignIDs gives every client without a client_id a random one, and
// returns where each ID came from, for shared.CreateError.
func assignIDs(items []Item) []string {
	from := make([]string, len(items))
	for i, it := range items {
		switch {
		case it.IDFromFlag:
			from[i] = "--id"
		case it.Doc.String("client_id") != "":
			from[i] = it.Where
		case noID(it.Doc):
			it.Doc.Set("client_id", cmdutil.NewUUID())
		}
	}
	return from
}

// noID reports whether d leaves the ID to the server: no client_id, or an
// empty or null one. A client_id of another type is sent as it is, for
// Hydra to refuse.
func noID(d shared.Doc) bool {
	raw, ok := d["client_id"]
	if !ok {
		return true
	}
	s := strings.TrimSpace(string(raw))
	return s == "null" || s == `""`
}

func inWhere(where string) string {
	if where == "" {
		return ""
	}
	return " (" + where + ")"
}
