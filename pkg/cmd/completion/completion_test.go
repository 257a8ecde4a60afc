package completion_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/completion"
	"github.com/hydratoken/hydra/pkg/cmd/root"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// execute runs the whole command tree with args, as main does, and returns
// stdout, stderr and the exit code.
func execute(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(nil)
	code := root.Execute(context.Background(), f, args)
	return out.String(), errOut.String(), code
}

func TestNewCmdCompletion(t *testing.T) {
	tests := []struct {
		args     []string
		want     completion.Options
		wantCode int
	}{
		{args: []string{"bash"}, want: completion.Options{Shell: "bash"}},
		{args: []string{"zsh"}, want: completion.Options{Shell: "zsh"}},
		{args: []string{"fish", "--no-descriptions"}, want: completion.Options{Shell: "fish", NoDescriptions: true}},
		{args: []string{"powershell"}, want: completion.Options{Shell: "powershell"}},
		{args: []string{"ksh"}, wantCode: cmdutil.ExitUsage},
		{args: []string{}, wantCode: cmdutil.ExitUsage},
		{args: []string{"bash", "zsh"}, wantCode: cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _, _ := cmdtest.Factory(nil)
			var got *completion.Options
			cmd := completion.NewCmdCompletion(f, func(_ context.Context, o *completion.Options) error {
				got = o
				return nil
			})
			err := cmdtest.Run(cmd, tt.args...)
			if code := cmdutil.ExitCodeOf(err); code != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			if got.Shell != tt.want.Shell || got.NoDescriptions != tt.want.NoDescriptions {
				t.Errorf("options = {Shell: %q, NoDescriptions: %v}, want {Shell: %q, NoDescriptions: %v}",
					got.Shell, got.NoDescriptions, tt.want.Shell, tt.want.NoDescriptions)
			}
			if got.Root != cmd {
				t.Error("Root should be the root of the command tree")
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	// Each script is recognisably the one for its shell, and completes
	// "hydra" by calling "hydra __complete".
	marks := map[string][]string{
		"bash":       {"complete -o default -F __start_hydra hydra", "__complete"},
		"zsh":        {"#compdef hydra", "__complete"},
		"fish":       {"complete -c hydra ", "__complete"},
		"powershell": {"Register-ArgumentCompleter -CommandName 'hydra'", "__complete"},
	}
	for _, shell := range completion.Shells {
		t.Run(shell, func(t *testing.T) {
			out, errOut, code := execute(t, "completion", shell)
			if code != 0 || errOut != "" {
				t.Fatalf("hydra completion %s: exit %d, stderr %q", shell, code, errOut)
			}
			for _, m := range marks[shell] {
				if !strings.Contains(out, m) {
					t.Errorf("the %s script lacks %q", shell, m)
				}
			}
			// The command prints what Generate writes, which is what
			// "make completions" commits.
			f, _, _, _ := cmdtest.Factory(nil)
			var want bytes.Buffer
			if err := completion.Generate(root.NewCmdRoot(f), shell, &want, true); err != nil {
				t.Fatal(err)
			}
			if out != want.String() {
				t.Errorf("hydra completion %s differs from completion.Generate", shell)
			}
		})
	}
}

func TestCompletionNoDescriptions(t *testing.T) {
	with, _, _ := execute(t, "completion", "zsh")
	without, _, code := execute(t, "completion", "zsh", "--no-descriptions")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if with == without || !strings.Contains(without, "__completeNoDesc") {
		t.Error("--no-descriptions should give the script that asks for completions without descriptions")
	}
}

func TestCompletionUnknownShell(t *testing.T) {
	out, errOut, code := execute(t, "completion", "ksh")
	if code != cmdutil.ExitUsage {
		t.Errorf("exit %d, want %d", code, cmdutil.ExitUsage)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	if !strings.Contains(errOut, `unsupported shell "ksh": valid shells are bash, zsh, fish, powershell`) {
		t.Errorf("stderr should name the valid shells:\n%s", errOut)
	}
}

// The scripts ask the binary for candidates with "hydra __complete ARGS";
// these are the answers they get.
func TestDynamicCompletion(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want      []string
		directive string
	}{
		{
			name: "format values",
			args: []string{"__complete", "token", "introspect", "--format", ""},
			want: []string{
				"json\tcompact JSON, one line",
				"json-pretty\tindented JSON",
				"yaml\tYAML",
				"table\ta table with a header row",
				"jsonpath=\t",
				"jsonpointer=\t",
			},
			// NoSpace (2) | NoFileComp (4): after "jsonpath=" the user
			// goes on typing the expression.
			directive: ":6",
		},
		{
			name:      "format values under the v2 spelling",
			args:      []string{"__complete", "introspect", "token", "--format", "js"},
			want:      []string{"json\t", "json-pretty\t", "jsonpath=\t", "jsonpointer=\t"},
			directive: ":6",
		},
		{
			name:      "shells",
			args:      []string{"__complete", "completion", ""},
			want:      []string{"bash", "zsh", "fish", "powershell"},
			directive: ":4",
		},
		{
			name:      "commands",
			args:      []string{"__complete", ""},
			want:      []string{"completion\t", "token\t", "version\t", "introspect\t"},
			directive: ":4",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, code := execute(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if last := lines[len(lines)-1]; last != tt.directive {
				t.Errorf("directive = %q, want %q", last, tt.directive)
			}
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					if strings.HasPrefix(l+"\t", w) {
						found = true
					}
				}
				if !found {
					t.Errorf("no candidate %q in:\n%s", w, out)
				}
			}
		})
	}
}
