// Command gen-docs writes the files that are generated from hydra's command
// tree: a markdown page and a man page per command, and the shell
// completion scripts. "make docs" and "make completions" run it, and
// TestGeneratedFilesAreCurrent checks that the committed files match.
//
// Usage:
//
//	go run ./cmd/gen-docs -docs docs -completions completions
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

	"github.com/hydratoken/hydra/pkg/cmd/completion"
	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

// manDate is the date in the man pages' headers. It is fixed, rather than
// today's, so that the pages are the same whenever they are generated; move
// it forward when the commands change in a release.
var manDate = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// Where, under -docs, each kind of page goes.
const (
	markdownDir = "commands"
	manDir      = "man"
)

// generatedHeader opens every markdown page, so that nobody edits one by
// hand.
const generatedHeader = "<!-- Generated from hydra's command tree by \"make docs\". Edit the command's help text, not this file. -->\n\n"

func main() {
	docsDir := flag.String("docs", "", "write markdown pages to `dir`/commands and man pages to dir/man")
	completionsDir := flag.String("completions", "", "write the shell completion scripts to `dir`")
	flag.Parse()
	if flag.NArg() > 0 || (*docsDir == "" && *completionsDir == "") {
		fmt.Fprintln(os.Stderr, "usage: gen-docs [-docs dir] [-completions dir]")
		os.Exit(2)
	}
	if *docsDir != "" {
		if err := writeDocs(*docsDir); err != nil {
			fmt.Fprintln(os.Stderr, "gen-docs:", err)
			os.Exit(1)
		}
	}
	if *completionsDir != "" {
		if err := writeCompletions(*completionsDir); err != nil {
			fmt.Fprintln(os.Stderr, "gen-docs:", err)
			os.Exit(1)
		}
	}
}

// newRoot builds the command tree as a user's shell would see it, but with
// an empty environment, so that nothing of the machine that generates the
// docs ends up in them.
func newRoot() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	cmd := root.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }})
	disableAutoGenTag(cmd)
	return cmd
}

// disableAutoGenTag drops cobra/doc's "Auto generated on DATE" footer,
// which would change the pages every day.
func disableAutoGenTag(cmd *cobra.Command) {
	cmd.DisableAutoGenTag = true
	for _, c := range cmd.Commands() {
		disableAutoGenTag(c)
	}
}

// writeDocs writes dir/commands/*.md and dir/man/*.1, after removing the
// pages there, so that the page of a removed command does not linger.
func writeDocs(dir string) error {
	md := filepath.Join(dir, markdownDir)
	man := filepath.Join(dir, manDir)
	if err := clean(md, ".md"); err != nil {
		return err
	}
	if err := clean(man, ".1"); err != nil {
		return err
	}

	// Markdown shows Use and the flags in code blocks, but Short and Long
	// as text, where "<token>" would be taken for an HTML tag.
	mdRoot := newRoot()
	walk(mdRoot, func(c *cobra.Command) {
		c.Short, c.Long = escapeTags(c.Short), escapeTags(c.Long)
	})
	prepend := func(string) string { return generatedHeader }
	link := func(name string) string { return name }
	if err := doc.GenMarkdownTreeCustom(mdRoot, md, prepend, link); err != nil {
		return fmt.Errorf("writing markdown pages: %w", err)
	}

	// cobra/doc writes man pages as markdown too, and go-md2man drops what
	// looks like an HTML tag, even in the synopsis and the flags.
	manRoot := newRoot()
	seen := map[*pflag.Flag]bool{}
	walk(manRoot, func(c *cobra.Command) {
		c.Use, c.Short, c.Long = escapeTags(c.Use), escapeTags(c.Short), escapeTags(c.Long)
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !seen[f] {
				seen[f] = true
				f.Usage = escapeTags(f.Usage)
			}
		})
	})
	header := &doc.GenManHeader{Section: "1", Date: &manDate, Source: "hydra", Manual: "hydra manual"}
	if err := doc.GenManTree(manRoot, header, man); err != nil {
		return fmt.Errorf("writing man pages: %w", err)
	}
	return tagFlagParagraphs(man)
}

// walk calls fn for cmd and every command under it.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, c := range cmd.Commands() {
		walk(c, fn)
	}
}

// escapeTags backslash-escapes "<name>" placeholders, such as "<token>", in
// markdown text, leaving code blocks (indented or fenced) alone, where
// markdown shows the backslash.
func escapeTags(s string) string {
	tag := regexp.MustCompile(`<([A-Za-z][A-Za-z0-9_-]*)>`)
	lines := strings.Split(s, "\n")
	fenced := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			continue
		}
		if fenced || strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t") {
			continue
		}
		lines[i] = tag.ReplaceAllString(l, `\<$1\>`)
	}
	return strings.Join(lines, "\n")
}

// tagFlagParagraphs rewrites the OPTIONS of every man page in dir as
// tagged paragraphs. cobra/doc writes each flag as a paragraph of the flag
// and then its description on a line indented by a tab, which man runs
// together into one line; ".TP" puts the flag on its own line and indents
// the description under it.
func tagFlagParagraphs(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".1") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(tagFlags(string(b))), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// tagFlags does tagFlagParagraphs' work on one page.
func tagFlags(page string) string {
	lines := strings.Split(page, "\n")
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		desc, isDesc := strings.CutPrefix(l, "\t")
		if !isDesc || i == 0 || !strings.HasPrefix(lines[i-1], `\fB-`) {
			out = append(out, l)
			continue
		}
		flagLine := out[len(out)-1]
		out = out[:len(out)-1]
		if len(out) > 0 && out[len(out)-1] == ".PP" {
			out = out[:len(out)-1]
		}
		out = append(out, ".TP", flagLine, desc)
	}
	return strings.Join(out, "\n")
}

// writeCompletions writes one script per shell into dir, each named as its
// shell expects.
func writeCompletions(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cmd := newRoot()
	for _, shell := range completion.Shells {
		var buf bytes.Buffer
		if err := completion.Generate(cmd, shell, &buf, true); err != nil {
			return fmt.Errorf("writing the %s completion script: %w", shell, err)
		}
		if err := os.WriteFile(filepath.Join(dir, completion.FileName(shell, cmd.Name())), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// clean creates dir, or removes the files in it whose names end in ext.
func clean(dir, ext string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ext) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
