package update

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdUpdate(t *testing.T) {
	tests := []struct {
		args    []string
		id      string
		fields  map[string]string
		wantErr string
	}{
		{args: []string{"abc", "-n", "x"}, id: "abc", fields: map[string]string{"client_name": `"x"`}},
		{args: []string{"abc", "--audience", ""}, id: "abc", fields: map[string]string{"audience": `[]`}},
		{args: []string{"abc", "--skip-consent=false", "--grant-types", "a,b"}, id: "abc", fields: map[string]string{"skip_consent": `false`, "grant_types": `["a","b"]`}},
		{args: []string{"abc", "--secret-file", "f"}, id: "abc", fields: map[string]string{}},
		{args: []string{"abc"}, wantErr: "nothing to update"},
		{args: []string{"-n", "x"}, wantErr: "takes one client ID"},
		{args: []string{"a", "b", "-n", "x"}, wantErr: "takes one client ID"},
		{args: []string{"", "-n", "x"}, wantErr: "must not be empty"},
		{args: []string{"abc", "--secret", "123456", "--secret-file", "f"}, wantErr: "give only one of --secret and --secret-file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdUpdate, nil, tt.args...)
			if tt.wantErr != "" {
				cmdtest.WantUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gotFields := map[string]string{}
			for k, v := range got.Fields {
				gotFields[k] = string(v)
			}
			if got.ID != tt.id || !reflect.DeepEqual(gotFields, tt.fields) {
				t.Errorf("id %q fields %v; want %q %v", got.ID, gotFields, tt.id, tt.fields)
			}
		})
	}
}

func run(t *testing.T, srv *clienttest.Server, stdin string, args ...string) (string, string, error) {
	t.Helper()
	f, in, out, errOut := cmdtest.Factory(nil)
	in.WriteString(stdin)
	err := cmdtest.Run(NewCmdUpdate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return updateRun(ctx, o)
	}), args...)
	return out.String(), errOut.String(), err
}

func existing() map[string]any {
	return map[string]any{
		"client_id": "c1", "client_name": "old", "scope": "read write", "audience": []any{"x"},
		"grant_types": []any{"client_credentials"}, "owner": "me", "metadata": map[string]any{"k": "v"},
	}
}

func TestUpdateRunChangesOnlyGivenFields(t *testing.T) {
	srv := clienttest.New(t, existing())
	out, _, err := run(t, srv, "", "c1", "--name", "new", "--audience", "")
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Method != "PATCH" || reqs[0].Path != "/admin/clients/c1" {
		t.Fatalf("want one PATCH, got %+v", reqs)
	}
	if want := `[{"op":"add","path":"/audience","value":[]},{"op":"add","path":"/client_name","value":"new"}]`; reqs[0].Body != want {
		t.Errorf("patch = %s\nwant  %s", reqs[0].Body, want)
	}
	want := existing()
	want["client_name"], want["audience"] = "new", []any{}
	if got := srv.Client("c1"); !reflect.DeepEqual(got, want) {
		t.Errorf("client after update:\n got %v\nwant %v", got, want)
	}
	var printed map[string]any
	if err := json.Unmarshal([]byte(out), &printed); err != nil || printed["client_name"] != "new" {
		t.Errorf("stdout should be the updated client: %v\n%s", err, out)
	}
}

func TestUpdateRunFile(t *testing.T) {
	srv := clienttest.New(t, existing())
	_, _, err := run(t, srv, `{"client_id": "c1", "owner": "you", "metadata": {"k": "w"}}`, "c1", "--file", "-", "--owner", "flag wins", "-q")
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Client("c1")
	if got["owner"] != "flag wins" || !reflect.DeepEqual(got["metadata"], map[string]any{"k": "w"}) || got["client_name"] != "old" {
		t.Errorf("client after update: %v", got)
	}
	if strings.Contains(srv.Requests()[0].Body, "client_id") {
		t.Errorf("the ID must not be patched: %s", srv.Requests()[0].Body)
	}
	_, _, err = run(t, srv, `{"client_id": "other"}`, "c1", "--file", "-")
	if err == nil || !strings.Contains(err.Error(), "cannot change") {
		t.Errorf("error = %v, want a refusal to change the ID", err)
	}
}

