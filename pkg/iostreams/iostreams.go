// Package iostreams holds the standard streams of one command invocation and
// the decisions that depend on them: whether each stream is a terminal, and
// whether colour is wanted.
//
// Every command writes through an IOStreams value, never to os.Stdout or
// os.Stderr directly, so that tests can capture output and choose whether it
// looks like a terminal.
package iostreams

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// IOStreams is the set of streams a command reads from and writes to.
//
// Out carries results only. Everything meant for a person rather than a
// program (warnings, hints, URLs, progress, traces) goes to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	color     bool

	// readPassword reads a line from the terminal on stdin without
	// echoing it. Tests replace it with SetReadPassword.
	readPassword func() ([]byte, error)
	// termState is the terminal's state while ReadPassword has echo off,
	// so that RestoreTerminal can put it back.
	termState *atomic.Pointer[term.State]
}

// RestoreTerminal turns echo back on if ReadPassword turned it off: main
// calls it before it exits on Ctrl-C, which may come while a secret is
// being typed.
func (s *IOStreams) RestoreTerminal() {
	if s.termState == nil {
		return
	}
	if st := s.termState.Load(); st != nil {
		_ = term.Restore(int(os.Stdin.Fd()), st)
	}
}

// System returns the process's own streams, with terminal and colour
// detection done once.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.termState = &atomic.Pointer[term.State]{}
	s.readPassword = func() ([]byte, error) {
		fd := int(os.Stdin.Fd())
		if st, err := term.GetState(fd); err == nil {
			s.termState.Store(st)
			defer s.termState.Store(nil)
		}
		return term.ReadPassword(fd)
	}
	// The one decision on colour: main hands it to fatih/color's switch
	// (color.NoColor), which owns colour; nothing else writes escape codes.
	s.color = colorWanted(os.Getenv, s.stdoutTTY)
	return s
}

// Test returns streams backed by buffers: stdin, stdout and stderr, in that
// order. None of them is a terminal until the test says so.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal. Progress bars are
// drawn only then.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColorEnabled reports whether output may carry ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// ReadPassword writes prompt on ErrOut, reads one line from the terminal on
// stdin without echoing it, and ends the prompt's line, which the user's
// Enter did not. Call it only when stdin is a terminal.
func (s *IOStreams) ReadPassword(prompt string) (string, error) {
	fmt.Fprint(s.ErrOut, prompt)
	read := s.readPassword
	if read == nil {
		return "", errors.New("stdin is not a terminal to read a secret from")
	}
	b, err := read()
	fmt.Fprintln(s.ErrOut)
	return string(b), err
}

// OnFirstInput makes f run once, before the first read of In or the first
// ReadPassword, whichever comes first. main sets up its Ctrl-C handling
// there, among other places, so that a command that reads nothing does not
// pay for it (see cmd/hydra).
func (s *IOStreams) OnFirstInput(f func()) {
	var once sync.Once
	first := func() { once.Do(f) }
	s.In = &firstRead{r: s.In, first: first}
	if read := s.readPassword; read != nil {
		s.readPassword = func() ([]byte, error) {
			first()
			return read()
		}
	}
}

// firstRead calls first before each read of r; first runs once.
type firstRead struct {
	r     io.Reader
	first func()
}

func (f *firstRead) Read(p []byte) (int, error) {
	f.first()
	return f.r.Read(p)
}

// SetReadPassword replaces how ReadPassword reads from the terminal, for
// tests, which have none.
func (s *IOStreams) SetReadPassword(read func() ([]byte, error)) { s.readPassword = read }

// SetStdinTTY, SetStdoutTTY, SetStderrTTY and SetColorEnabled let tests
// pretend that a stream is a terminal.
func (s *IOStreams) SetStdinTTY(v bool)     { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool)    { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool)    { s.stderrTTY = v }
func (s *IOStreams) SetColorEnabled(v bool) { s.color = v }

func isTerminal(f *os.File) bool {
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// colorWanted follows the NO_COLOR (no-color.org) and CLICOLOR
// (bixense.com/clicolors) conventions: colour only on a terminal, never with
// NO_COLOR or CLICOLOR=0, and always with CLICOLOR_FORCE set to anything but 0.
func colorWanted(getenv func(string) string, tty bool) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if f := getenv("CLICOLOR_FORCE"); f != "" && f != "0" {
		return true
	}
	if getenv("CLICOLOR") == "0" {
		return false
	}
	return tty && getenv("TERM") != "dumb"
}
