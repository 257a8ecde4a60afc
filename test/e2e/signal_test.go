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
			cmd := exec.Command(cli, tc.args...)
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
			time.Sleep(300 * time.Millisecond) // let it reach the read
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 20s after %v", tc.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit %d, want 130; stderr: %s", code, stderr.String())
			}
			if stdout.Len() != 0 || !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
			}
		})
	}
}
