package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C and SIGTERM end the process even while it waits on stdin, which
// no context can cancel: a CI runner's SIGTERM must never be swallowed.
func TestSignalEndsAReadOfStdin(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		args []string
	}{
		{syscall.SIGINT, []string{"token", "introspect", "-"}},
		{syscall.SIGTERM, []string{"token", "decode", "--no-verify", "-"}},
		{syscall.SIGINT, []string{"token", "client", "--client-id", "c", "--client-secret-file", "-"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			// A signal that arrives before main has set up its handler
			// kills the process as the default action would, which says
			// nothing about the handler: on a loaded machine start-up can
			// take longer than the first wait, so wait longer and retry.
			for _, wait := range []time.Duration{300 * time.Millisecond, time.Second, 3 * time.Second} {
				state, stdout, stderr := signalDuringRead(t, tc.sig, wait, tc.args)
				if state.ExitCode() == -1 && wait < 3*time.Second {
					continue
				}
				if code := state.ExitCode(); code != 130 {
					t.Errorf("exit %d, want 130; stderr: %s", code, stderr)
				}
				if stdout != "" || !strings.Contains(stderr, "interrupted") {
					t.Errorf("stdout %q, stderr %q", stdout, stderr)
				}
				return
			}
		})
	}
}

// signalDuringRead starts the CLI with a stdin that stays open, so that
// its read blocks, sends sig after wait, and returns how it ended.
func signalDuringRead(t *testing.T, sig syscall.Signal, wait time.Duration, args []string) (*os.ProcessState, string, string) {
	t.Helper()
	cmd := exec.Command(cli, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "HYDRA_ADMIN_URL=" + srv.AdminURL, "HYDRA_URL=" + srv.PublicURL}
	stdin, err := cmd.StdinPipe() // left open: the read blocks
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(wait) // let it reach the read
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 20s after %v", sig)
	}
	return cmd.ProcessState, stdout.String(), stderr.String()
}
