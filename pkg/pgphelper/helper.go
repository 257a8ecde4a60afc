// Package pgphelper is hydra's side of --pgp-key, --pgp-key-url and
// --keybase: the flags, fetching the key with the command's connection
// settings, and running hydra-pgp (cmd/hydra-pgp), the helper that
// encrypts a client secret to the key. The OpenPGP library lives only in
// hydra-pgp (pkg/pgpsecret): in hydra it would take the binary over its
// size limit and run its package init on every command. The protocol is
// pkg/pgpwire.
package pgphelper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/pgpwire"
)

// DefaultTimeout bounds one answer of the helper when the command has no
// --timeout: encrypting a secret takes milliseconds.
const DefaultTimeout = 10 * time.Second

// Runner sends one request (JSON) to the helper and returns its answer
// (JSON).
type Runner func(ctx context.Context, request []byte) ([]byte, error)

// executable is the helper's file name on this system.
func executable() string {
	if runtime.GOOS == "windows" {
		return pgpwire.Name + ".exe"
	}
	return pgpwire.Name
}

// Find finds hydra-pgp: next to the running executable (symlinks
// resolved), then on PATH. flag is the flag that needs it, for the error
// that says how to get it.
func Find(flag string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	return find(flag, exe, exec.LookPath)
}

func find(flag, exe string, lookPath func(string) (string, error)) (string, error) {
	name := executable()
	if exe != "" {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	// exec.LookPath refuses a match in the current directory that PATH
	// names relatively (exec.ErrDot): a file planted there is not run.
	if p, err := lookPath(name); err == nil {
		return p, nil
	}
	where := "on PATH"
	if exe != "" {
		where = "next to " + exe + " nor on PATH"
	}
	return "", fmt.Errorf("%s needs %s, hydra's OpenPGP helper, which is not %s; nothing was sent. "+
		"It comes in the release archive beside hydra (keep both in the same directory), or install it with: go install github.com/hydratoken/hydra/cmd/%s@latest",
		flag, name, where, pgpwire.Name)
}

// Exec runs the helper at path for each request, with the request on its
// stdin, no arguments and an empty environment: the key and the secret
// never show in a process listing, nor does hydra's environment (where a
// client secret may be) reach it.
func Exec(path string) Runner {
	return func(ctx context.Context, request []byte) ([]byte, error) {
		cmd := exec.CommandContext(ctx, path)
		cmd.Env = []string{}
		cmd.Stdin = bytes.NewReader(request)
		stdout := &limited{max: pgpwire.MaxAnswer}
		stderr := &limited{max: 4096}
		cmd.Stdout, cmd.Stderr = stdout, stderr
		// A helper that leaves a child holding its output is not
		// waited for past this.
		cmd.WaitDelay = time.Second
		err := cmd.Run()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if stdout.over {
			return nil, fmt.Errorf("its answer is over %d bytes", pgpwire.MaxAnswer)
		}
		if err != nil {
			// An answer written before a failed exit is still read.
			if json.Valid(bytes.TrimSpace(stdout.buf.Bytes())) && stdout.buf.Len() > 0 {
				return stdout.buf.Bytes(), nil
			}
			msg := strings.TrimSpace(stderr.buf.String())
			if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
				msg = msg[i+1:]
			}
			if msg != "" {
				return nil, fmt.Errorf("%v: %s", err, msg)
			}
			return nil, err
		}
		return stdout.buf.Bytes(), nil
	}
}

// InProcess answers with serve (pgpsecret.Main, in tests) instead of a
// process.
func InProcess(serve func(args []string, in io.Reader, out, errOut io.Writer) int) Runner {
	return func(ctx context.Context, request []byte) ([]byte, error) {
		var out bytes.Buffer
		if code := serve(nil, bytes.NewReader(request), &out, io.Discard); code != 0 {
			return nil, fmt.Errorf("exit status %d", code)
		}
		return out.Bytes(), nil
	}
}

// limited is a buffer that keeps at most max bytes and notes when more
// came.
type limited struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); len(p) > room {
		l.over = true
		if room > 0 {
			l.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return l.buf.Write(p)
}

// Recipient is a key that hydra-pgp has checked: it can encrypt.
type Recipient struct {
	run     Runner
	key     []byte
	source  string
	fetched string // the flag that fetched the key, or ""
	keyID   string
	timeout time.Duration
}

// KeyID is the key's ID in hexadecimal, as gpg prints it.
func (r *Recipient) KeyID() string { return r.keyID }

// Encrypt encrypts secret to the key and returns what Hydra v2's CLI
// prints in place of the secret: base64 of an ASCII-armored OpenPGP
// message. Each call gives another ciphertext.
func (r *Recipient) Encrypt(ctx context.Context, secret string) (string, error) {
	return r.encrypt(ctx, secret, pgpwire.Armored)
}

// EncryptV1 is Encrypt in Hydra v1's encoding: base64 of the binary
// OpenPGP message. (Hydra v1.11.10's CLI prints the message before it is
// whole, so that it cannot be decrypted; this one is whole.)
func (r *Recipient) EncryptV1(ctx context.Context, secret string) (string, error) {
	return r.encrypt(ctx, secret, pgpwire.Binary)
}

func (r *Recipient) encrypt(ctx context.Context, secret, encoding string) (string, error) {
	a, err := r.call(ctx, pgpwire.Request{Op: pgpwire.OpEncrypt, Secret: secret, Encoding: encoding})
	if err != nil {
		return "", err
	}
	if a.Message == "" {
		return "", r.helperError("its answer holds no encrypted secret")
	}
	return a.Message, nil
}

// call sends req, with the key, and reads the answer, within the
// command's --timeout.
func (r *Recipient) call(ctx context.Context, req pgpwire.Request) (*pgpwire.Answer, error) {
	req.Version, req.Key, req.Source = pgpwire.Version, r.key, r.source
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	timeout := r.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := r.run(cctx, b)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("encrypting the client secret (%s): %w", pgpwire.Name, ctx.Err())
	case err != nil && errors.Is(err, context.DeadlineExceeded):
		return nil, r.helperError(fmt.Sprintf("it did not answer within %s, and was stopped", timeout))
	case err != nil:
		return nil, r.helperError(err.Error())
	}
	var a pgpwire.Answer
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, r.helperError("its answer is not the JSON it speaks")
	}
	if e := a.Error; e != nil {
		msg := strings.TrimSpace(e.Message)
		switch e.Kind {
		case pgpwire.KindKey:
			switch {
			case r.fetched != "":
				return nil, fmt.Errorf("%s; check the URL (%s), or give the key with --%s", msg, r.fetched, FlagKey)
			default:
				// A key given on the command line that cannot
				// be used is a usage error (exit 2).
				return nil, cmdutil.FlagErrorf("%s", msg)
			}
		case pgpwire.KindVersion:
			return nil, r.helperError(msg)
		}
		return nil, r.helperError(fmt.Sprintf("%s (%s)", msg, e.Kind))
	}
	if a.Version != pgpwire.Version {
		return nil, r.helperError(fmt.Sprintf("it answers in protocol version %d, not %d", a.Version, pgpwire.Version))
	}
	return &a, nil
}

// helperError is a failure of the helper itself: it names it and says
// what to do.
func (r *Recipient) helperError(what string) error {
	return fmt.Errorf("encrypting the client secret: %s, hydra's OpenPGP helper, failed: %s. "+
		"Install the %s of the same release as hydra (from its release archive, or go install github.com/hydratoken/hydra/cmd/%s@latest)",
		pgpwire.Name, what, pgpwire.Name, pgpwire.Name)
}
