package create

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

// Interrupted in the middle of an array, create still prints the clients it
// created, with the secrets the server generated, which cannot be fetched
// again.
func TestCreateRunInterruptedPrintsWhatWasCreated(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		if posts == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"client_id":"first","client_secret":"generated-secret-1"}`))
			return
		}
		// Ctrl-C while the second client is being created: whichever the
		// client sees first, the cancellation or this answer, the command
		// stops as interrupted.
		cancel()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	file := filepath.Join(t.TempDir(), "clients.json")
	os.WriteFile(file, []byte(`[{"client_name":"a"},{"client_name":"b"},{"client_name":"c"}]`), 0o600)
	f, _, out, errOut := cmdtest.Factory(map[string]string{"HYDRA_ADMIN_URL": srv.URL})
	var got *Options
	cmd := NewCmdCreate(f, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Run(cmd, "--file", file); err != nil {
		t.Fatal(err)
	}
	err := createRun(ctx, got)
	if !errors.Is(err, context.Canceled) || cmdutil.ExitCodeOf(err) != cmdutil.ExitInterrupt {
		t.Fatalf("err = %v, want the interruption", err)
	}
	if !strings.Contains(out.String(), "first") || !strings.Contains(out.String(), "generated-secret-1") {
		t.Errorf("the client created before Ctrl-C is not printed:\nstdout: %s\nstderr: %s", out.String(), errOut.String())
	}
}
