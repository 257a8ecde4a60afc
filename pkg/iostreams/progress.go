package iostreams

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rivo/uniseg"
)

// Progress is a one-line progress report for a terminal's stderr: a
// description, a bar when the total is known, the count and the rate,
// redrawn in place at most every Throttle. It is used from one goroutine.
//
// It is a few lines rather than a progress-bar library, since every command
// pays for the packages linked in at start-up, and a library's package
// initialisation (colour-template regexps) cost more than the whole of
// this. It redraws with a carriage return and spaces over what it drew
// before, not with escape codes: colour and any other escape code belong
// to fatih/color, whose switch main sets (see System).
type Progress struct {
	w           io.Writer
	description string
	unit        string
	total       int // -1 when unknown
	throttle    time.Duration
	now         func() time.Time

	n       int
	start   time.Time
	drawn   time.Time
	showing bool
	// width is the display width of the line drawn, which the next
	// drawing or Clear covers with spaces.
	width int
}

// progressWidth is the width of the bar, in cells.
const progressWidth = 20

// NewProgress returns a Progress that writes to w, which must be a
// terminal. total is -1 when it is not known.
func NewProgress(w io.Writer, description, unit string, total int) *Progress {
	return &Progress{w: w, description: description, unit: unit, total: total, throttle: 100 * time.Millisecond, now: time.Now}
}

// Add counts n more done, and redraws the line if the last drawing is
// older than the throttle.
func (p *Progress) Add(n int) {
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	p.n += n
	if p.showing && now.Sub(p.drawn) < p.throttle && p.n != p.total {
		return
	}
	p.draw(now)
}

// Clear erases the line, so that a message can be printed on it; the next
// Add draws it again.
func (p *Progress) Clear() {
	if p.showing {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
		p.showing, p.width = false, 0
	}
}

// Finish erases the line for good.
func (p *Progress) Finish() { p.Clear() }

func (p *Progress) draw(now time.Time) {
	var b strings.Builder
	b.WriteString(p.description)
	if p.total > 0 {
		filled := min(progressWidth, p.n*progressWidth/p.total)
		fmt.Fprintf(&b, " %3d%% [%s%s] %d/%d", p.n*100/p.total, strings.Repeat("=", filled), strings.Repeat(" ", progressWidth-filled), p.n, p.total)
	} else {
		fmt.Fprintf(&b, " %d", p.n)
	}
	if elapsed := now.Sub(p.start); elapsed > 0 {
		fmt.Fprintf(&b, " (%.0f %s/s)", float64(p.n)/elapsed.Seconds(), p.unit)
	} else {
		fmt.Fprintf(&b, " %s", p.unit)
	}
	line := b.String()
	width := uniseg.StringWidth(line)
	pad := ""
	if width < p.width {
		// A shorter line leaves the end of the longer one: cover it.
		pad = strings.Repeat(" ", p.width-width)
	}
	fmt.Fprint(p.w, "\r"+line+pad)
	p.drawn, p.showing, p.width = now, true, max(width, p.width)
}
