package user

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdUser(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		env     map[string]string
		want    func(t *testing.T, o *Options)
		wantErr string
	}{
		{
			name: "defaults",
			args: "--client-id app",
			want: func(t *testing.T, o *Options) {
				if strings.Join(o.Scopes, " ") != "openid offline" || o.Port != 4446 || o.Timeout != 5*time.Minute {
					t.Errorf("defaults: scopes %v, port %d, timeout %s", o.Scopes, o.Port, o.Timeout)
				}
				if o.redirect.String() != "http://127.0.0.1:4446/callback" {
					t.Errorf("redirect = %s", o.redirect)
				}
				if o.Conn.Timeout != cmdutil.DefaultTimeout {
					t.Errorf("per-request timeout = %s, want %s", o.Conn.Timeout, cmdutil.DefaultTimeout)
				}
			},
		},
		{
			name: "lists, port and flow timeout",
			args: "--client-id app --scope openid,email --scope offline --audience a,b -p 5555 --timeout 30s --prompt login --max-age 60",
			want: func(t *testing.T, o *Options) {
				if strings.Join(o.Scopes, " ") != "openid email offline" || strings.Join(o.Audience, " ") != "a b" {
					t.Errorf("scopes %v, audience %v", o.Scopes, o.Audience)
				}
				if o.redirect.String() != "http://127.0.0.1:5555/callback" || o.Timeout != 30*time.Second || o.Conn.Timeout != 10*time.Second {
					t.Errorf("redirect %s, timeout %s, request timeout %s", o.redirect, o.Timeout, o.Conn.Timeout)
				}
				if o.Prompt != "login" || o.MaxAge != 60 {
					t.Errorf("prompt %q max-age %d", o.Prompt, o.MaxAge)
				}
			},
		},
		{
			name: "a short flow timeout bounds each request too",
			args: "--client-id app --timeout 2s",
			want: func(t *testing.T, o *Options) {
				if o.Conn.Timeout != 2*time.Second {
					t.Errorf("request timeout %s", o.Conn.Timeout)
				}
			},
		},
		{
			name: "redirect gives the port",
			args: "--client-id app --redirect http://localhost:7777/cb",
			want: func(t *testing.T, o *Options) {
				if o.Port != 7777 || o.redirect.Path != "/cb" {
					t.Errorf("port %d path %s", o.Port, o.redirect.Path)
				}
			},
		},
		{
			name: "https",
			args: "--client-id app --https",
			want: func(t *testing.T, o *Options) {
				if o.redirect.String() != "https://127.0.0.1:4446/callback" {
					t.Errorf("redirect = %s", o.redirect)
				}
			},
		},
		{
			name: "headless",
			args: "--client-id app --headless --subject alice --admin-endpoint http://127.0.0.1:4445 --redirect https://app.example.com/cb",
			want: func(t *testing.T, o *Options) {
				if !o.Headless || o.Subject != "alice" || o.Admin.Endpoint != "http://127.0.0.1:4445" || o.redirect.Host != "app.example.com" {
					t.Errorf("%+v", o)
				}
			},
		},
		{
			name: "secret from a file is not read at parse time",
			args: "--client-id app --client-secret-file /nonexistent",
			want: func(t *testing.T, o *Options) {
				if o.Credentials.Secret.File != "/nonexistent" || o.Credentials.Secret.Env != shared.EnvClientSecret {
					t.Errorf("%+v", o.Credentials.Secret)
				}
			},
		},
		{
			name: "client ID from the environment",
			args: "",
			env:  map[string]string{"OAUTH2_CLIENT_ID": "from-env"},
			want: func(t *testing.T, o *Options) {
				if o.Credentials.ClientID != "" {
					t.Errorf("ClientID = %q: the environment is read when the command runs", o.Credentials.ClientID)
				}
			},
		},
		{
			name: "--client-id before the environment",
			args: "--client-id flag",
			env:  map[string]string{"OAUTH2_CLIENT_ID": "from-env"},
			want: func(t *testing.T, o *Options) {
				if o.Credentials.ClientID != "flag" {
					t.Errorf("ClientID = %q", o.Credentials.ClientID)
				}
			},
		},
		{
			name: "--state and --skip, as in Hydra's CLI; the pages' admin API without --headless",
			args: "--client-id app --state fixed-1 --skip --admin-endpoint http://127.0.0.1:4445",
			want: func(t *testing.T, o *Options) {
				if o.State != "fixed-1" || !o.Skip || o.Admin.Endpoint != "http://127.0.0.1:4445" {
					t.Errorf("state %q skip %v admin %q", o.State, o.Skip, o.Admin.Endpoint)
				}
				// The fixed state is sent, with PKCE and a fresh nonce.
				u, _ := url.Parse(o.authURLForTest())
				if q := u.Query(); q.Get("state") != "fixed-1" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
					t.Errorf("authorization URL query: %v", q)
				}
			},
		},
		{name: "--skip with --headless", args: "--client-id a --headless --subject x --skip", wantErr: "--skip applies"},
		{name: "redirect elsewhere", args: "--client-id a --redirect http://example.com:1/cb", wantErr: "127.0.0.1 or localhost"},
		{name: "https redirect without --https", args: "--client-id a --redirect https://127.0.0.1:1/cb", wantErr: "pass --https"},
		{name: "port conflict", args: "--client-id a -p 1 --redirect http://127.0.0.1:2/cb", wantErr: "names port 2"},
		{name: "redirect without port", args: "--client-id a --redirect http://127.0.0.1/cb", wantErr: "no port"},
		{name: "headless without subject", args: "--client-id a --headless", wantErr: "--subject"},
		{name: "subject without headless", args: "--client-id a --subject x", wantErr: "only with --headless"},
		{name: "bad prompt", args: "--client-id a --prompt maybe", wantErr: "--prompt"},
		{name: "prompt none with another", args: "--client-id a --prompt none,login", wantErr: "--prompt none"},
		{name: "max-age below -1", args: "--client-id a --max-age -2", wantErr: "--max-age"},
		{name: "prompt repeated, max-age 0 is sent", args: "--client-id a --prompt login --prompt consent --max-age 0", want: func(t *testing.T, o *Options) {
			if o.Prompt != "login consent" || o.MaxAge != 0 {
				t.Errorf("prompt %q, max-age %d", o.Prompt, o.MaxAge)
			}
			u, _ := url.Parse(o.authURLForTest())
			if q := u.Query(); q.Get("prompt") != "login consent" || q.Get("max_age") != "0" {
				t.Errorf("authorization URL query: %v", q)
			}
		}},
		{name: "prompt comma-separated, max-age unset by default", args: "--client-id a --prompt login,consent", want: func(t *testing.T, o *Options) {
			if o.Prompt != "login consent" || o.MaxAge != -1 {
				t.Errorf("prompt %q, max-age %d", o.Prompt, o.MaxAge)
			}
			u, _ := url.Parse(o.authURLForTest())
			if u.Query().Has("max_age") {
				t.Errorf("max_age sent though unset: %v", u.Query())
			}
		}},
		{name: "bad response mode", args: "--client-id a --response-mode web_message", wantErr: "--response-mode"},
		{name: "zero timeout", args: "--client-id a --timeout 0s", wantErr: "--timeout"},
		{name: "bad format", args: "--client-id a --format xml", wantErr: "unknown format"},
		{name: "arguments", args: "--client-id a extra", wantErr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdUser, tt.env, strings.Fields(tt.args)...)
			if tt.wantErr != "" {
				cmdtest.WantUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, got)
		})
	}
}

