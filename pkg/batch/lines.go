package batch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// MaxLineLength bounds one line of Lines. A token is far shorter; a longer
// line is a wrong input, such as a binary file.
const MaxLineLength = 1 << 20

// Lines yields the lines of r with surrounding white space (and a CRLF's
// carriage return) trimmed, skipping blank ones. It reads as it yields, so
// memory stays flat however long r is. A line longer than MaxLineLength,
// or a read error, is yielded as an error, and ends the sequence.
func Lines(r io.Reader) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), MaxLineLength)
		n := 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			if !yield(line, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("line %d is longer than %d KiB, more than any token", n+1, MaxLineLength>>10)
			}
			yield("", err)
		}
	}
}

// Peek reads up to n items of seq and returns them with a sequence that
// yields the same items again followed by the rest of seq, and whether seq
// has more than n. It lets a caller choose its output by the number of
// items without reading them all. An error met while peeking is returned
// and the sequence is nil.
func Peek[T any](seq iter.Seq2[T, error], n int) (head []T, all iter.Seq2[T, error], more bool, err error) {
	next, stop := iter.Pull2(seq)
	for len(head) < n {
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
	v, e, ok := next()
	if !ok {
		stop()
		return head, Values(head), false, nil
	}
	if e != nil {
		stop()
		return head, nil, false, e
	}
	first := v
	all = func(yield func(T, error) bool) {
		defer stop()
		for _, h := range head {
			if !yield(h, nil) {
				return
			}
		}
		if !yield(first, nil) {
			return
		}
		for {
			v, e, ok := next()
			if !ok || !yield(v, e) || e != nil {
				return
			}
		}
	}
	return head, all, true, nil
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
