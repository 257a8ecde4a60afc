package root

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
)

// A v2Output hook makes a command built for a Hydra v2 spelling give what
// Hydra v2's CLI gives where the two differ: its flags (-q, a global
// --format) and the shape of its output. It wraps the command's own run, so
// that the command itself stays one, and its v1 spelling keeps v1's
// behaviour. Each hook is named in v2Spellings.
type v2Output func(f *cmdutil.Factory, cmd *cobra.Command)

// wrapRun runs before ahead of cmd's own RunE (after positionalFromFlag,
// which may wrap it too).
func wrapRun(cmd *cobra.Command, before func(c *cobra.Command, args []string, run func() error) error) {
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		return before(c, args, func() error { return run(c, args) })
	}
}

// capture runs run with the command's stdout going to a buffer, and
// returns what it printed there. Commands print through f.IOStreams.Out.
func capture(f *cmdutil.Factory, run func() error) ([]byte, error) {
	out := f.IOStreams.Out
	var buf bytes.Buffer
	f.IOStreams.Out = &buf
	defer func() { f.IOStreams.Out = out }()
	err := run()
	return buf.Bytes(), err
}

// formatOf returns the --format the user gave, parsed, and whether one was
// given.
func formatOf(c *cobra.Command) (printer.Format, bool, error) {
	fl := c.Flags().Lookup("format")
	if fl == nil || !fl.Changed {
		return printer.Format{}, false, nil
	}
	f, err := printer.ParseFormat(fl.Value.String())
	return f, true, cmdutil.FlagErrorWrap(err)
}

// addQuiet adds -q/--quiet, unless the command has it, and returns its
// value's address.
func addQuiet(cmd *cobra.Command, usage string) *bool {
	if cmd.Flags().Lookup("quiet") != nil {
		return nil
	}
	q := new(bool)
	cmd.Flags().BoolVarP(q, "quiet", "q", false, usage)
	return q
}

// quietActive is "introspect token -q": only whether the token is active,
// true or false, as Hydra v2's CLI prints it.
func quietActive(_ *cmdutil.Factory, cmd *cobra.Command) {
	quiet := addQuiet(cmd, "Print only whether the token is active: true or false")
	if quiet == nil {
		return
	}
	wrapRun(cmd, func(c *cobra.Command, args []string, run func() error) error {
		if !*quiet {
			return run()
		}
		if c.Flags().Changed("format") {
			return cmdutil.FlagErrorf("-q prints whether the token is active, alone: give either -q or --format")
		}
		// Several tokens print a record each: {"index":N,"result":{...}}.
		expr := "active"
		if len(args) > 1 {
			expr = "result.active"
		}
		if err := c.Flags().Set("format", "jsonpath="+expr); err != nil {
			return cmdutil.FlagErrorWrap(err)
		}
		return run()
	})
}

// addFormat adds --format, unless the command has it.
func addFormat(cmd *cobra.Command, defaultView string) {
	if cmd.Flags().Lookup("format") == nil {
		var format cmdutil.FormatFlag
		cmdutil.AddFormatFlag(cmd, &format, defaultView)
	}
}

// idResult is for commands whose result is IDs, one a line on stdout
// ("delete oauth2-client", "delete access-tokens"): Hydra v2's CLI takes
// its global --format there, and -q for the IDs alone. In JSON, one ID is
// a string and several are an array; the table has an ID column.
func idResult(f *cmdutil.Factory, cmd *cobra.Command) {
	linesResult(f, cmd, "Print only the IDs, one a line (the default)", "the IDs, one a line")
}

// revokedTokens is "revoke token": Hydra v2's CLI prints the token it
// revoked (cmdx.PrintRow of cmdx.OutputIder): the token alone with -q, a
// JSON string with --format json, and so on. The command echoes each token
// it revoked (revoke.Options.Echo), which is printed here as the IDs of
// idResult are. The outcome stays on stderr, without the token.
func revokedTokens(f *cmdutil.Factory, cmd *cobra.Command) {
	linesResult(f, cmd, "Print only the revoked tokens, one a line (the default)", "the revoked tokens, one a line")
}

// linesResult gives a command that prints one result a line on stdout
// Hydra v2's -q and --format.
func linesResult(f *cmdutil.Factory, cmd *cobra.Command, quietUsage, defaultView string) {
	addQuiet(cmd, quietUsage)
	addFormat(cmd, defaultView)
	wrapRun(cmd, func(c *cobra.Command, args []string, run func() error) error {
		format, given, err := formatOf(c)
		if err != nil || !given {
			if err != nil {
				return err
			}
			return run()
		}
		out, runErr := capture(f, run)
		ids := strings.Fields(string(out))
		if len(ids) == 0 {
			return runErr
		}
		var raw []byte
		if len(ids) == 1 {
			raw, _ = json.Marshal(ids[0])
		} else {
			raw, _ = json.Marshal(ids)
		}
		table := func() printer.TableData {
			t := printer.TableData{Headers: []string{"ID"}}
			for _, id := range ids {
				t.Rows = append(t.Rows, []string{id})
			}
			return t
		}
		p := printer.Printer{Format: format, Color: f.IOStreams.ColorEnabled()}
		if err := p.Print(f.IOStreams.Out, raw, table); err != nil && runErr == nil {
			runErr = err
		}
		return runErr
	})
}

