package printer

import (
	"bytes"
	"fmt"
	"io"
)

// Keep names the values of a result that the server shows only once: a
// rotated refresh token, a client secret it generated, a private key, a
// token bought with a single-use assertion. Output that leaves one out
// loses it for good, so ShowOnce and Check put it on stderr.
type Keep struct {
	// What names the values in the warning, as the server returned them:
	// "a refresh token", "the generated secrets".
	What string
	// Values are the values that the output must hold; empty ones are
	// ignored.
	Values []string
	// Output names the output in the warning when it leaves a value out:
	// "--format jsonpath=sub", "-q". Empty is "the output".
	Output string
	// Hint, when set, says how to keep the values on stdout next time,
	// such as "use --format json".
	Hint string
	// Shown names what Show writes, when it is more than the values, such
	// as "the token response". Empty is the values themselves.
	Shown string
	// Show writes to stderr what keeps the values missing from the output,
	// with what identifies them (a client's ID beside its secret).
	Show func(w io.Writer, missing []string) error
}

// ShowOnce is the output path of every result that holds a value shown
// only once. It writes what render writes to out, and then Check makes
// sure that none of keep.Values is lost: render failed (a selector that
// selects nothing), out could not be written, or the format left a value
// out. It returns render's error, else out's: whether a selector that
// missed fails the command is the command's choice (see NoMatchError).
func ShowOnce(out, errOut io.Writer, render func(io.Writer) error, keep Keep) error {
	var buf bytes.Buffer
	err := render(&buf)
	if err == nil {
		if _, werr := out.Write(buf.Bytes()); werr != nil {
			err = fmt.Errorf("writing the output failed: %w", werr)
		}
	} else if buf.Len() > 0 {
		// What was rendered before the failure is printed: nothing
		// obtained is hidden.
		_, _ = out.Write(buf.Bytes())
	}
	keep.Check(errOut, buf.Bytes(), err)
	return err
}

// Check shows on errOut, after a warning that says why, the values of k
// that printed does not hold, or all of them when failure says that the
// output failed. It is for output that streams, printed bit by bit; other
// output goes through ShowOnce.
func (k Keep) Check(errOut io.Writer, printed []byte, failure error) {
	var missing []string
	for _, v := range k.Values {
		if v != "" && (failure != nil || !bytes.Contains(printed, []byte(v))) {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 || k.Show == nil {
		return
	}
	here := "Here it is"
	switch {
	case k.Shown != "":
		here = "Here is " + k.Shown
	case len(missing) > 1:
		here = "Here they are"
	}
	hint := ""
	if k.Hint != "" {
		hint = "; " + k.Hint
	}
	if failure != nil {
		fmt.Fprintf(errOut, "warning: %s, but the server returned %s, shown only once%s. %s:\n", failure, k.What, hint, here)
	} else {
		output := k.Output
		if output == "" {
			output = "the output"
		}
		fmt.Fprintf(errOut, "warning: the server returned %s, and %s did not print it: it is shown only once%s. %s:\n", k.What, output, hint, here)
	}
	_ = k.Show(errOut, missing)
}

// ShowJSON returns a Keep.Show that writes raw, a JSON document, indented:
// the whole result, for values that mean nothing without the rest (a
// refresh token beside its access token).
func ShowJSON(raw []byte) func(io.Writer, []string) error {
	return func(w io.Writer, _ []string) error {
		return Printer{Format: Format{Name: JSONPretty}}.Print(w, raw, nil)
	}
}
