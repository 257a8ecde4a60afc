package batch

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"strings"
)

// MaxLineLength bounds one line of Lines. A token is far shorter; a longer
// line is a wrong input, such as a binary file.
const MaxLineLength = 1 << 20

// LineError is a line that Lines could not yield as an item: one longer
// than MaxLineLength. Lines yields it in that line's place and goes on.
type LineError struct {
	// Line is the line's number, from 1.
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Lines yields the lines of r with surrounding white space (and a CRLF's
// carriage return) trimmed, skipping blank ones. It reads as it yields, so
// memory stays flat however long r is. A line longer than MaxLineLength is
// yielded as a *LineError, without its content, and the lines after it
// follow: one bad line does not cost the rest. A read error is yielded as
// an error and ends the sequence.
func Lines(r io.Reader) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		var buf []byte
		n := 0
		for {
			line, tooLong, err := readLine(br, buf[:0])
			buf = line
			if len(line) == 0 && !tooLong && err != nil {
				if err != io.EOF {
					yield("", err)
				}
				return
			}
			n++
			if tooLong {
				if !yield("", &LineError{Line: n, Err: fmt.Errorf("longer than %d KiB, more than any token; skipped", MaxLineLength>>10)}) {
					return
				}
			} else if s := strings.TrimSpace(string(line)); s != "" {
				if !yield(s, nil) {
					return
				}
			}
			if err != nil {
				if err != io.EOF {
					yield("", err)
				}
				return
			}
		}
	}
}

// readLine reads one line of br into buf, without its line break. A line
// longer than MaxLineLength is read to its end but not kept: tooLong is
// set. err is io.EOF at the end of the input, with the last line, if any.
func readLine(br *bufio.Reader, buf []byte) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			buf = append(buf, chunk...)
			// A CRLF's two bytes are not part of the line.
			if len(bytes.TrimRight(buf, "\r\n")) > MaxLineLength {
				tooLong, buf = true, buf[:0]
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			buf = buf[:0]
		}
		return buf, tooLong, err
	}
}

// Peek reads up to n items of seq and returns them with a sequence that
// yields the same items again followed by the rest of seq, and whether seq
// has more than n. It lets a caller choose its output by the number of
// items without reading them all. An error met while peeking is returned
// and the sequence is nil.
func Peek[T any](seq iter.Seq2[T, error], n int) (head []T, all iter.Seq2[T, error], more bool, err error) {
	next, stop := iter.Pull2(seq)
	// Read one beyond n, to know whether there are more.
	for len(head) <= n {
		v, e, ok := next()
		if !ok {
			stop()
			return head, Values(head), false, nil
		}
		if e != nil {
			stop()
			return head, nil, false, e
		}
		head = append(head, v)
	}
	read := head
	all = func(yield func(T, error) bool) {
		defer stop()
		for _, h := range read {
			if !yield(h, nil) {
				return
			}
		}
		for {
			v, e, ok := next()
			if !ok || !yield(v, e) || e != nil {
				return
			}
		}
	}
	return head[:n:n], all, true, nil
}

// Values yields the elements of s, never with an error.
func Values[T any](s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Infallible turns a sequence that cannot fail into the form that Runner
// and Peek read: each item with a nil error.
func Infallible[T any](s iter.Seq[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}
