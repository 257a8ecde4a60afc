package createmany

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

type result struct {
	out, errOut string
	err         error
}

// runAgainst creates the clients of docs (JSON objects) against url.
func runAgainst(t *testing.T, ctx context.Context, url string, opts Options, docs ...string) result {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(nil)
	conn := cmdutil.Connection{Kind: api.Admin, Endpoint: url, Timeout: 5 * time.Second}
	client, err := conn.Client(f)
	if err != nil {
		t.Fatal(err)
	}
	opts.IO, opts.Client = f.IOStreams, client
	var items []Item
	for i, d := range docs {
		var doc shared.Doc
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			t.Fatal(err)
		}
		items = append(items, Item{Where: fmt.Sprintf("f.json[%d]", i), Doc: doc})
	}
	err = Run(ctx, opts, items)
	return result{out.String(), errOut.String(), err}
}

func format(t *testing.T, s string) printer.Format {
	t.Helper()
	f, err := printer.ParseFormat(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every output format carries the secret the server generated.
func TestEveryFormatCarriesTheGeneratedSecret(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"default YAML", Options{}},
		{"report lines", Options{View: ReportView}},
		{"json", Options{Format: format(t, "json")}},
		{"yaml", Options{Format: format(t, "yaml")}},
		{"table", Options{Format: format(t, "table")}},
		{"jsonpath of the secrets", Options{Format: format(t, "jsonpath=$[*].client_secret")}},
		{"jsonpath of the names", Options{Format: format(t, "jsonpath=$[*].client_name")}},
		{"quiet", Options{Quiet: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := clienttest.New(t)
			tc.opts.Array = true
			r := runAgainst(t, context.Background(), srv.URL, tc.opts, `{"client_id":"a","client_name":"A"}`, `{"client_id":"b","client_name":"B"}`)
			if r.err != nil {
				t.Fatal(r.err)
			}
			for _, want := range []string{"a", "generated-secret-a", "generated-secret-b"} {
				if !strings.Contains(r.out+r.errOut, want) {
					t.Errorf("%q is shown nowhere:\nstdout:\n%s\nstderr:\n%s", want, r.out, r.errOut)
				}
			}
			if strings.Count(r.errOut, "cannot be fetched again") != 1 {
				t.Errorf("want one warning about the secrets:\n%s", r.errOut)
			}
		})
	}
}

