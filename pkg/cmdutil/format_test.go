package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/iostreams"
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

// Under Hydra v2's spellings, the IDs that a delete or a revocation prints
// with jsonpath and jsonpointer are Hydra v2's CLI's: the value
// JSON-encoded, and null with no error for a jsonpath that selects nothing
// (Hydra's gjson path on a JSON string selects nothing but @this), not the
// tool's own raw value or "selects nothing" error (issue 24, point 5).
func TestIDOutputV2PathsPrintAsHydra(t *testing.T) {
	for _, tt := range []struct {
		format string
		ids    []string
		want   string
	}{
		{format: "jsonpath=client_id", ids: []string{"a"}, want: "null\n"},
		{format: "jsonpath=$", ids: []string{"a"}, want: "null\n"},
		{format: "jsonpath=@this", ids: []string{"a"}, want: "\"a\"\n"},
		{format: "jsonpointer=", ids: []string{"a"}, want: "\"a\"\n"},
		{format: "jsonpath=0", ids: []string{"a", "b"}, want: "\"a\"\n"},
		{format: "jsonpointer=/1", ids: []string{"a", "b"}, want: "\"b\"\n"},
	} {
		cmd := &cobra.Command{Use: "delete"}
		var o IDOutput
		AddIDOutputFlags(cmd, &o, printer.V2IDs, "the IDs", "only the IDs")
		if err := cmd.Flags().Set("format", tt.format); err != nil {
			t.Fatal(err)
		}
		if err := o.Parse(); err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		ios, _, stdout, _ := iostreams.Test()
		l := o.List(ios)
		for _, id := range tt.ids {
			if err := l.Add(id); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Flush(); err != nil {
			t.Errorf("%s of %q: %v, want no error", tt.format, tt.ids, err)
		}
		if stdout.String() != tt.want {
			t.Errorf("%s of %q: stdout %q, want %q", tt.format, tt.ids, stdout, tt.want)
		}
	}
}

// Under Hydra v2's spellings, -q wins over --format, which is not read: a
// value that names no format is no usage error, as in Hydra v2's CLI, and
// the IDs print one a line.
func TestIDOutputV2QuietWinsOverAnyFormat(t *testing.T) {
	cmd := &cobra.Command{Use: "delete"}
	var o IDOutput
	AddIDOutputFlags(cmd, &o, printer.V2IDs, "the IDs", "only the IDs")
	if err := cmd.Flags().Set("format", "no-such-format"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Flags().Set("quiet", "true"); err != nil {
		t.Fatal(err)
	}
	if err := o.Parse(); err != nil {
		t.Fatalf("-q --format no-such-format: %v, want no error", err)
	}
	ios, _, stdout, _ := iostreams.Test()
	l := o.List(ios)
	if err := l.Add("a"); err != nil {
		t.Fatal(err)
	}
	if err := l.Flush(); err != nil || stdout.String() != "a\n" {
		t.Errorf("stdout %q, error %v; want \"a\\n\"", stdout, err)
	}
}