func TestUpdateRunSecretIsNotEchoed(t *testing.T) {
	srv := clienttest.New(t, existing())
	out, errOut, err := run(t, srv, "new-secret-value\n", "c1", "--secret-file", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(srv.Requests()[0].Body, `"path":"/client_secret","value":"new-secret-value"`) {
		t.Errorf("patch lacks the secret: %s", srv.Requests()[0].Body)
	}
	if strings.Contains(out+errOut, "new-secret-value") {
		t.Errorf("the new secret was printed:\n%s%s", out, errOut)
	}
	var printed map[string]any
	if err := json.Unmarshal([]byte(out), &printed); err != nil || printed["client_name"] != "old" {
		t.Errorf("stdout should be the client in valid JSON: %v\n%s", err, out)
	}
}

func TestUpdateRunMissingClient(t *testing.T) {
	srv := clienttest.New(t)
	_, _, err := run(t, srv, "", "nope", "-n", "x")
	if err == nil || !strings.Contains(err.Error(), `no client with ID "nope"`) || cmdutil.ExitCodeOf(err) != 1 {
		t.Fatalf("error = %v, want it to name the missing client, exit 1", err)
	}
}

func TestUpdateRunWarnsAboutUnknownValues(t *testing.T) {
	srv := clienttest.New(t, existing())
	_, errOut, err := run(t, srv, "", "c1", "-g", "magic")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, `unknown grant type "magic"`) {
		t.Errorf("stderr = %q", errOut)
	}
}

// A selector that selects nothing in the updated client is a warning: the
// update was applied, and exit 1 would invite a retry.
func TestUpdateRunSelectorMissIsAWarning(t *testing.T) {
	srv := clienttest.New(t, existing())
	out, errOut, err := run(t, srv, "", "c1", "--name", "new", "--format", "jsonpath=$.nope")
	if err != nil || out != "" || !strings.Contains(errOut, "client c1 was updated, but --format jsonpath=$.nope selects nothing") {
		t.Errorf("error %v, stdout %q, stderr %q", err, out, errOut)
	}
	if srv.Client("c1")["client_name"] != "new" {
		t.Error("the update was not applied")
	}
}

// Under Hydra v2's spelling, a jsonpointer that selects nothing in the
// updated client fails the command (exit 1), as it does in Hydra v2's CLI
// (issue 24: non-zero stays non-zero); the update is still applied.
func TestUpdateRunSelectorMissUnderHydraV2Fails(t *testing.T) {
	srv := clienttest.New(t, existing())
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdUpdateStyled(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return updateRun(ctx, o)
	}, printer.Style{HydraTable: true, HydraPaths: true}), "c1", "--name", "new", "--format", "jsonpointer=/nope")
	var noMatch *printer.NoMatchError
	if !errors.As(err, &noMatch) || out.String() != "" || !strings.Contains(errOut.String(), "client c1 was updated") {
		t.Errorf("error %v, stdout %q, stderr %q; want a NoMatchError", err, out, errOut)
	}
	if srv.Client("c1")["client_name"] != "new" {
		t.Error("the update was not applied")
	}
}

// TestUpdateRunHydraV1: under Hydra v1's spelling, update is still a merge,
// and prints Hydra v1's line, then the new secret it was given.
func TestUpdateRunHydraV1(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"c1", "--name", "new"}, "c1 OAuth 2.0 Client updated\n"},
		{[]string{"c1", "--secret", "new-secret-1"}, "c1 OAuth 2.0 Client updated\nUpdated OAuth 2.0 Client Secret: new-secret-1\n"},
		{[]string{"c1", "--name", "new", "-q"}, "c1\n"},
	} {
		srv := clienttest.New(t, existing())
		f, _, out, _ := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdUpdateStyled(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = srv.Conn()
			return updateRun(ctx, o)
		}, printer.Style{HydraV1: true}), tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%v: stdout = %q, want %q", tc.args, out, tc.want)
		}
		if got := srv.Client("c1"); got["scope"] != "read write" {
			t.Errorf("%v: the update should keep what it is not given: %v", tc.args, got)
		}
	}
}
