package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Each is the bookkeeping of a command that acts on many items, one
// request each: delete many, create and import clients, import keys, revoke
// tokens, introspect a batch. It counts the items, decides when the rest
// would fail alike and are not worth sending, and prints each failure's
// line and the summary, in one wording for every such command (NOUN and
// VERB are the fields of that name):
//
//	error: LABEL: MESSAGE
//	F of N NOUN could not be VERB
//	stopped: F of N NOUN were not VERB, K of them not attempted
//	interrupted: D of N NOUN VERB, K not attempted
//
// When the rest of the items are not known (a person typing them), the
// last two say "of the NOUN" and "the rest not attempted" instead. A
// streak's stop (Streak) adds why. The error line of a lone item (ForEach)
// is the command's error, printed by HandleError.
//
// ForEach drives it for a loop that sends one item at a time. A concurrent
// batch (token introspect) calls Ok, Fail and Skip itself, in input order,
// and then Summary.
type Each struct {
	// ErrOut receives the error lines and the summary.
	ErrOut io.Writer
	// Noun names the items in the plural: "clients", "key sets", "tokens".
	Noun string
	// Verb is what happens to an item, as a past participle: "deleted",
	// "created", "revoked".
	Verb string
	// Total is the number of items when known ahead; 0 when it is not
	// (lines of stdin).
	Total int
	// List keeps a lone item a list of one: its failure gets an error line
	// and the result is ErrSilent, as for an array of one in a file.
	// Otherwise (ForEach) a lone item is the command's outcome: its error is
	// returned as it is, and no summary is printed.
	List bool
	// Interactive says that the items are typed by a person (stdin is a
	// terminal): after a stop, the rest are not read to be counted.
	Interactive bool
	// Streak, when positive, replaces Batch's stop rule with the one of a
	// concurrent batch, where requests in flight answer after a failure:
	// stop when Streak items in a row failed the same way (the same
	// Failure.Class, which is not empty).
	Streak int
	// MaxErrors bounds the error lines; the rest are counted in one line.
	// Zero prints every one.
	MaxErrors int
	// ShortAfterFirst prints only the first line of each error after the
	// first: the advice under an error is the same for every item.
	ShortAfterFirst bool
	// Finish, when set, runs after the last item attempted (also after a
	// stop or an interruption) and before the summary: the output that
	// comes at the end, such as a document of everything created.
	Finish func() error

	done, failed, skipped int
	// restUnknown says that items after a stop were neither read nor
	// counted.
	restUnknown bool
	rule        Batch
	streak      int
	streakClass string
	stopClass   string
	stopped     bool
}

// Failure is one item that failed.
type Failure struct {
	// Label names the item on its error line, such as "token 3" or
	// "clients.json[2]"; empty when Err names it already.
	Label string
	// Err is what the error line says.
	Err error
	// Cause is the error as the server or a check returned it, before
	// Err reworded it: the stop rule reads it. Nil means Err.
	Cause error
	// PerItem says that the failure is about this item alone (a token of
	// another client, a line that holds no token), never a sign that the
	// rest would fail alike.
	PerItem bool
	// Class, for a Streak rule, names how the item failed when any item
	// would have failed the same way ("no answer from the server", "HTTP
	// 404"); empty for a failure of the item's own.
	Class string
}

// Ok counts an item that was done.
func (e *Each) Ok() {
	e.done++
	e.rule = Batch{}
	e.streak, e.streakClass = 0, ""
}

