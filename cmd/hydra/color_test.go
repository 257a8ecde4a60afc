package main

import (
	"testing"

	"github.com/fatih/color"

	"github.com/hydratoken/hydra/pkg/iostreams"
)

// fatih/color's switch follows the one decision of the streams: NO_COLOR
// wins, CLICOLOR_FORCE turns colour on where stdout is no terminal (as in a
// test), and CLICOLOR=0 turns it off.
func TestSwitchColorFollowsTheEnvironment(t *testing.T) {
	saved := color.NoColor
	t.Cleanup(func() { color.NoColor = saved })
	for _, tc := range []struct {
		env       map[string]string
		wantColor bool
	}{
		{map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{map[string]string{"CLICOLOR": "0"}, false},
		{map[string]string{}, false}, // stdout is no terminal here
	} {
		for _, k := range []string{"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"} {
			t.Setenv(k, tc.env[k])
		}
		ios := iostreams.System()
		switchColor(ios)
		if ios.ColorEnabled() != tc.wantColor || color.NoColor == tc.wantColor {
			t.Errorf("%v: ColorEnabled %v, color.NoColor %v; want colour %v", tc.env, ios.ColorEnabled(), color.NoColor, tc.wantColor)
		}
	}
}
