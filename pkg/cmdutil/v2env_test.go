package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
)

// Under Hydra v2's spellings, ORY_SDK_URL and the v1 variable read first
// must agree when both are set: a disagreement is a usage error naming both,
// never a silent choice. Under other spellings v1's order stands.
func TestV2SpellingEndpointEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind api.Kind
		v2   bool
		flag string
		env  map[string]string
		want string // the URL, or "" for the usage error
	}{
		{"v2 public: disagree", api.Public, true, "", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, ""},
		{"v2 admin: HYDRA_ADMIN_URL disagrees", api.Admin, true, "", map[string]string{"HYDRA_ADMIN_URL": "http://admin", "HYDRA_URL": "http://sdk", "ORY_SDK_URL": "http://sdk"}, ""},
		{"v2 admin: HYDRA_URL disagrees", api.Admin, true, "", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, ""},
		{"v2 admin: HYDRA_ADMIN_URL agrees, HYDRA_URL is the public API", api.Admin, true, "", map[string]string{"HYDRA_ADMIN_URL": "http://h:4445", "HYDRA_URL": "http://h:4444", "ORY_SDK_URL": "http://h:4445/"}, "http://h:4445"},
		{"v2: agree but for case and slash", api.Public, true, "", map[string]string{"HYDRA_URL": "HTTP://H:4444/", "ORY_SDK_URL": "http://h:4444"}, "http://H:4444/"},
		{"v2: ORY_SDK_URL alone", api.Public, true, "", map[string]string{"ORY_SDK_URL": "http://sdk"}, "http://sdk"},
		{"v2: HYDRA_URL alone", api.Public, true, "", map[string]string{"HYDRA_URL": "http://url"}, "http://url"},
		{"v2: --endpoint settles it", api.Public, true, "http://flag", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, "http://flag"},
		{"v2 public: HYDRA_ADMIN_URL is not read", api.Public, true, "", map[string]string{"HYDRA_ADMIN_URL": "http://admin", "ORY_SDK_URL": "http://sdk"}, "http://sdk"},
		{"v1 spelling: HYDRA_URL first, as before", api.Public, false, "", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, "http://url"},
		{"v1 spelling admin: HYDRA_URL first", api.Admin, false, "", map[string]string{"HYDRA_URL": "http://url", "ORY_SDK_URL": "http://sdk"}, "http://url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := &cobra.Command{Use: "x"}
			var c Connection
			AddConnectionFlags(cmd, &c, tc.kind)
			if tc.v2 {
				MarkV2Spelling(cmd)
			}
			c.Endpoint = tc.flag
			u, err := c.ResolveEndpoint(func(k string) string { return tc.env[k] })
			if tc.want == "" {
				var fe *FlagError
				if !errors.As(err, &fe) {
					t.Fatalf("got %v, %v; want a usage error", u, err)
				}
				for _, s := range []string{"ORY_SDK_URL (http://sdk)", "--endpoint", "disagree"} {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.String() != tc.want {
				t.Errorf("got %s, want %s", u, tc.want)
			}
		})
	}
}

// The message shows the URLs without their passwords.
func TestV2EnvErrorRedacts(t *testing.T) {
	err := CheckV2Env(api.Public, func(k string) string {
		return map[string]string{"HYDRA_URL": "http://u:hunter2@a", "ORY_SDK_URL": "http://b"}[k]
	})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v", err)
	}
}
