package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The committed completion scripts, run by the shells themselves, get their
// candidates from the built binary.

// bashCompletion is the bash-completion package's main script, which the
// V2 script cobra writes relies on for _get_comp_words_by_ref.
const bashCompletion = "/usr/share/bash-completion/bash_completion"

// wantFormats are the --format values every command with --format offers.
var wantFormats = []string{"json", "json-pretty", "yaml", "table", "jsonpath=", "jsonpointer="}

func TestBashCompletionScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	if _, err := os.Stat(bashCompletion); err != nil {
		t.Skip("the bash-completion package is not installed (apt-get install bash-completion)")
	}
	script, err := filepath.Abs("../../completions/hydra.bash")
	if err != nil {
		t.Fatal(err)
	}
	// comp sets up what bash sets before it calls a completion function,
	// calls it, and prints the candidates one a line. compopt only works
	// inside a real completion, so it is a no-op here.
	prog := `
source ` + bashCompletion + `
source "$1"; shift
compopt() { :; }
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
__start_hydra hydra "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"hydra", "token", "introspect", "--format", ""}, wantFormats},
		{[]string{"hydra", "introspect", "token", "--format", "json"}, []string{"json", "json-pretty", "jsonpath=", "jsonpointer="}},
		{[]string{"hydra", "completion", "f"}, []string{"fish"}},
		{[]string{"hydra", "vers"}, []string{"version"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			args := append([]string{"-c", prog, "bash", script}, tt.words...)
			got := shellCandidates(t, "bash", args...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("candidates %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFishCompletionScript(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	script, err := filepath.Abs("../../completions/hydra.fish")
	if err != nil {
		t.Fatal(err)
	}
	got := shellCandidates(t, "fish", "-c", `source $argv[1]; complete -C "hydra token introspect --format "`, script)
	var values []string
	for _, line := range got {
		value, desc, _ := strings.Cut(line, "\t")
		values = append(values, value)
		if value == "json" && desc != "compact JSON, one line" {
			t.Errorf("json's description is %q", desc)
		}
	}
	slices.Sort(values)
	want := slices.Clone(wantFormats)
	slices.Sort(want)
	if !slices.Equal(values, want) {
		t.Errorf("candidates %q, want %q", values, want)
	}
}

func TestZshCompletionScriptLoads(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed")
	}
	dir, err := filepath.Abs("../../completions")
	if err != nil {
		t.Fatal(err)
	}
	// The script is found on $fpath by its name, _hydra, and registers
	// itself for hydra.
	got := shellCandidates(t, "zsh", "-f", "-c", `fpath=($1 $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[hydra]`, "zsh", dir)
	if !slices.Equal(got, []string{"_hydra"}) {
		t.Errorf("zsh completes hydra with %q, want _hydra", got)
	}
}

// shellCandidates runs a shell with args, with the binary under test first
// on PATH as "hydra", and returns its stdout's non-empty lines.
func shellCandidates(t *testing.T, shell string, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, args...)
	home := t.TempDir()
	cmd.Env = []string{"PATH=" + filepath.Dir(cli) + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_DATA_HOME=" + home, "NO_COLOR=1", "TERM=dumb"}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", shell, err, stderr.String())
	}
	var lines []string
	for _, l := range strings.Split(stdout.String(), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
