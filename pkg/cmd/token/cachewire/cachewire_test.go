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

func TestFinishNeverLosesARefreshToken(t *testing.T) {
	saveErr := errors.New("token cache: writing the OS keyring failed: no keyring")
	withRT, _ := tokencache.ParseResponse([]byte(`{"access_token":"at","refresh_token":"rt-new","expires_in":60}`), time.Now())
	noRT, _ := tokencache.ParseResponse([]byte(`{"access_token":"at","expires_in":60}`), time.Now())
	for _, tc := range []struct {
		name       string
		tok        *tokencache.Token
		format     string
		wantErr    bool
		wantStdout string
	}{
		{"refresh token not shown: the response goes to stdout", withRT, "", true, `{"access_token":"at","refresh_token":"rt-new","expires_in":60}` + "\n"},
		{"jsonpath does not show it either", withRT, "jsonpath=access_token", true, `"rt-new"`},
		{"json showed it", withRT, "json", false, ""},
		{"nothing to lose", noRT, "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, stdout, stderr := iostreams.Test()
			format, _ := printer.ParseFormat(tc.format)
			err := (&Result{Token: tc.tok, saveErr: saveErr}).Finish(ios, format)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout %q, want %q", stdout, tc.wantStdout)
			}
			if tc.wantErr && !strings.Contains(err.Error(), "keep its refresh_token") {
				t.Errorf("err = %v", err)
			}
			if !tc.wantErr && !strings.Contains(stderr.String(), "The token was not cached.") {
				t.Errorf("stderr %q", stderr)
			}
		})
	}
	ios, _, stdout, stderr := iostreams.Test()
	if err := (&Result{Token: withRT}).Finish(ios, printer.Format{}); err != nil || stdout.Len()+stderr.Len() != 0 {
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
