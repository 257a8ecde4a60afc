package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
)

func TestBatchStop(t *testing.T) {
	hydra := func(status int, code string) error {
		return &api.Error{Method: "DELETE", URL: "http://h/admin/clients/x", StatusCode: status, Code: code, Description: "d"}
	}
	tests := []struct {
		name string
		errs []error
		want []bool
	}{
		{"connection refused stops at once", []error{&api.ConnError{Method: "GET", URL: "u", Err: errors.New("refused")}}, []bool{true}},
		{"5xx stops at once", []error{hydra(503, "")}, []bool{true}},
		{"401 stops at once", []error{hydra(401, "unauthorized")}, []bool{true}},
		{"a text 404 is the wrong API", []error{&api.Error{StatusCode: 404, Excerpt: "404 page not found"}}, []bool{true}},
		{"Hydra's 404s are per client", []error{hydra(404, "not_found"), hydra(404, "not_found"), hydra(404, "not_found"), hydra(404, "not_found")}, []bool{false, false, false, false}},
		{"Hydra's 409s are per client", []error{hydra(409, "conflict"), hydra(409, "conflict"), hydra(409, "conflict")}, []bool{false, false, false}},
		{"the same 400 three times in a row", []error{hydra(400, "invalid_request"), hydra(400, "invalid_request"), hydra(400, "invalid_request")}, []bool{false, false, true}},
		{"different 400s go on", []error{hydra(400, "a"), hydra(400, "b"), hydra(400, "a"), hydra(400, "b")}, []bool{false, false, false, false}},
		{"a local error is per client", []error{errors.New("bad"), errors.New("worse")}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Batch
			for i, err := range tt.errs {
				if got := b.Stop(err); got != tt.want[i] {
					t.Errorf("failure %d: Stop = %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestDeleteEach(t *testing.T) {
	missing := &api.Error{Method: "DELETE", URL: "http://h/admin/x/missing", StatusCode: 404, Code: "not_found", Description: "d"}
	down := &api.ConnError{Method: "DELETE", URL: "http://h/admin/x", Err: errors.New("connection refused")}
	explain := func(id string, err error) error { return fmt.Errorf("no thing %q: %w", id, err) }
	line := func(id string, err error) string { return "error: " + explain(id, err).Error() + "\n" }
	tests := []struct {
		name     string
		items    []string
		fail     map[string]error
		shown    func(string) string
		wantSent []string
		wantOut  string
		wantErr  string
		wantRes  error
	}{
		{
			name:     "every item deleted",
			items:    []string{"a", "b"},
			wantSent: []string{"a", "b"},
			wantOut:  "a\nb\n",
		},
		{
			name:     "a failure does not stop the others",
			items:    []string{"a", "missing", "c"},
			fail:     map[string]error{"missing": missing},
			wantSent: []string{"a", "missing", "c"},
			wantOut:  "a\nc\n",
			wantErr:  line("missing", missing) + "1 of 3 things could not be deleted\n",
			wantRes:  ErrSilent,
		},
		{
			name:     "one item's error is the command's",
			items:    []string{"missing"},
			fail:     map[string]error{"missing": missing},
			wantSent: []string{"missing"},
			wantRes:  explain("missing", missing),
		},
		{
			name:     "the server's failure stops the batch",
			items:    []string{"a", "b", "c", "d"},
			fail:     map[string]error{"b": down},
			wantSent: []string{"a", "b"},
			wantOut:  "a\n",
			wantErr:  line("b", down) + "stopped: 3 of 4 things were not deleted, 2 of them not attempted\n",
			wantRes:  ErrSilent,
		},
		{
			name:     "the last item's failure is counted, not stopped",
			items:    []string{"a", "b"},
			fail:     map[string]error{"b": down},
			wantSent: []string{"a", "b"},
			wantOut:  "a\n",
			wantErr:  line("b", down) + "1 of 2 things could not be deleted\n",
			wantRes:  ErrSilent,
		},
		{
			name:     "what stdout names",
			items:    []string{"set"},
			shown:    func(string) string { return "kid" },
			wantSent: []string{"set"},
			wantOut:  "kid\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			var sent []string
			err := DeleteEach(context.Background(), ios, tt.items, Deletion{
				Noun: "things",
				Delete: func(_ context.Context, id string) error {
					sent = append(sent, id)
					return tt.fail[id]
				},
				Explain: explain,
				Shown:   tt.shown,
			})
			if err != tt.wantRes && (err == nil || tt.wantRes == nil || err.Error() != tt.wantRes.Error()) {
				t.Errorf("result %v, want %v", err, tt.wantRes)
			}
			if !slices.Equal(sent, tt.wantSent) {
				t.Errorf("sent %v, want %v", sent, tt.wantSent)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", out.String(), tt.wantOut)
			}
			if errOut.String() != tt.wantErr {
				t.Errorf("stderr %q, want %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

// Ctrl-C during a request ends the loop with the context's error: no
// error line for the request cut off, and one line that counts what was
// deleted and what was not attempted.
func TestDeleteEachInterrupted(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	ctx, cancel := context.WithCancel(context.Background())
	var sent []string
	err := DeleteEach(ctx, ios, []string{"a", "b", "c"}, Deletion{
		Noun: "things",
		Delete: func(ctx context.Context, id string) error {
			sent = append(sent, id)
			if id == "b" {
				cancel()
				return ctx.Err()
			}
			return nil
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("result %v, want context.Canceled", err)
	}
	if out.String() != "a\n" || errOut.String() != "interrupted: 1 of 3 things deleted, 1 not attempted\n" || len(sent) != 2 {
		t.Errorf("stdout %q, stderr %q, sent %v", out.String(), errOut.String(), sent)
	}
}