// Fail counts a failed item and prints its error line. It reports whether
// the items after it would fail alike, so that they should not be sent; it
// reports true once only.
func (e *Each) Fail(f Failure) bool {
	e.failed++
	if e.MaxErrors == 0 || e.failed <= e.MaxErrors {
		msg := f.Err.Error()
		if e.ShortAfterFirst && e.failed > 1 {
			msg, _, _ = strings.Cut(msg, "\n")
		}
		if f.Label != "" {
			msg = f.Label + ": " + msg
		}
		fmt.Fprintf(e.ErrOut, "error: %s\n", msg)
	}
	if e.stopped || f.PerItem {
		if f.PerItem {
			e.rule = Batch{}
			e.streak, e.streakClass = 0, ""
		}
		return false
	}
	if e.Streak > 0 {
		switch {
		case f.Class == "":
			e.streak, e.streakClass = 0, ""
		case f.Class == e.streakClass:
			e.streak++
		default:
			e.streak, e.streakClass = 1, f.Class
		}
		e.stopped = e.streak >= e.Streak
		if e.stopped {
			e.stopClass = f.Class
		}
		return e.stopped
	}
	cause := f.Cause
	if cause == nil {
		cause = f.Err
	}
	e.stopped = e.rule.Stop(cause)
	return e.stopped
}

// ShowsNext reports whether the next failure gets an error line (see
// MaxErrors), so that a progress bar is cleared only for one.
func (e *Each) ShowsNext() bool { return e.MaxErrors == 0 || e.failed < e.MaxErrors }

// Skip counts n items that were not attempted.
func (e *Each) Skip(n int) { e.skipped += n }

// StopReason says why the batch stopped, for the records of the items not
// sent; empty unless a Streak rule stopped it.
func (e *Each) StopReason() string {
	if e.stopClass == "" {
		return ""
	}
	return fmt.Sprintf("%d %s in a row failed the same way (%s)", e.Streak, e.Noun, e.stopClass)
}

// Count is the number of items seen: done, failed and not attempted.
func (e *Each) Count() int { return e.done + e.failed + e.skipped }

// Failed is the number of items that failed or were not attempted.
func (e *Each) Failed() int { return e.failed + e.skipped }

func (e *Each) total() int { return max(e.Total, e.Count()) }

// Summary prints the summary of the items seen, and returns ErrSilent (exit
// 1) when any failed or was not attempted, else nil. A lone item that
// failed needs no summary: its error line says it all.
func (e *Each) Summary() error {
	if e.MaxErrors > 0 && e.failed > e.MaxErrors {
		fmt.Fprintf(e.ErrOut, "(%d more errors not shown)\n", e.failed-e.MaxErrors)
	}
	switch {
	case e.skipped > 0 || e.restUnknown:
		e.stoppedLine()
	case e.failed > 0 && e.total() > 1:
		fmt.Fprintf(e.ErrOut, "%d of %d %s could not be %s\n", e.failed, e.total(), e.Noun, e.Verb)
	}
	if e.Failed() > 0 {
		return ErrSilent
	}
	return nil
}

func (e *Each) stoppedLine() {
	var line string
	if e.restUnknown {
		line = fmt.Sprintf("stopped: %d of the %s were not %s, and the rest not attempted", e.Failed(), e.Noun, e.Verb)
	} else {
		line = fmt.Sprintf("stopped: %d of %d %s were not %s, %d of them not attempted", e.Failed(), e.total(), e.Noun, e.Verb, e.skipped)
	}
	if why := e.StopReason(); why != "" {
		line += ", after " + why + ": the server may be down, or the URL wrong"
	}
	fmt.Fprintln(e.ErrOut, line)
}

// interrupted prints what Ctrl-C left undone, and returns the context's
// error. rest is the number of items not attempted, -1 when not known.
func (e *Each) interrupted(ctx context.Context, rest int) error {
	if rest < 0 {
		fmt.Fprintf(e.ErrOut, "interrupted: %d of the %s %s, the rest not attempted\n", e.done, e.Noun, e.Verb)
	} else {
		e.skipped += rest
		fmt.Fprintf(e.ErrOut, "interrupted: %d of %d %s %s, %d not attempted\n", e.done, e.total(), e.Noun, e.Verb, rest)
	}
	return ctx.Err()
}