func TestNewCmdUserStateMustBePrintable(t *testing.T) {
	for _, state := range []string{"a b", "a\nb", "a\x00"} {
		_, err := cmdtest.Options(NewCmdUser, nil, "--client-id", "a", "--state", state)
		cmdtest.WantUsageError(t, err, "--state must be printable")
	}
}

func TestNewCmdUserWithoutClientID(t *testing.T) {
	_, err := cmdtest.Options(NewCmdUser, nil)
	if err == nil || err.Error() != "no client ID: pass --client-id or set OAUTH2_CLIENT_ID" || cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure {
		t.Errorf("err = %v (exit %d), want the missing-credentials error with exit 1", err, cmdutil.ExitCodeOf(err))
	}
}

// Under Hydra v2's spelling (perform authorization-code), -q wins over
// --format, which is not read, as Hydra v2's CLI does: a value that names
// no format is no usage error there. Under the tool's own, it still is.
func TestNewCmdUserQuietWinsUnderHydraV2(t *testing.T) {
	styled := func(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
		return NewCmdUserStyled(f, runF, printer.Style{HydraTable: true, HydraPaths: true})
	}
	o, err := cmdtest.Options(styled, nil, "--client-id", "a", "-q", "--format", "bogus")
	if err != nil {
		t.Fatalf("-q --format bogus: %v, want -q to win", err)
	}
	if o.Format.Name != "" || !o.Quiet {
		t.Errorf("-q --format bogus: format %q, quiet %v; want -q alone", o.Format.Name, o.Quiet)
	}
	_, err = cmdtest.Options(NewCmdUser, nil, "--client-id", "a", "-q", "--format", "bogus")
	cmdtest.WantUsageError(t, err, `unknown format "bogus"`)
}
