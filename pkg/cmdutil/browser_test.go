package cmdutil

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSystemBrowserHonoursBROWSER(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser.sh")
	// The script records its arguments and prints, to show where its
	// output goes.
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" > "+out+"\necho printed-by-browser\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env, want string
	}{
		{script, "https://idp.example/auth?a=1&b=2"},
		{script + " --new-window", "--new-window https://idp.example/auth?a=1&b=2"},
		{script + " --url=%s --x", "--url=https://idp.example/auth?a=1&b=2 --x"},
		{"/nonexistent/browser:" + script, "https://idp.example/auth?a=1&b=2"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		b := &SystemBrowser{Getenv: func(k string) string {
			if k == EnvBrowser {
				return tt.env
			}
			return ""
		}, Stderr: &stderr}
		if err := b.Browse("https://idp.example/auth?a=1&b=2"); err != nil {
			t.Fatalf("BROWSER=%s: %v", tt.env, err)
		}
		got, _ := os.ReadFile(out)
		if strings.TrimSpace(string(got)) != tt.want {
			t.Errorf("BROWSER=%s: ran with %q, want %q", tt.env, got, tt.want)
		}
		if !strings.Contains(stderr.String(), "printed-by-browser") {
			t.Errorf("the browser's output should go to stderr, got %q", stderr.String())
		}
	}
}

func TestSystemBrowserFailure(t *testing.T) {
	b := &SystemBrowser{Getenv: func(string) string { return "/nonexistent/browser" }, Stderr: &bytes.Buffer{}}
	err := b.Browse("https://idp.example/")
	if err == nil || !strings.Contains(err.Error(), "$BROWSER") {
		t.Errorf("err = %v", err)
	}
}
