package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repoRoot is where the committed files are, seen from this package's
// directory, in which go test runs.
const repoRoot = "../.."

// TestGeneratedFilesAreCurrent fails when the committed docs or completion
// scripts differ from what the command tree generates: a command, flag or
// help text changed without "make docs completions".
func TestGeneratedFilesAreCurrent(t *testing.T) {
	tmp := t.TempDir()
	if err := writeDocs(filepath.Join(tmp, "docs")); err != nil {
		t.Fatal(err)
	}
	if err := writeCompletions(filepath.Join(tmp, "completions")); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"docs/commands", "docs/man", "completions"} {
		compareDirs(t, filepath.Join(tmp, dir), filepath.Join(repoRoot, dir), dir)
	}
}

func compareDirs(t *testing.T, generated, committed, name string) {
	t.Helper()
	want := readDir(t, generated)
	got := readDir(t, committed)
	for _, file := range sortedNames(want) {
		have, ok := got[file]
		switch {
		case !ok:
			t.Errorf("%s/%s is missing: run make docs completions", name, file)
		case !bytes.Equal(have, want[file]):
			t.Errorf("%s/%s is out of date: run make docs completions", name, file)
		}
	}
	for _, file := range sortedNames(got) {
		if _, ok := want[file]; !ok {
			t.Errorf("%s/%s is no longer generated: run make docs completions, which removes it", name, file)
		}
	}
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// readDir returns the regular files in dir by name; a missing dir is empty.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return files
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// Generating twice gives the same bytes: nothing depends on the date, the
// machine or map order.
func TestGenerationIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if err := writeDocs(filepath.Join(dir, "docs")); err != nil {
			t.Fatal(err)
		}
		if err := writeCompletions(filepath.Join(dir, "completions")); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{"docs/commands", "docs/man", "completions"} {
		compareDirs(t, filepath.Join(a, dir), filepath.Join(b, dir), dir)
	}
}

func TestWriteDocs(t *testing.T) {
	dir := t.TempDir()
	// A page of a command that no longer exists is removed; other files
	// are left alone.
	stale := filepath.Join(dir, "commands", "hydra_gone.md")
	keep := filepath.Join(dir, "commands", "notes.txt")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{stale, keep} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeDocs(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the page of a removed command was not removed")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("a file that gen-docs does not write was removed")
	}

	md := readDir(t, filepath.Join(dir, "commands"))
	man := readDir(t, filepath.Join(dir, "man"))
	// One page per command, the v2 spellings and completion included.
	for _, page := range []string{"hydra.md", "hydra_token.md", "hydra_token_introspect.md", "hydra_introspect_token.md", "hydra_version.md", "hydra_completion.md"} {
		if _, ok := md[page]; !ok {
			t.Errorf("no markdown page %s", page)
		}
		manPage := strings.ReplaceAll(strings.TrimSuffix(page, ".md"), "_", "-") + ".1"
		if _, ok := man[manPage]; !ok {
			t.Errorf("no man page %s", manPage)
		}
	}
	if len(md) != len(man)+1 { // +1: notes.txt
		t.Errorf("%d markdown pages but %d man pages", len(md)-1, len(man))
	}

	page := string(md["hydra_token_introspect.md"])
	for _, want := range []string{generatedHeader, "## hydra token introspect", "hydra token introspect <token>... | - [flags]", "--require-active", "### Examples"} {
		if !strings.Contains(page, want) {
			t.Errorf("hydra_token_introspect.md lacks %q", want)
		}
	}
	if strings.Contains(page, "Auto generated") {
		t.Error("the markdown page carries cobra's dated footer")
	}

	manPage := string(man["hydra-token-introspect.1"])
	for _, want := range []string{
		`.TH "HYDRA-TOKEN-INTROSPECT" "1" "Nov 2026" "hydra" "hydra manual"`,
		`\fBhydra token introspect <token>\&... | - [flags]\fP`,
		".TP\n\\fB--require-active\\fP[=false]\nExit 3 when a token is not active\n",
	} {
		if !strings.Contains(manPage, want) {
			t.Errorf("hydra-token-introspect.1 lacks %q", want)
		}
	}
	if strings.Contains(manPage, "Auto generated") || strings.Contains(manPage, ".SH HISTORY") {
		t.Error("the man page carries cobra's dated history")
	}
}

func TestWriteCompletions(t *testing.T) {
	dir := t.TempDir()
	if err := writeCompletions(dir); err != nil {
		t.Fatal(err)
	}
	names := sortedNames(readDir(t, dir))
	want := []string{"_hydra", "hydra.bash", "hydra.fish", "hydra.ps1"}
	if !slices.Equal(names, want) {
		t.Errorf("wrote %v, want %v", names, want)
	}
}

func TestEscapeTags(t *testing.T) {
	tests := []struct{ in, want string }{
		{"introspect <token>", `introspect \<token\>`},
		{"hydra <command> <subcommand> [flags]", `hydra \<command\> \<subcommand\> [flags]`},
		{"source <(hydra completion bash)", "source <(hydra completion bash)"},
		{"a < b and c > d", "a < b and c > d"},
		{"text <id>\n\n    indented <code>\n\tтab <code>\n", "text \\<id\\>\n\n    indented <code>\n\tтab <code>\n"},
		{"```\nfenced <code>\n```\nafter <x>", "```\nfenced <code>\n```\nafter \\<x\\>"},
	}
	for _, tt := range tests {
		if got := escapeTags(tt.in); got != tt.want {
			t.Errorf("escapeTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTagFlags(t *testing.T) {
	in := ".SH OPTIONS\n\\fB--a\\fP=\"\"\n\tFirst\n\n.PP\n\\fB-b\\fP, \\fB--bee\\fP[=false]\n\tSecond\n\n.SH EXAMPLE\n.EX\n\tnot a flag\n.EE\n"
	want := ".SH OPTIONS\n.TP\n\\fB--a\\fP=\"\"\nFirst\n\n.TP\n\\fB-b\\fP, \\fB--bee\\fP[=false]\nSecond\n\n.SH EXAMPLE\n.EX\n\tnot a flag\n.EE\n"
	if got := tagFlags(in); got != want {
		t.Errorf("tagFlags:\n%s\nwant:\n%s", got, want)
	}
}
