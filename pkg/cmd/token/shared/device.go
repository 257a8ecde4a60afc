package shared

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
)

// DeviceGrantVersion is the first Hydra release with the device
// authorization grant (RFC 8628), named when a server lacks it.
const DeviceGrantVersion = "v25.4.0"

// DeviceAuthPath is Hydra's device authorization endpoint.
const DeviceAuthPath = "/oauth2/device/auth"

// ErrNoDeviceGrant says that the server has no device authorization
// endpoint.
var ErrNoDeviceGrant = errors.New("the server has no device authorization grant")

// NoDeviceGrant is the error for a server without the device
// authorization grant: where that showed, and which Hydra has it.
func NoDeviceGrant(where string) error {
	return fmt.Errorf("%w: %s\nThe device authorization grant (RFC 8628) needs Hydra %s or later, with urls.device.verification set; this server is older, or has it off", ErrNoDeviceGrant, where, DeviceGrantVersion)
}

// DeviceAuth sends the device authorization request (RFC 8628 §3.1) to
// deviceAuthURL and returns the server's answer. The client authenticates
// as it does at the token endpoint, and client_id is always in the form as
// well: Hydra's device endpoint authenticates the client like its token
// endpoint does, and then requires client_id in the body to match. The
// request is sent once (a device code is minted with each); only
// MethodRule's retry as a public client sends it again, as Hydra refused
// the first before minting anything.
func (s *Session) DeviceAuth(ctx context.Context, deviceAuthURL *url.URL, scopes, audiences []string) (*oauth2.DeviceAuthResponse, error) {
	// The advice of a refusal (Session.advice) is the device grant's.
	s.grant = GrantDeviceCode
	da, err := s.deviceAuth(ctx, deviceAuthURL, scopes, audiences)
	if s.retryAsPublic(err) {
		da, err = s.deviceAuth(ctx, deviceAuthURL, scopes, audiences)
	}
	if err != nil {
		var e *api.Error
		if errors.As(err, &e) && (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusMethodNotAllowed) && e.Code == "" {
			return nil, NoDeviceGrant(fmt.Sprintf("POST %s answered %s", api.StripQuery(deviceAuthURL), e.Status))
		}
		return nil, err
	}
	return da, nil
}

func (s *Session) deviceAuth(ctx context.Context, deviceAuthURL *url.URL, scopes, audiences []string) (*oauth2.DeviceAuthResponse, error) {
	form := url.Values{}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	if len(audiences) > 0 {
		form.Set("audience", strings.Join(audiences, " "))
	}
	header := http.Header{}
	if err := s.revocationAuth().Authenticate(form, header); err != nil {
		return nil, err
	}
	form.Set("client_id", s.Auth.ClientID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, deviceAuthURL.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("building request for %s: %w", api.StripQuery(deviceAuthURL), err)
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.API.Send(req)
	if err != nil {
		return nil, err
	}
	var da oauth2.DeviceAuthResponse
	if err := json.Unmarshal(resp.Body, &da); err != nil {
		return nil, api.BadBodyError(resp, http.MethodPost, deviceAuthURL, err)
	}
	// RFC 8628 §3.2: these are required; without them there is nothing to
	// show the person or to poll with.
	var missing []string
	for _, f := range []struct{ name, v string }{{"device_code", da.DeviceCode}, {"user_code", da.UserCode}, {"verification_uri", da.VerificationURI}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if da.Expiry.IsZero() {
		missing = append(missing, "expires_in")
	}
	if len(missing) > 0 {
		return nil, api.BadBodyError(resp, http.MethodPost, deviceAuthURL, fmt.Errorf("the device authorization response has no %s", strings.Join(missing, ", ")))
	}
	return &da, nil
}

// DefaultDeviceInterval is RFC 8628 §3.2's polling interval when the
// server names none.
const DefaultDeviceInterval = 5 * time.Second

// slowDownStep is what RFC 8628 §3.5 adds to the interval on slow_down.
const slowDownStep = 5 * time.Second

// maxPolls bounds the polling loop beyond the context's deadline.
const maxPolls = 10000

// Wait waits d, or until ctx ends, and then returns ctx's error. Tests
// replace it to poll without sleeping.
type Wait func(ctx context.Context, d time.Duration) error

// SleepCtx is the real Wait: a timer watched beside ctx.Done, so that
// Ctrl-C ends the wait at once.
func SleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrDeviceDenied is the error when the person, or the consent app, refused
// the device's request (access_denied).
var ErrDeviceDenied = errors.New("the sign-in was refused")

// ErrDeviceExpired is the error when the device code expired before anyone
// completed the sign-in (expired_token).
var ErrDeviceExpired = errors.New("the device code expired")

// PollDevice polls the token endpoint for the tokens of da (RFC 8628
// §3.4–3.5): at the server's interval (5 s when it names none), 5 s more
// after each slow_down, until the tokens come, the server answers
// access_denied or expired_token, or ctx ends. wait nil means SleepCtx.
// onPoll, if set, is told of each answer that says to keep waiting.
func (s *Session) PollDevice(ctx context.Context, da *oauth2.DeviceAuthResponse, wait Wait) (*Token, error) {
	if wait == nil {
		wait = SleepCtx
	}
	interval := DefaultDeviceInterval
	if da.Interval > 0 {
		interval = time.Duration(da.Interval) * time.Second
	}
	for range maxPolls {
		if err := wait(ctx, interval); err != nil {
			return nil, err
		}
		tok, err := s.Token(ctx, DeviceCode(da.DeviceCode))
		if err == nil {
			return tok, nil
		}
		var e *api.Error
		if !errors.As(err, &e) {
			return nil, err
		}
		switch e.Code {
		case "authorization_pending":
			continue
		case "slow_down":
			interval += slowDownStep
			continue
		case "access_denied":
			return nil, fmt.Errorf("%w: the person or the consent app denied the request (access_denied, %s): run the command again to retry", ErrDeviceDenied, e.URL)
		case "expired_token":
			return nil, fmt.Errorf("%w before anyone completed the sign-in (expired_token, %s): run the command again, and sign in before the code expires", ErrDeviceExpired, e.URL)
		}
		return nil, err
	}
	return nil, fmt.Errorf("polling %s: no answer after %d polls", api.StripQuery(s.TokenURL), maxPolls)
}
