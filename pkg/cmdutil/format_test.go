package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/printer"
)

func TestFormatFlagParseWithQuiet(t *testing.T) {
	tests := []struct {
		value   string
		quiet   bool
		style   printer.Style
		want    string
		wantErr string
	}{
		{value: "", quiet: true},
		{value: "json", want: "json"},
		{value: "yaml", quiet: true, wantErr: "-q/--quiet and --format cannot be used together"},
		{value: "no-such-format", quiet: true, wantErr: `unknown format "no-such-format"`},
		// Under Hydra's spellings, -q wins, as Hydra v2's CLI's does.
		{value: "yaml", quiet: true, style: printer.Style{HydraTable: true}},
		{value: "no-such-format", quiet: true, style: printer.Style{HydraPaths: true}},
		{value: "yaml", style: printer.Style{HydraTable: true}, want: "yaml"},
	}
	for _, tt := range tests {
		f := FormatFlag{Value: tt.value}
		got, err := f.ParseWithQuiet(tt.quiet, tt.style)
		if tt.wantErr == "" {
			if err != nil || got.Name != tt.want {
				t.Errorf("%q, quiet %v: got %q, error %v", tt.value, tt.quiet, got.Name, err)
			}
			continue
		}
		var fe *FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q, quiet %v: error %v, want a usage error holding %q", tt.value, tt.quiet, err, tt.wantErr)
		}
	}
}