func TestTableHasASecretColumn(t *testing.T) {
	srv := clienttest.New(t)
	r := runAgainst(t, context.Background(), srv.URL, Options{Format: format(t, "table"), Array: true},
		`{"client_id":"a"}`, `{"client_id":"given","client_secret":"given-secret"}`)
	if r.err != nil {
		t.Fatal(r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if !strings.HasSuffix(lines[0], "SECRET") || !strings.HasSuffix(lines[1], "generated-secret-a") {
		t.Errorf("table:\n%s", r.out)
	}
	// A secret the user gave is never echoed.
	if strings.Contains(r.out+r.errOut, "given-secret") {
		t.Errorf("a given secret was printed:\n%s%s", r.out, r.errOut)
	}
}

// A selector that selects nothing after the clients were created is a
// warning: the clients exist, and what was created is shown on stderr.
func TestSelectorMissAfterCreateIsAWarning(t *testing.T) {
	for _, f := range []string{"jsonpath=$.nope", "jsonpath=nope", "jsonpointer=/nope"} {
		srv := clienttest.New(t)
		r := runAgainst(t, context.Background(), srv.URL, Options{Format: format(t, f)}, `{"client_name":"x"}`)
		if r.err != nil {
			t.Fatalf("%s: error %v, want success: the client was created", f, r.err)
		}
		if r.out != "" || !strings.Contains(r.errOut, "selects nothing") {
			t.Errorf("%s: stdout %q, stderr %q", f, r.out, r.errOut)
		}
		var shown map[string]string
		yamlPart := r.errOut[strings.Index(r.errOut, "\n")+1:]
		yamlPart = yamlPart[:strings.Index(yamlPart, "warning:")]
		if err := yaml.Unmarshal([]byte(yamlPart), &shown); err != nil || shown["client_id"] == "" || shown["client_secret"] != "generated-secret-"+shown["client_id"] {
			t.Errorf("%s: stderr should show the ID and secret: %v %v\n%s", f, shown, err, r.errOut)
		}
	}
}

// Under Hydra v2's spellings (Style.HydraPaths), a jsonpointer that
// selects nothing in the created client fails the command, as it does in
// Hydra v2's CLI (exit 1, issue 24: non-zero stays non-zero), after the
// client and its secret are shown on stderr; a jsonpath miss prints null
// and succeeds, as Hydra's does.
func TestSelectorMissAfterCreateUnderHydraV2(t *testing.T) {
	for _, tt := range []struct {
		format  string
		wantOut string
		wantErr bool
	}{
		{format: "jsonpointer=/nope", wantErr: true},
		{format: "jsonpath=nope", wantOut: "null\n"},
	} {
		srv := clienttest.New(t)
		f := format(t, tt.format)
		f.Hydra = true
		r := runAgainst(t, context.Background(), srv.URL, Options{Format: f, Style: printer.Style{HydraTable: true, HydraPaths: true}}, `{"client_name":"x"}`)
		var noMatch *printer.NoMatchError
		if tt.wantErr != errors.As(r.err, &noMatch) {
			t.Errorf("%s: error %v, want a NoMatchError: %v", tt.format, r.err, tt.wantErr)
		}
		if r.out != tt.wantOut {
			t.Errorf("%s: stdout %q, want %q", tt.format, r.out, tt.wantOut)
		}
		if !strings.Contains(r.errOut, "client_secret: generated-secret-") {
			t.Errorf("%s: stderr should show the generated secret:\n%s", tt.format, r.errOut)
		}
	}
}

// The default view is YAML, quoted where an ID needs it.
func TestDefaultViewIsValidYAML(t *testing.T) {
	srv := clienttest.New(t)
	ids := []string{"a: b", "yes", "123", "x #c", "plain"}
	var docs []string
	for _, id := range ids {
		b, _ := json.Marshal(map[string]string{"client_id": id})
		docs = append(docs, string(b))
	}
	r := runAgainst(t, context.Background(), srv.URL, Options{Array: true}, docs...)
	if r.err != nil {
		t.Fatal(r.err)
	}
	dec := yaml.NewDecoder(strings.NewReader(r.out))
	for _, id := range ids {
		var got map[string]any
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, r.out)
		}
		if got["client_id"] != id || got["client_secret"] != "generated-secret-"+id {
			t.Errorf("read back %#v, want ID %q", got, id)
		}
	}
	if !strings.Contains(r.out, `client_id: "yes"`) {
		t.Errorf("yes must be quoted for YAML 1.1 readers:\n%s", r.out)
	}
}

// -q prints the IDs; the generated secrets, which it does not print, go to
// stderr under one warning, not one per client.
func TestQuietShowsTheSecretsOnStderr(t *testing.T) {
	srv := clienttest.New(t)
	r := runAgainst(t, context.Background(), srv.URL, Options{Quiet: true, View: ReportView}, `{"client_id":"a"}`, `{"client_id":"b"}`, `{"client_id":"c","client_secret":"given-secret"}`)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.out != "a\nb\nc\n" {
		t.Errorf("stdout = %q", r.out)
	}
	if strings.Count(r.errOut, "warning:") != 2 || !strings.Contains(r.errOut, "client_secret: generated-secret-b") || strings.Contains(r.errOut, "given-secret") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
}

