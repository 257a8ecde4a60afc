package decode

import (
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestWarnForeignIssuer(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		iss  string
		warn bool
	}{
		{map[string]string{"HYDRA_URL": "http://127.0.0.1:4444"}, "http://127.0.0.1:4444/", false},
		{map[string]string{"HYDRA_URL": "http://127.0.0.1:4444"}, "https://attacker.example", true},
		{map[string]string{"ORY_SDK_URL": "https://hydra.example"}, "https://other.example", true},
		{nil, "https://any.example", false},
	} {
		f, _, _, errOut := cmdtest.Factory(tt.env)
		warnForeignIssuer(&Options{IO: f.IOStreams, Factory: f}, tt.iss)
		if got := strings.Contains(errOut.String(), "warning: the token's issuer"); got != tt.warn {
			t.Errorf("env %v, iss %s: warned %v, want %v: %q", tt.env, tt.iss, got, tt.warn, errOut.String())
		}
	}
}