// paginated is "list oauth2-clients": with a JSON or YAML --format, Hydra
// v2's CLI prints the page as {"items":[...],"next_page_token":"...",
// "is_last_page":bool}, not a bare array. Without --page-size or
// --page-token, every page is fetched: the one "page" is the last.
func paginated(f *cmdutil.Factory, cmd *cobra.Command) {
	wrapRun(cmd, func(c *cobra.Command, args []string, run func() error) error {
		format, given, err := formatOf(c)
		if err != nil {
			return err
		}
		quiet := c.Flags().Lookup("quiet")
		if !given || format.Name == printer.Table || (quiet != nil && quiet.Changed) {
			return run()
		}
		if err := c.Flags().Set("format", printer.JSON); err != nil {
			return cmdutil.FlagErrorWrap(err)
		}
		// The command names the next page on stderr; it is part of the
		// envelope instead.
		errOut := f.IOStreams.ErrOut
		next := &nextPageFilter{w: errOut}
		f.IOStreams.ErrOut = next
		out, runErr := capture(f, run)
		next.flush()
		f.IOStreams.ErrOut = errOut
		if runErr != nil {
			if len(out) > 0 {
				_, _ = f.IOStreams.Out.Write(out)
			}
			return runErr
		}
		items := json.RawMessage(bytes.TrimSpace(out))
		if len(items) == 0 {
			items = json.RawMessage("[]")
		}
		raw, err := json.Marshal(struct {
			Items         json.RawMessage `json:"items"`
			NextPageToken string          `json:"next_page_token"`
			IsLastPage    bool            `json:"is_last_page"`
		}{items, next.token, next.token == ""})
		if err != nil {
			return err
		}
		p := printer.Printer{Format: format, Color: f.IOStreams.ColorEnabled()}
		return p.Print(f.IOStreams.Out, raw, nil)
	})
}

// nextPageFilter passes stderr through, but keeps the "next page:
// --page-token X" line back and remembers X.
type nextPageFilter struct {
	w     io.Writer
	buf   bytes.Buffer
	token string
}

const nextPagePrefix = "next page: --page-token "

func (n *nextPageFilter) Write(p []byte) (int, error) {
	n.buf.Write(p)
	for {
		line, err := n.buf.ReadBytes('\n')
		if err != nil {
			// An unfinished line waits for its end.
			rest := append([]byte(nil), line...)
			n.buf.Reset()
			n.buf.Write(rest)
			return len(p), nil
		}
		if tok, ok := strings.CutPrefix(string(line), nextPagePrefix); ok {
			n.token = strings.Trim(strings.TrimSpace(tok), `"`)
			continue
		}
		if _, err := n.w.Write(line); err != nil {
			return len(p), err
		}
	}
}

func (n *nextPageFilter) flush() {
	if n.buf.Len() > 0 {
		_, _ = n.w.Write(n.buf.Bytes())
		n.buf.Reset()
	}
}

// tokenExpiry is "perform client-credentials": with a JSON or YAML
// --format, Hydra v2's CLI prints Go's oauth2.Token, whose "expiry" is when
// the token expires. The server's answer is printed as it was, with expiry
// added from its expires_in.
func tokenExpiry(f *cmdutil.Factory, cmd *cobra.Command) {
	wrapRun(cmd, func(c *cobra.Command, args []string, run func() error) error {
		format, given, err := formatOf(c)
		if err != nil {
			return err
		}
		if !given || format.Name == printer.Table {
			return run()
		}
		if err := c.Flags().Set("format", printer.JSON); err != nil {
			return cmdutil.FlagErrorWrap(err)
		}
		start := time.Now()
		out, runErr := capture(f, run)
		if runErr != nil {
			_, _ = f.IOStreams.Out.Write(out)
			return runErr
		}
		raw := withExpiry(bytes.TrimSpace(out), start)
		p := printer.Printer{Format: format, Color: f.IOStreams.ColorEnabled()}
		return p.Print(f.IOStreams.Out, raw, nil)
	})
}

// withExpiry adds "expiry" (RFC 3339) to a token response with expires_in,
// counted from when the request was sent. Any other answer is returned as
// it is.
func withExpiry(raw []byte, sent time.Time) []byte {
	var tok map[string]json.RawMessage
	if json.Unmarshal(raw, &tok) != nil {
		return raw
	}
	if _, ok := tok["expiry"]; ok {
		return raw
	}
	var secs float64
	if json.Unmarshal(tok["expires_in"], &secs) != nil || secs <= 0 {
		return raw
	}
	exp := sent.Add(time.Duration(secs * float64(time.Second))).UTC().Truncate(time.Second)
	tok["expiry"], _ = json.Marshal(exp.Format(time.RFC3339))
	out, err := json.Marshal(tok)
	if err != nil {
		return raw
	}
	return out
}