// Step is what one item did, in ForEach.
type Step struct {
	// Err is the item's failure, as the server or a check returned it:
	// the stop rule reads it. Nil means the item was done.
	Err error
	// Shown, when set, is what the error line says instead of Err, such as
	// Err reworded to name the item and say what to do.
	Shown error
	// Label names the item on its error line; empty when the error names
	// it already.
	Label string
	// PerItem: see Failure.
	PerItem bool
	// Fatal ends the loop at once with Err, as it is: a failure that is
	// not the item's, such as stdout closed.
	Fatal bool
	// Report, when set, prints what the item did, once ForEach knows
	// whether it is the only item: a lone item is the command's outcome,
	// named without an index ("the token" rather than "token 1"). It is
	// called for a success, and for a failure that is not alone.
	Report func(alone bool)
}

// ForEach runs do on each item in order, n counting from 1, and keeps the
// books in e: the error line of each failure, the stop (Batch's rule, or
// e.Streak), e.Finish, then the summary. The result is nil when every item
// was done, and ErrSilent (exit 1) otherwise.
//
// When items holds one item and e.List is false, that item's error is
// returned as it is, with no error line or summary, as a command that takes
// one item would. To know it, the second item is read before the first
// one's outcome is reported.
//
// After a stop, the rest are read to be counted, unless e.Interactive. On
// Ctrl-C (ctx cancelled) no new item starts, and none is read: e.Finish
// runs, a line counts what was done and not attempted, and the result is
// ctx.Err(). A failure that is the request cut off by Ctrl-C (an error
// that is context.Canceled) gets no error line: do says what it may have
// left behind.
func ForEach[T any](ctx context.Context, e *Each, items iter.Seq[T], do func(ctx context.Context, n int, item T) Step) error {
	next, stop := iter.Pull(items)
	defer stop()
	item, more := next()
	if !more {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for n := 1; ; n++ {
		s := do(ctx, n, item)
		if s.Fatal {
			return s.Err
		}
		pulled := false
		pull := func() {
			if !pulled {
				item, more = next()
				pulled = true
			}
		}
		alone := false
		if n == 1 && !e.List {
			pull()
			alone = !more
			if alone && s.Err != nil {
				if s.Shown != nil {
					return s.Shown
				}
				return s.Err
			}
		}
		if s.Report != nil {
			s.Report(alone)
		}
		cut := s.Err != nil && ctx.Err() != nil && errors.Is(s.Err, context.Canceled)
		stopNow := false
		switch {
		case cut:
			e.failed++
		case s.Err != nil:
			shown := s.Shown
			if shown == nil {
				shown = s.Err
			}
			stopNow = e.Fail(Failure{Label: s.Label, Err: shown, Cause: s.Err, PerItem: s.PerItem})
		default:
			e.Ok()
		}
		if ctx.Err() != nil {
			rest := -1
			switch {
			case e.Total > 0:
				rest = e.Total - n
			case pulled && !more:
				rest = 0
			}
			if rest == 0 && !cut {
				// After the last item, Ctrl-C interrupted nothing.
				return e.end()
			}
			return e.interrupt(ctx, rest)
		}
		if stopNow {
			// The next requests would fail alike: one message, not one
			// per item.
			switch {
			case !e.Interactive || e.Total > 0:
				pull()
				if more {
					e.Skip(1 + count(next))
				}
			case !pulled || more:
				// A person types the rest: they are not asked for.
				e.restUnknown = true
			}
			return e.end()
		}
		pull()
		if !more {
			return e.end()
		}
	}
}

func count[T any](next func() (T, bool)) int {
	k := 0
	for _, ok := next(); ok; _, ok = next() {
		k++
	}
	return k
}

// end runs Finish, then prints the summary.
func (e *Each) end() error {
	if e.Finish != nil {
		if err := e.Finish(); err != nil {
			return err
		}
	}
	return e.Summary()
}

// interrupt runs Finish, then prints what Ctrl-C left undone, with rest
// items not attempted (-1: not known).
func (e *Each) interrupt(ctx context.Context, rest int) error {
	if e.Finish != nil {
		if err := e.Finish(); err != nil {
			return err
		}
	}
	return e.interrupted(ctx, rest)
}
