package hydratest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// CompleteVerificationURL returns the complete verification URL of the
// device authorization grant (RFC 8628 §3.3.1, the one that holds the
// user_code) that line shows, as a device-flow CLI prints it on stderr:
// this tool indents it, Hydra v26's CLI prints it after a tab and a space.
func CompleteVerificationURL(line string) (string, bool) {
	s := strings.TrimSpace(line)
	if strings.HasPrefix(s, "http") && strings.Contains(s, "user_code=") && !strings.ContainsAny(s, " \t") {
		return s, true
	}
	return "", false
}

// DevicePerson plays the person of a device flow, for a CLI whose stderr
// it is given (it is an io.Writer): at the first line that shows the
// complete verification URL, it opens that URL in its own browser (see
// Browse), and Hydra sends it to urls.device.verification, where the
// server's LoginConsentApp accepts the device request with the user code,
// then through login and consent to urls.device.success. The CLI, which
// polls meanwhile, then gets its tokens.
//
// Make one per run of a CLI, with Server.DevicePerson; Wait returns how
// the sign-in went once the CLI has exited.
type DevicePerson struct {
	server *Server

	mu      sync.Mutex
	partial bytes.Buffer
	started bool
	done    chan error
}

// DevicePerson returns a person who will sign in on s through the
// verification app, when the CLI shows the complete verification URL.
func (s *Server) DevicePerson() *DevicePerson {
	return &DevicePerson{server: s, done: make(chan error, 1)}
}

// Write takes what the CLI prints on stderr.
func (p *DevicePerson) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return len(b), nil
	}
	p.partial.Write(b)
	for {
		line, err := p.partial.ReadString('\n')
		if err != nil {
			// An unfinished line: keep it for the next Write.
			rest := line
			p.partial.Reset()
			p.partial.WriteString(rest)
			return len(b), nil
		}
		if u, ok := CompleteVerificationURL(line); ok {
			p.started = true
			p.partial.Reset()
			go func() { p.done <- p.server.signInDevice(u) }()
			return len(b), nil
		}
	}
}

// Wait returns how the sign-in went, after the CLI has exited: an error
// when the CLI showed no complete verification URL, or when the person
// did not reach urls.device.success.
func (p *DevicePerson) Wait() error {
	p.mu.Lock()
	started := p.started
	p.mu.Unlock()
	if !started {
		return errors.New("the CLI showed no complete verification URL (one with user_code) on stderr")
	}
	return <-p.done
}

// signInDevice opens complete in a browser of its own and follows Hydra,
// the verification app, login and consent to urls.device.success.
func (s *Server) signInDevice(complete string) error {
	final, err := Browse(complete, "")
	if err != nil {
		return fmt.Errorf("the person's browser, from %s: %w", complete, err)
	}
	if !strings.HasSuffix(final.Path, "/device/success") {
		return fmt.Errorf("the person's browser ended at %s, not at urls.device.success", final)
	}
	return nil
}
