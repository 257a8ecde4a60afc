package importcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdImport(t *testing.T) {
	got, err := cmdtest.Options(NewCmdImport, nil, "a.json", "-")
	if err != nil || strings.Join(got.Files, " ") != "a.json -" {
		t.Fatalf("files %v, err %v", got, err)
	}
	for _, args := range [][]string{nil, {"-", "-"}, {"a.json", "-q", "--format", "json"}} {
		if _, err := cmdtest.Options(NewCmdImport, nil, args...); cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage {
			t.Errorf("%q: error %v, want a usage error", args, err)
		}
	}
}

func run(t *testing.T, srv *clienttest.Server, stdin string, args ...string) (string, string, error) {
	t.Helper()
	f, in, out, errOut := cmdtest.Factory(nil)
	in.WriteString(stdin)
	err := cmdtest.Run(NewCmdImport(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return importRun(ctx, o)
	}), args...)
	return out.String(), errOut.String(), err
}

func TestImportRun(t *testing.T) {
	srv := clienttest.New(t, map[string]any{"client_id": "taken"})
	dir := t.TempDir()
	one := filepath.Join(dir, "one.json")
	os.WriteFile(one, []byte(`{"client_id": "solo", "client_secret": "given-secret"}`), 0o600)
	out, errOut, err := run(t, srv, `[{"client_name": "x"}, {"client_id": "taken"}, {"client_id": "y", "grant_types": ["nope"]}]`, one, "-")
	if cmdutil.ExitCodeOf(err) != 1 {
		t.Fatalf("error %v, want exit 1 for the taken ID", err)
	}
	out = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`).ReplaceAllString(out, "UUID")
	wantOut := "created solo from " + one + "\n" +
		"created UUID from stdin[0], client_secret: generated-secret-UUID\n" +
		"created y from stdin[2], client_secret: generated-secret-y\n"
	if out != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, wantOut)
	}
	for _, want := range []string{`stdin[1]: a client with ID "taken" already exists`, "Change the client_id in stdin[1]", `stdin[2]: unknown grant type "nope"`, "1 of 4 clients could not be imported", "cannot be fetched again"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestImportRunMalformedFileCreatesNothing(t *testing.T) {
	srv := clienttest.New(t)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"client_name": "g"}`), 0o600)
	os.WriteFile(bad, []byte("[\n  {\"client_name\": \"b\"},\n  {oops}\n]"), 0o600)
	_, _, err := run(t, srv, "", good, bad)
	if err == nil || !strings.Contains(err.Error(), bad+":3:4: invalid JSON") {
		t.Fatalf("error = %v, want file:line:col", err)
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("a malformed file must create nothing, sent %d requests", len(srv.Requests()))
	}
}

func TestImportRunFormatAndQuiet(t *testing.T) {
	srv := clienttest.New(t)
	out, _, err := run(t, srv, `[{"client_id":"a","client_secret":"123456"},{"client_id":"b","client_secret":"123456"}]`, "-", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 2 {
		t.Errorf("--format json should print one array: %v\n%s", err, out)
	}
	out, _, err = run(t, srv, `{"client_id":"c","client_secret":"123456"}`, "-", "-q")
	if err != nil || out != "c\n" {
		t.Errorf("-q: %q, %v", out, err)
	}
}

func TestImportRunWarnsAboutUnknownFields(t *testing.T) {
	srv := clienttest.New(t)
	_, errOut, err := run(t, srv, `{"client_id":"a","grant_type":["client_credentials"],"created_at":"2020-01-01T00:00:00Z"}`, "-", "-q")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, `warning: stdin: unknown field "grant_type": Hydra ignores it`) || strings.Contains(errOut, "created_at") {
		t.Errorf("stderr = %q", errOut)
	}
}
