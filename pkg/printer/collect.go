package printer

import (
	"bytes"
	"io"
	"strings"
)

// JSONArray joins the raw JSON of items into one array, keeping each value
// exactly as the server sent it, unknown fields included.
func JSONArray[T any](items []T, raw func(T) []byte) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw(it))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// Lines writes one value of each item a line, in one write: the output of
// -q/--quiet, such as IDs.
func Lines[T any](w io.Writer, items []T, value func(T) string) error {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(value(it))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
