package reliability

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// exitCases produce each documented exit code the way docs/exit-codes.md's
// Example column says. A code added to the doc without a case here, or a
// case without a row in the doc, fails TestExitCodesDocumented.
var exitCases = map[int]func(t *testing.T) result{
	cmdutil.ExitOK: func(t *testing.T) result {
		c := commands[0]
		return invoke(context.Background(), t, c, stub(t, okHandler(c)).URL)
	},
	cmdutil.ExitFailure: func(t *testing.T) result {
		c := commands[0]
		srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		}))
		return invoke(context.Background(), t, c, srv.URL)
	},
	cmdutil.ExitUsage: func(t *testing.T) result {
		return invokeArgs(context.Background(), t, nil, "", []string{"token", "introspect", "--no-such-flag", secretToken})
	},
	cmdutil.ExitInactive: func(t *testing.T) result {
		srv := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"active":false}`))
		}))
		return invokeArgs(context.Background(), t, nil, "", []string{"token", "introspect", "-e", srv.URL, "--require-active", secretToken})
	},
	cmdutil.ExitInterrupt: func(t *testing.T) result {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		arrived := make(chan struct{}, 1)
		srv := stub(t, hangUntilDone(t, arrived))
		go func() {
			select {
			case <-arrived:
				cancel() // Ctrl-C: main cancels the context on SIGINT
			case <-ctx.Done():
			}
		}()
		return invoke(ctx, t, commands[0], srv.URL, "--timeout", "0")
	},
}

func TestExitCodesDocumented(t *testing.T) {
	documented := documentedCodes(t)
	for code := range documented {
		if _, ok := exitCases[code]; !ok {
			t.Errorf("docs/exit-codes.md documents %d, but no case here produces it", code)
		}
	}
	for code, run := range exitCases {
		if _, ok := documented[code]; !ok {
			t.Errorf("exit code %d is produced but not documented in docs/exit-codes.md", code)
			continue
		}
		t.Run("exit "+strconv.Itoa(code), func(t *testing.T) {
			r := run(t)
			if r.code != code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, code, r.stderr)
			}
			switch code {
			case cmdutil.ExitOK, cmdutil.ExitInactive:
				if r.stdout == "" {
					t.Error("no result on stdout")
				}
			case cmdutil.ExitUsage:
				assertFailedCleanly(t, r, code, "--no-such-flag", "--help")
			case cmdutil.ExitInterrupt:
				assertFailedCleanly(t, r, code, "interrupted")
			default:
				assertFailedCleanly(t, r, code, "500 Internal Server Error")
			}
		})
	}
	// The constants main uses are the documented ones.
	codes := []int{cmdutil.ExitOK, cmdutil.ExitFailure, cmdutil.ExitUsage, cmdutil.ExitInactive, cmdutil.ExitInterrupt}
	for code := range documented {
		if !slices.Contains(codes, code) {
			t.Errorf("documented code %d has no cmdutil constant", code)
		}
	}
}
