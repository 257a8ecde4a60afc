package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A release build carries its version, commit and date from -ldflags, as
// .goreleaser.yaml and "make build" set them; both "hydra version" and
// "hydra --version" show them.
func TestVersionFromLdflags(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "hydra")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const pkg = "github.com/hydratoken/hydra/pkg/build"
	ldflags := "-s -w -X " + pkg + ".Version=v9.8.7 -X " + pkg + ".Commit=0123456789abcdef0123 -X " + pkg + ".Date=2026-11-25T12:00:00Z"
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "github.com/hydratoken/hydra/cmd/hydra")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}

	want := "hydra version v9.8.7 (commit 0123456789ab, built 2026-11-25T12:00:00Z)\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runBinary(t, bin, args...)
		r.wantCode(t, 0)
		if r.Stdout != want || r.Stderr != "" {
			t.Errorf("hydra %s: stdout %q, stderr %q; want stdout %q", strings.Join(args, " "), r.Stdout, r.Stderr, want)
		}
	}

	r := runBinary(t, bin, "version", "--format", "json")
	r.wantCode(t, 0)
	var got map[string]string
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("version --format json is not JSON: %v\n%s", err, r.Stdout)
	}
	if got["version"] != "v9.8.7" || got["commit"] != "0123456789abcdef0123" || got["date"] != "2026-11-25T12:00:00Z" || !strings.HasPrefix(got["go_version"], "go1.") {
		t.Errorf("version --format json = %v", got)
	}
}

// Without ldflags (a plain go build, as under -buildvcs=false), the binary
// still answers, with what it knows and "unknown" for the rest.
func TestVersionWithoutLdflags(t *testing.T) {
	r := runBinary(t, cli, "version", "--format", "json")
	r.wantCode(t, 0)
	var got map[string]string
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.Stdout)
	}
	for _, k := range []string{"version", "commit", "date", "go_version"} {
		if got[k] == "" {
			t.Errorf("%s is empty in %v", k, got)
		}
	}
	r = runBinary(t, cli, "--version")
	r.wantCode(t, 0)
	if !strings.HasPrefix(r.Stdout, "hydra version "+got["version"]+" (commit ") {
		t.Errorf("--version = %q", r.Stdout)
	}
}

// runBinary runs bin with args in a clean environment.
func runBinary(t *testing.T, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1"}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s %s: %v", bin, strings.Join(args, " "), err)
	}
	return res
}
