package printer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// A value shown once reaches stderr whenever stdout does not carry it: a
// selector that misses, one that selects something else, or a stdout that
// cannot be written. Output that carries it adds nothing on stderr.
func TestShowOnce(t *testing.T) {
	raw := []byte(`{"access_token":"at","refresh_token":"rt-9"}`)
	for _, tc := range []struct {
		format  string
		out     io.Writer
		wantOut string
		wantErr bool
		shown   bool
	}{
		{"json", nil, string(raw) + "\n", false, false},
		{"jsonpath=refresh_token", nil, "rt-9\n", false, false},
		{"jsonpath=access_token", nil, "at\n", false, true},
		{"jsonpath=acces_token", nil, "", true, true},
		{"jsonpointer=/nope", nil, "", true, true},
		{"json", failingWriter{}, "", true, true},
	} {
		t.Run(tc.format, func(t *testing.T) {
			format, err := ParseFormat(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			w := tc.out
			if w == nil {
				w = &out
			}
			err = ShowOnce(w, &errOut, func(w io.Writer) error {
				return Printer{Format: format}.Print(w, raw, nil)
			}, Keep{What: "a refresh token", Values: []string{"rt-9", ""}, Output: "--format " + tc.format, Show: ShowJSON(raw)})
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v, want an error: %v", err, tc.wantErr)
			}
			if out.String() != tc.wantOut {
				t.Errorf("stdout = %q, want %q", out.String(), tc.wantOut)
			}
			shown := strings.Contains(errOut.String(), `"refresh_token": "rt-9"`) && strings.HasPrefix(errOut.String(), "warning: ")
			if shown != tc.shown {
				t.Errorf("shown on stderr: %v, want %v:\n%s", shown, tc.shown, errOut.String())
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// Check passes the values missing from the output to Show, so that it can
// show them with what identifies them.
func TestKeepCheckNamesWhatIsMissing(t *testing.T) {
	var got []string
	k := Keep{What: "the generated secrets", Values: []string{"s1", "s2"}, Output: "-q", Show: func(w io.Writer, missing []string) error {
		got = missing
		return nil
	}}
	var errOut bytes.Buffer
	k.Check(&errOut, []byte("id1\ns1\n"), nil)
	if strings.Join(got, ",") != "s2" || !strings.Contains(errOut.String(), "-q did not print it") {
		t.Errorf("missing %v, stderr %q", got, errOut.String())
	}
	got = nil
	errOut.Reset()
	k.Check(&errOut, []byte("s1 s2"), nil)
	if got != nil || errOut.Len() != 0 {
		t.Errorf("nothing is missing, yet %v %q", got, errOut.String())
	}
}
