package revoke

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdRevoke(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdRevoke, []cmdtest.ArgvCase[Options]{
		{Argv: "--subject s --client c", Check: func(t *testing.T, o *Options) {
			if o.Subject != "s" || o.ClientID != "c" || o.All {
				t.Errorf("%+v", o)
			}
		}},
		// --client-id, as in the other commands; --client (above) is its
		// former spelling.
		{Argv: "--subject s --client-id c", Check: func(t *testing.T, o *Options) {
			if o.Subject != "s" || o.ClientID != "c" || o.All {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--subject s --all", Check: func(t *testing.T, o *Options) {
			if !o.All || o.ClientID != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--subject s", WantErr: "--all"},
		{Argv: "--client c", WantErr: "--subject is required"},
		{Argv: "--subject s --client c --all", WantErr: "give only one of"},
		{Argv: "--subject s --client= ", WantErr: "--client-id is empty"},
		{Argv: "--subject s --client-id c --all", WantErr: "give only one of"},
		{Argv: "--subject s --all extra", WantErr: "takes no arguments"},
		{Argv: "--subject s --consent-request-id r1", Check: func(t *testing.T, o *Options) {
			if o.ConsentRequestID != "r1" || o.All || o.ClientID != "" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--subject s --consent-request-id r1 --all", WantErr: "give only one of"},
		{Argv: "--subject s --consent-request-id r1 --client-id c", WantErr: "give only one of"},
		{Argv: "--subject s --consent-request-id=", WantErr: "--consent-request-id is empty"},
		{Argv: "--consent-request-id r1", WantErr: "--subject is required"},
	})
}

// consentServer serves the consent sessions of one subject, and deletes
// them unless keep is set.
type consentServer struct {
	mu       sync.Mutex
	sessions []map[string]any
	keep     bool
	deletes  []string
	// version is what GET /version names; "" answers 404.
	version string
}

func (s *consentServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/version" && s.version != "" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"version": s.version})
		return
	}
	if r.URL.Path != api.ConsentSessionsPath {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.sessions)
	case http.MethodDelete:
		s.deletes = append(s.deletes, r.URL.RawQuery)
		if id := r.URL.Query().Get("consent_request_id"); id != "" && !s.keep {
			// Hydra v26: that one session, whether or not it exists.
			var rest []map[string]any
			for _, x := range s.sessions {
				if x["consent_request_id"] != id {
					rest = append(rest, x)
				}
			}
			s.sessions = rest
		} else if !s.keep {
			var rest []map[string]any
			for _, x := range s.sessions {
				id := x["consent_request"].(map[string]any)["client"].(map[string]any)["client_id"]
				if r.URL.Query().Get("all") != "true" && id != r.URL.Query().Get("client") {
					rest = append(rest, x)
				}
			}
			s.sessions = rest
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func session(client string) map[string]any {
	return map[string]any{"grant_scope": []string{"openid"}, "remember": true, "remember_for": 0, "handled_at": "2026-01-02T03:04:05Z",
		"consent_request": map[string]any{"subject": "s", "client": map[string]any{"client_id": client}}}
}

func TestRevokeRun(t *testing.T) {
	run := func(s *consentServer, args ...string) (string, string, error) {
		srv := httptest.NewServer(s)
		defer srv.Close()
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdRevoke(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Timeout: 5e9}
			return revokeRun(ctx, o)
		}), args...)
		return out.String(), errOut.String(), err
	}

	s := &consentServer{sessions: []map[string]any{session("a"), session("a"), session("b")}}
	out, errOut, err := run(s, "--subject", "s", "--client", "a")
	if err != nil || out != "" || !strings.Contains(errOut, "Revoked 2 consent sessions of subject s for client a") {
		t.Fatalf("%v %q %q", err, out, errOut)
	}
	if len(s.deletes) != 1 || s.deletes[0] != "client=a&subject=s" {
		t.Errorf("deletes: %v", s.deletes)
	}

	s = &consentServer{sessions: []map[string]any{session("a")}}
	_, errOut, err = run(s, "--subject", "s", "--all")
	if err != nil || !strings.Contains(errOut, "Revoked 1 consent sessions of subject s,") || s.deletes[0] != "all=true&subject=s" {
		t.Fatalf("--all: %v %q %v", err, errOut, s.deletes)
	}

	s = &consentServer{}
	_, errOut, err = run(s, "--subject", "s", "--client", "a")
	if err != nil || strings.Contains(errOut, "Revoked") || !strings.Contains(errOut, "listed no consent session") || len(s.deletes) != 1 {
		t.Fatalf("nothing to revoke is said, and the DELETE still sent: %v %q %v", err, errOut, s.deletes)
	}

	s = &consentServer{sessions: []map[string]any{session("a")}, keep: true}
	_, _, err = run(s, "--subject", "s", "--client", "a")
	if err == nil || !strings.Contains(err.Error(), "still lists 1") {
		t.Fatalf("a 204 that revoked nothing is not a success: %v", err)
	}
}

func sessionWithID(client, id string) map[string]any {
	m := session(client)
	m["consent_request_id"] = id
	return m
}

// --consent-request-id revokes one session (Hydra v25.4 and later), checked
// by listing; it refuses older servers, and an ID the subject's list lacks,
// before sending anything.
func TestRevokeOne(t *testing.T) {
	run := func(s *consentServer, args ...string) (string, string, error) {
		srv := httptest.NewServer(s)
		defer srv.Close()
		f, _, out, errOut := cmdtest.Factory(nil)
		err := cmdtest.Run(NewCmdRevoke(f, func(ctx context.Context, o *Options) error {
			o.Admin.Conn = cmdutil.Connection{Kind: api.Admin, Endpoint: srv.URL, Timeout: 5e9}
			return revokeRun(ctx, o)
		}), args...)
		return out.String(), errOut.String(), err
	}
	s := &consentServer{version: "v26.2.0", sessions: []map[string]any{sessionWithID("a", "r1"), sessionWithID("a", "r2")}}
	out, errOut, err := run(s, "--subject", "s", "--consent-request-id", "r1")
	if err != nil || out != "" || !strings.Contains(errOut, "Revoked consent session r1 of subject s for client a") {
		t.Fatalf("%v %q %q", err, out, errOut)
	}
	if len(s.deletes) != 1 || s.deletes[0] != "consent_request_id=r1" || len(s.sessions) != 1 {
		t.Errorf("deletes %v, left %v", s.deletes, s.sessions)
	}

	// An ID the subject's list lacks: nothing is sent.
	s = &consentServer{version: "v26.2.0", sessions: []map[string]any{sessionWithID("a", "r2")}}
	if _, _, err := run(s, "--subject", "s", "--consent-request-id", "r1"); err == nil || !strings.Contains(err.Error(), "nothing was revoked") || len(s.deletes) != 0 {
		t.Fatalf("unknown ID: %v, deletes %v", err, s.deletes)
	}

	// A 204 that revoked nothing is not a success.
	s = &consentServer{version: "v26.2.0", sessions: []map[string]any{sessionWithID("a", "r1")}, keep: true}
	if _, _, err := run(s, "--subject", "s", "--consent-request-id", "r1"); err == nil || !strings.Contains(err.Error(), "still lists the consent session r1") {
		t.Fatalf("kept: %v", err)
	}

	// Hydra v2.3.0 does not serve it: refused before any DELETE.
	s = &consentServer{version: "v2.3.0", sessions: []map[string]any{sessionWithID("a", "r1")}}
	if _, _, err := run(s, "--subject", "s", "--consent-request-id", "r1"); err == nil || !strings.Contains(err.Error(), "needs Hydra v25.4 or later") ||
		!strings.Contains(err.Error(), "Hydra v2.3.0") || len(s.deletes) != 0 {
		t.Fatalf("v2.3.0: %v, deletes %v", err, s.deletes)
	}
	// A build from source names no release; its list names no IDs.
	s = &consentServer{version: "master", sessions: []map[string]any{session("a")}}
	if _, _, err := run(s, "--subject", "s", "--consent-request-id", "r1"); err == nil || !strings.Contains(err.Error(), "needs Hydra v25.4 or later") || len(s.deletes) != 0 {
		t.Fatalf("from source: %v, deletes %v", err, s.deletes)
	}
}
