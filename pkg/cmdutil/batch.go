package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// ServerFailed reports whether err says that the server failed, rather than
// that one item (a client, a key set, a trust relationship) was refused:
// nothing answered, a redirect, 401 or 403, a 5xx, an answer that was not
// Hydra's JSON error, or a success whose body could not be used. A batch
// stops at such an error instead of repeating it for every item that
// follows.
func ServerFailed(err error) bool {
	var ce *api.ConnError
	if errors.As(err, &ce) {
		return true
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch {
	case ae.StatusCode >= 500, ae.StatusCode/100 == 3, ae.StatusCode/100 == 2,
		ae.StatusCode == http.StatusUnauthorized, ae.StatusCode == http.StatusForbidden:
		return true
	}
	return ae.Code == "" && ae.Description == ""
}

// Batch decides when a command that sends one request per item stops after
// a failure: at the first one that says the server failed (ServerFailed),
// or when the server refused three items in a row alike, which says that it
// refuses them all. A 404 or 409 from Hydra is about the one item (missing,
// or taken), however often it comes. Either way, the next requests would
// fail the same, and a message per item would flood the terminal.
//
// It is Each's rule, unless Each.Streak sets a concurrent batch's. The zero
// value is ready to use, for one batch.
type Batch struct {
	last    string
	repeats int
}

// Stop records a failure and reports whether the batch should stop.
func (b *Batch) Stop(err error) bool {
	if ServerFailed(err) {
		return true
	}
	key := err.Error()
	var ae *api.Error
	if errors.As(err, &ae) {
		if ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusConflict {
			return false
		}
		// Alike: the same answer, whatever the item's URL.
		key = fmt.Sprint(ae.StatusCode, ae.Code, ae.Description, ae.Hint)
	}
	if key == b.last {
		b.repeats++
	} else {
		b.last, b.repeats = key, 1
	}
	return b.repeats >= 3
}

// Deletion is what DeleteEach needs to know of one kind of item.
type Deletion struct {
	// Noun names the items, in the plural, in the summaries on stderr:
	// "clients", "key sets".
	Noun string
	// Delete deletes one item. Its error is the server's, as the api
	// package returns it: the stop rule (Batch) reads it.
	Delete func(ctx context.Context, item string) error
	// Explain rewords a failure of Delete for the item's error line, such
	// as naming a missing item with what to do. Nil leaves it as it is.
	Explain func(item string, err error) error
	// Shown is what stdout names for a deleted item. Nil prints the item.
	Shown func(item string) string
	// Print prints what Shown names, such as through a printer.IDList.
	// Nil prints it on stdout, one a line.
	Print func(shown string) error
}

// DeleteEach deletes items in order, the loop of the delete commands that
// take many IDs, through ForEach. Each deleted item is named on stdout, one
// a line; each failure gets an "error: " line on stderr, and does not stop
// the others, unless Batch says that the rest would fail alike: then one
// "stopped:" line counts what was not deleted and not attempted. The
// summary line is "N of M <noun> could not be deleted".
//
// The result is nil when every item was deleted, ctx.Err() after Ctrl-C,
// the error itself when the one item given failed, and otherwise ErrSilent
// (exit 1).
func DeleteEach(ctx context.Context, io *iostreams.IOStreams, items []string, d Deletion) error {
	e := &Each{ErrOut: io.ErrOut, Noun: d.Noun, Verb: "deleted", Total: len(items)}
	return ForEach(ctx, e, slices.Values(items), func(ctx context.Context, _ int, item string) Step {
		if err := d.Delete(ctx, item); err != nil {
			s := Step{Err: err}
			if d.Explain != nil {
				s.Shown = d.Explain(item, err)
			}
			return s
		}
		shown := item
		if d.Shown != nil {
			shown = d.Shown(item)
		}
		if d.Print != nil {
			_ = d.Print(shown)
		} else {
			fmt.Fprintln(io.Out, shown)
		}
		return Step{}
	})
}
