package device

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdDevice(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdDevice, []cmdtest.ArgvCase[Options]{
		{Argv: "--client-id c", Check: func(t *testing.T, o *Options) {
			if strings.Join(o.Scopes, ",") != "offline,openid" || o.Timeout != 0 || o.Conn.Timeout != cmdutil.DefaultTimeout || o.Headless || o.DeviceAuthURL != "" {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{Argv: "--client-id c --scope openid --audience a,b --timeout 2m --device-auth-url http://h:4444/oauth2/device/auth --token-url http://h:4444/oauth2/token --no-open --format json", Check: func(t *testing.T, o *Options) {
			if strings.Join(o.Scopes, " ") != "openid" || strings.Join(o.Audience, " ") != "a b" || o.Timeout != 2*time.Minute || !o.NoOpen || o.Format.Name != "json" || o.Credentials.TokenURL == "" {
				t.Errorf("options: %+v", o)
			}
		}},
		{Argv: "--client-id c --headless --subject alice --admin-endpoint http://127.0.0.1:4445", Check: func(t *testing.T, o *Options) {
			if !o.Headless || o.Subject != "alice" || o.Admin.Endpoint == "" {
				t.Errorf("options: %+v", o)
			}
		}},
		{Argv: "--client-id c --headless", WantErr: "--headless needs --subject"},
		{Argv: "--client-id c --subject alice", WantErr: "apply only with --headless"},
		{Argv: "--client-id c --timeout -1s", WantErr: "--timeout must be positive"},
		{Argv: "--client-id c --device-auth-url ftp://x", WantErr: "--device-auth-url"},
	})
}

// stub is a Hydra-shaped server for the device grant: discovery, the
// device authorization endpoint, and a token endpoint that answers the
// polls from a script.
type stub struct {
	*httptest.Server
	mu         sync.Mutex
	deviceForm url.Values
	deviceAuth string
	polls      int
	script     []string // the error code of each poll; "" issues tokens
	noDevice   bool
}

func newStub(t *testing.T, script ...string) *stub {
	s := &stub{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			doc := map[string]any{"issuer": s.URL, "authorization_endpoint": s.URL + "/oauth2/auth", "token_endpoint": s.URL + "/oauth2/token", "jwks_uri": s.URL + "/.well-known/jwks.json"}
			if !s.noDevice {
				doc["device_authorization_endpoint"] = s.URL + "/oauth2/device/auth"
			}
			json.NewEncoder(w).Encode(doc)
		case "/oauth2/device/auth":
			s.deviceForm, s.deviceAuth = form, r.Header.Get("Authorization")
			fmt.Fprintf(w, `{"device_code":"dc-1","user_code":"WXYZ-1234","verification_uri":%q,"verification_uri_complete":%q,"expires_in":600,"interval":2}`,
				s.URL+"/oauth2/device/verify", s.URL+"/oauth2/device/verify?user_code=WXYZ-1234")
		case "/oauth2/token":
			if form.Get("grant_type") != shared.GrantDeviceCode || form.Get("device_code") != "dc-1" {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"invalid_request"}`)
				return
			}
			code := ""
			if s.polls < len(s.script) {
				code = s.script[s.polls]
			}
			s.polls++
			if code != "" {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"error":%q,"error_description":"from the script"}`, code)
				return
			}
			io.WriteString(w, `{"access_token":"at-device","refresh_token":"rt-device","expires_in":3600,"scope":"offline","token_type":"bearer"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// runDevice runs the command against s; waits records every wait between
// polls, which take no time.
func runDevice(t *testing.T, s *stub, args ...string) (stdout, stderr string, waits []time.Duration, err error) {
	t.Helper()
	return runDeviceStyled(t, s, printer.Style{}, args...)
}

// runDeviceStyled is runDevice under another spelling's output.
func runDeviceStyled(t *testing.T, s *stub, style printer.Style, args ...string) (stdout, stderr string, waits []time.Duration, err error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(map[string]string{"HYDRA_URL": s.URL})
	cmd := NewCmdDeviceStyled(f, func(ctx context.Context, o *Options) error {
		o.Wait = func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		}
		return deviceRun(ctx, o)
	}, style)
	err = cmdtest.Run(cmd, args...)
	return out.String(), errOut.String(), waits, err
}

func TestDeviceRunPollsAndSlowsDown(t *testing.T) {
	s := newStub(t, "authorization_pending", "slow_down", "authorization_pending")
	stdout, stderr, waits, err := runDevice(t, s, "--client-id", "my-cli", "--client-secret", "s3cret", "-q", "--scope", "offline")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, stderr)
	}
	// The server's interval (2 s), then 5 s more from the slow_down on.
	want := []time.Duration{2 * time.Second, 2 * time.Second, 7 * time.Second, 7 * time.Second}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
	if s.polls != 4 {
		t.Errorf("%d polls, want 4", s.polls)
	}
	if !strings.Contains(stdout, "ACCESS TOKEN") || !strings.Contains(stdout, "at-device") || !strings.Contains(stdout, "rt-device") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, want := range []string{s.URL + "/oauth2/device/verify\n", "WXYZ-1234", s.URL + "/oauth2/device/verify?user_code=WXYZ-1234"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout, "WXYZ") || strings.Contains(stderr, "at-device") || strings.Contains(stderr, "s3cret") {
		t.Errorf("stdout carries the code or stderr a token or the secret:\n%s\n%s", stdout, stderr)
	}
	// client_secret_basic: the client authenticates in the header, and its
	// ID is in the form as well, as Hydra's device endpoint requires.
	if s.deviceForm.Get("client_id") != "my-cli" || !strings.HasPrefix(s.deviceAuth, "Basic ") || s.deviceForm.Get("client_secret") != "" || s.deviceForm.Get("scope") != "offline" {
		t.Errorf("device authorization request: form %v, Authorization %q", s.deviceForm, s.deviceAuth)
	}
}

func TestDeviceRunStops(t *testing.T) {
	for _, tt := range []struct {
		code string
		want []string
		is   error
	}{
		{"access_denied", []string{"the sign-in was refused", "access_denied", "run the command again"}, shared.ErrDeviceDenied},
		{"expired_token", []string{"the device code expired", "expired_token", "run the command again"}, shared.ErrDeviceExpired},
	} {
		t.Run(tt.code, func(t *testing.T) {
			s := newStub(t, "authorization_pending", tt.code)
			stdout, stderr, _, err := runDevice(t, s, "--client-id", "my-cli", "--scope", "offline")
			if err == nil || !errors.Is(err, tt.is) || cmdutil.ExitCodeOf(err) != 1 {
				t.Fatalf("err = %v, want exit 1 for %s", err, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if s.polls != 2 || stdout != "" {
				t.Errorf("%d polls, stdout %q; stderr:\n%s", s.polls, stdout, stderr)
			}
		})
	}
}

func TestDeviceRunPublicClientSendsItsID(t *testing.T) {
	s := newStub(t)
	_, stderr, _, err := runDevice(t, s, "--client-id", "pub", "--scope", "offline", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if s.deviceForm.Get("client_id") != "pub" || s.deviceAuth != "" {
		t.Errorf("form %v, Authorization %q", s.deviceForm, s.deviceAuth)
	}
}

func TestDeviceRunRefusesAServerWithoutTheGrant(t *testing.T) {
	s := newStub(t)
	s.noDevice = true
	_, _, _, err := runDevice(t, s, "--client-id", "c", "--scope", "offline")
	if !errors.Is(err, shared.ErrNoDeviceGrant) || !strings.Contains(err.Error(), "v25.4.0") || !strings.Contains(err.Error(), "lists no device_authorization_endpoint") {
		t.Errorf("err = %v", err)
	}
	// And a 404 at the endpoint itself.
	_, _, _, err = runDevice(t, s, "--client-id", "c", "--scope", "offline", "--device-auth-url", s.URL+"/nothing")
	if !errors.Is(err, shared.ErrNoDeviceGrant) || !strings.Contains(err.Error(), "404") {
		t.Errorf("err = %v", err)
	}
}

func TestDeviceRunCtrlC(t *testing.T) {
	s := newStub(t, "authorization_pending")
	f, _, _, _ := cmdtest.Factory(map[string]string{"HYDRA_URL": s.URL})
	ctx, cancel := context.WithCancel(context.Background())
	cmd := NewCmdDevice(f, func(_ context.Context, o *Options) error {
		o.Wait = func(c context.Context, d time.Duration) error {
			cancel() // Ctrl-C during the first wait
			return shared.SleepCtx(c, time.Hour)
		}
		return deviceRun(ctx, o)
	})
	done := make(chan error, 1)
	go func() { done <- cmdtest.Run(cmd, "--client-id", "c", "--scope", "offline") }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want the cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Ctrl-C did not stop the wait")
	}
}

// hydraV26 is the Style that perform device-code passes (pkg/cmd/root's
// aliases.go): Hydra v26.2.0's CLI's output.
var hydraV26 = printer.Style{Expiry: true, HydraTable: true, HydraPaths: true, HydraDefaults: true}

// TestDeviceOutputUnderEachSpelling: token device prints the tool's
// output; perform device-code prints as Hydra v26.2.0's CLI prints Go's
// oauth2.Token (test/parity compares it with that CLI's, byte for byte).
func TestDeviceOutputUnderEachSpelling(t *testing.T) {
	for _, tt := range []struct {
		name  string
		style printer.Style
		args  []string
		want  func(t *testing.T, stdout string)
	}{
		{"token device", printer.Style{}, nil, func(t *testing.T, stdout string) {
			if strings.Contains(stdout, "\t") || !strings.Contains(stdout, "at-device") || !strings.Contains(stdout, "rt-device") {
				t.Errorf("want the readable block, got:\n%s", stdout)
			}
		}},
		{"token device --format json", printer.Style{}, []string{"--format", "json"}, func(t *testing.T, stdout string) {
			if strings.Contains(stdout, `"expiry"`) || !strings.Contains(stdout, `"expires_in":3600`) {
				t.Errorf("want the server's response as it is, got:\n%s", stdout)
			}
		}},
		{"perform device-code", hydraV26, nil, func(t *testing.T, stdout string) {
			// Tab-padded, as Hydra's (cmdx's) tabwriter pads it.
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "ACCESS TOKEN\tat-device\t") || !strings.HasPrefix(lines[1], "REFRESH TOKEN\trt-device\t") ||
				!strings.HasPrefix(lines[2], "ID TOKEN\t<empty>\t") || !strings.HasPrefix(lines[3], "EXPIRY\t\t") {
				t.Errorf("want Hydra's table, got:\n%q", stdout)
			}
		}},
		{"perform device-code --format table", hydraV26, []string{"--format", "table"}, func(t *testing.T, stdout string) {
			if !strings.HasPrefix(stdout, "ACCESS TOKEN\tat-device\t") {
				t.Errorf("want Hydra's table, got:\n%q", stdout)
			}
		}},
		{"perform device-code -q", hydraV26, []string{"-q"}, func(t *testing.T, stdout string) {
			if stdout != "at-device\n" {
				t.Errorf("want the access token alone, got %q", stdout)
			}
		}},
		{"perform device-code --format json", hydraV26, []string{"--format", "json"}, func(t *testing.T, stdout string) {
			var v map[string]any
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			expiry, _ := v["expiry"].(string)
			if _, err := time.Parse(time.RFC3339, expiry); err != nil || v["access_token"] != "at-device" || v["refresh_token"] != "rt-device" {
				t.Errorf("want the response with expiry, got:\n%s", stdout)
			}
		}},
		{"perform device-code --format jsonpath=access_token", hydraV26, []string{"--format", "jsonpath=access_token"}, func(t *testing.T, stdout string) {
			if stdout != "\"at-device\"\n" {
				t.Errorf("want the value JSON-encoded, as Hydra's CLI prints it, got %q", stdout)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newStub(t)
			stdout, stderr, _, err := runDeviceStyled(t, s, tt.style, append([]string{"--client-id", "pub", "--scope", "offline"}, tt.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			tt.want(t, stdout)
		})
	}
}

// TestDevicePerformSpellingSendsTheSecretInTheForm: Hydra v26's CLI sends
// a secret in the form (client_secret_post), and its clients must use none
// or that method; token device keeps client_secret_basic.
func TestDevicePerformSpellingSendsTheSecretInTheForm(t *testing.T) {
	for _, tt := range []struct {
		name      string
		style     printer.Style
		args      []string
		wantBasic bool
	}{
		{"perform device-code", hydraV26, nil, false},
		{"perform device-code --auth-method client_secret_basic", hydraV26, []string{"--auth-method", "client_secret_basic"}, true},
		{"token device", printer.Style{}, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newStub(t)
			_, stderr, _, err := runDeviceStyled(t, s, tt.style, append([]string{"--client-id", "conf", "--client-secret", "s3cret", "--scope", "offline"}, tt.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			basic := strings.HasPrefix(s.deviceAuth, "Basic ")
			if basic != tt.wantBasic || (s.deviceForm.Get("client_secret") == "s3cret") == tt.wantBasic || s.deviceForm.Get("client_id") != "conf" {
				t.Errorf("form %v, Authorization %q; want client_secret_basic: %v", s.deviceForm, s.deviceAuth, tt.wantBasic)
			}
		})
	}
}
