package cachewire

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// Finish only warns: the token's output path already kept a refresh token
// that the cache could not (Kept is false), on stdout or on stderr, so a
// second copy on stdout would break the output, and an exit 1 would say
// that no token was obtained (issue 22, the cache that cannot store).
func TestFinishWarnsOnce(t *testing.T) {
	saveErr := errors.New("token cache: writing the OS keyring failed: no keyring")
	withRT, _ := tokencache.ParseResponse([]byte(`{"access_token":"at","refresh_token":"rt-new","expires_in":60}`), time.Now())
	noRT, _ := tokencache.ParseResponse([]byte(`{"access_token":"at","expires_in":60}`), time.Now())
	for _, tok := range []*tokencache.Token{withRT, noRT} {
		for _, f := range []string{"", "jsonpath=access_token", "json"} {
			ios, _, stdout, stderr := iostreams.Test()
			format, _ := printer.ParseFormat(f)
			r := &Result{Token: tok, saveErr: saveErr, cached: true}
			if r.Kept() {
				t.Fatal("a token the cache could not store is kept")
			}
			if err := r.Finish(ios, format); err != nil {
				t.Errorf("%q: err = %v", f, err)
			}
			if stdout.Len() != 0 {
				t.Errorf("%q: stdout %q", f, stdout)
			}
			if n := strings.Count(stderr.String(), "The token was not cached."); n != 1 {
				t.Errorf("%q: stderr %q", f, stderr)
			}
		}
	}
	ios, _, stdout, stderr := iostreams.Test()
	if err := (&Result{Token: withRT, cached: true}).Finish(ios, printer.Format{}); err != nil || stdout.Len()+stderr.Len() != 0 {
		t.Fatalf("a stored token: %v %q %q", err, stdout, stderr)
	}
}

func TestRefreshRejected(t *testing.T) {
	if !RefreshRejected(&api.Error{Code: "invalid_grant"}) {
		t.Error("invalid_grant is a refusal")
	}
	for _, err := range []error{&api.Error{Code: "invalid_client"}, &api.Error{StatusCode: 503}, errors.New("connection refused")} {
		if RefreshRejected(err) {
			t.Errorf("%v is not a refusal of the refresh token", err)
		}
	}
}

func TestCredential(t *testing.T) {
	if Credential("client_secret_basic", "a", nil) == Credential("client_secret_post", "a", nil) ||
		Credential("client_secret_basic", "a", nil) == Credential("client_secret_basic", "b", nil) {
		t.Error("different credentials give the same Credential")
	}
}
