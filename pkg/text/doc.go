package text

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// Doc removes the common indentation of a raw string literal written
// indented in code, as help texts are. A leading newline is dropped; the
// least indentation of the lines that are not blank is removed from every
// line; a blank last line less indented than that becomes empty. When the
// literal does not start with a newline, its first line is kept as it is.
//
// These are github.com/MakeNowJust/heredoc's rules, without its rune slice
// per line: every command builds its help at start-up, and that garbage
// was most of the cost of building it (see docs/performance.md).
func Doc(raw string) string {
	skipFirst := true
	if strings.HasPrefix(raw, "\n") {
		raw, skipFirst = raw[1:], false
	}
	lines := strings.Split(raw, "\n")
	least := math.MaxInt
	for i, line := range lines {
		if i == 0 && skipFirst {
			continue
		}
		n := 0 // leading white space, in runes
		for _, r := range line {
			if !unicode.IsSpace(r) {
				break
			}
			n++
		}
		switch {
		case n != len(line):
			least = min(least, n)
		case i == len(lines)-1 && n < least:
			lines[i] = ""
		}
	}
	for i, line := range lines {
		if i == 0 && skipFirst {
			continue
		}
		// As in heredoc, an indentation counted in runes is cut in bytes:
		// they agree for the ASCII indentation of code.
		if len(line) >= least {
			lines[i] = line[least:]
		}
	}
	return strings.Join(lines, "\n")
}

// Docf is Doc, then fmt.Sprintf.
func Docf(raw string, args ...any) string {
	return fmt.Sprintf(Doc(raw), args...)
}