// Ctrl-C while a request is in flight: its answer is still read, and the
// client it created is printed with its secret.
func TestInterruptCompletesTheRequestInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc map[string]any
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &doc)
		if posts.Add(1) == 2 {
			// Ctrl-C after the request reached the server, before its
			// answer.
			cancel()
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"client_id":%q,"client_secret":"secret-%d"}`, doc["client_id"], posts.Load())
	}))
	defer srv.Close()
	r := runAgainst(t, ctx, srv.URL, Options{Array: true}, `{"client_id":"one"}`, `{"client_id":"two"}`, `{"client_id":"three"}`)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("error %v, want the interruption", r.err)
	}
	if !strings.Contains(r.out, "client_id: two\nclient_secret: secret-2") || strings.Contains(r.out, "three") {
		t.Errorf("stdout:\n%s", r.out)
	}
	if posts.Load() != 2 || !strings.Contains(r.errOut, "interrupted: 2 of 3 clients created, 1 not attempted") {
		t.Errorf("%d requests; stderr:\n%s", posts.Load(), r.errOut)
	}
}

// Ctrl-C while a request gets no answer: after finishGrace, its client is
// named on stderr, by the ID it was being created with, even when the
// document had none.
func TestInterruptNamesARequestWithoutAnswer(t *testing.T) {
	defer func(g time.Duration) { finishGrace = g }(finishGrace)
	finishGrace = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sentID atomic.Value
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc map[string]any
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &doc)
		sentID.Store(doc["client_id"])
		cancel()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	r := runAgainst(t, ctx, srv.URL, Options{}, `{"client_name":"no id"}`)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("error %v, want the interruption", r.err)
	}
	id, _ := sentID.Load().(string)
	if id == "" || !strings.Contains(r.errOut, fmt.Sprintf("interrupted while creating client %q", id)) || !strings.Contains(r.errOut, "hydra client get "+id) {
		t.Errorf("sent ID %q; stderr:\n%s", id, r.errOut)
	}
	if r.out != "" {
		t.Errorf("stdout = %q", r.out)
	}
}

// A refused client is reported with its place; the others are created.
func TestFailuresAreReportedAndTheRestCreated(t *testing.T) {
	srv := clienttest.New(t, map[string]any{"client_id": "taken"})
	r := runAgainst(t, context.Background(), srv.URL, Options{Array: true, Quiet: true}, `{"client_id":"taken"}`, `{"client_id":"new","client_secret":"123456"}`)
	if cmdutil.ExitCodeOf(r.err) != 1 || r.out != "new\n" {
		t.Fatalf("error %v, stdout %q", r.err, r.out)
	}
	for _, want := range []string{`f.json[0]: a client with ID "taken" already exists`, "Change the client_id in f.json[0]", "1 of 2 clients could not be created"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
}

// Ctrl-C during the last request, which is answered: every client was
// created and printed, so the command succeeded.
func TestInterruptDuringTheLastRequestIsASuccess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"client_id":"only","client_secret":"s-only"}`)
	}))
	defer srv.Close()
	r := runAgainst(t, ctx, srv.URL, Options{}, `{"client_id":"only"}`)
	if r.err != nil || r.out != "client_id: only\nclient_secret: s-only\n" {
		t.Errorf("error %v, stdout %q, stderr %q", r.err, r.out, r.errOut)
	}
}

// TestV1Lines: Hydra v1's lines for a created client (clients create) and
// an imported one (clients import), with the secret only when the server
// generated it.
func TestV1Lines(t *testing.T) {
	withSecret := &api.OAuth2Client{ClientID: "c1", ClientSecret: "s3cret"}
	noSecret := &api.OAuth2Client{ClientID: "c2"}
	given := Item{Doc: shared.Doc{"client_secret": json.RawMessage(`"s3cret"`)}, Where: "a.json"}
	none := Item{Doc: shared.Doc{}, Where: "b.json"}
	for _, tc := range []struct {
		name string
		c    *api.OAuth2Client
		cr   created
		it   Item
		view View
		want string
	}{
		{"create, generated", withSecret, created{generated: true}, none, YAMLView, "OAuth 2.0 Client ID: c1\nOAuth 2.0 Client Secret: s3cret\n"},
		{"create, given", withSecret, created{}, given, YAMLView, "OAuth 2.0 Client ID: c1\n"},
		{"create, none", noSecret, created{}, none, YAMLView, "OAuth 2.0 Client ID: c2\nThis OAuth 2.0 Client has no secret\n"},
		{"import, generated", withSecret, created{generated: true}, none, ReportView, "Imported OAuth 2.0 Client c1:s3cret from: b.json\n"},
		{"import, given", withSecret, created{}, given, ReportView, "Imported OAuth 2.0 Client c1 from: a.json\n"},
		{"import, public", noSecret, created{}, none, ReportView, "Imported OAuth 2.0 Client c2: from: b.json\n"},
	} {
		if got := v1Lines(tc.c, tc.cr, tc.it, tc.view); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
