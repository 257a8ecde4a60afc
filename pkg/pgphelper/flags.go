package pgphelper

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/pgpwire"
)

// Flag names, as Hydra's CLI spells them.
const (
	FlagKey     = "pgp-key"
	FlagKeyURL  = "pgp-key-url"
	FlagKeybase = "keybase"
)

// keybaseURL is where --keybase's keys come from, as in Hydra's CLI:
// https://keybase.io/USER/pgp_keys.asc.
const keybaseURL = "https://keybase.io"

// Flags are --pgp-key, --pgp-key-url and --keybase: the OpenPGP key that a
// client's secret is encrypted to before it is printed.
type Flags struct {
	// Key is --pgp-key: base64 of a public key.
	Key string
	// KeyURL is --pgp-key-url: where to fetch a public key.
	KeyURL string
	// Keybase is --keybase: a Keybase user whose public key is fetched
	// from keybase.io.
	Keybase string

	// KeybaseURL replaces https://keybase.io for --keybase. No flag sets
	// it: tests point it at a loopback server.
	KeybaseURL string
	// Helper answers the requests; nil runs hydra-pgp, found by Find. No
	// flag sets it: tests answer in-process (InProcess) or run a fake.
	Helper Runner
}

// AddFlags adds --pgp-key, --pgp-key-url and --keybase to cmd. At most one
// of them may be given: Hydra's CLI takes the first of them and ignores the
// others without a word.
func AddFlags(cmd *cobra.Command, fl *Flags) {
	f := cmd.Flags()
	f.StringVar(&fl.Key, FlagKey, "", "Print the client secret encrypted to this OpenPGP public `key`, given in base64 (base64 -w0 key.asc), as base64 of a PGP message")
	f.StringVar(&fl.KeyURL, FlagKeyURL, "", "Encrypt the client secret to the OpenPGP public key at this `URL`, as --pgp-key does")
	f.StringVar(&fl.Keybase, FlagKeybase, "", "Encrypt the client secret to the OpenPGP public key of this Keybase `user` (https://keybase.io/USER/pgp_keys.asc), as --pgp-key does")
	cmd.MarkFlagsMutuallyExclusive(FlagKey, FlagKeyURL, FlagKeybase)
}

// Given reports whether one of the flags was given.
func (fl *Flags) Given() bool {
	return fl.Key != "" || fl.KeyURL != "" || fl.Keybase != ""
}

// Load reads the key that the flags name: --pgp-key's value, or the key
// fetched from --pgp-key-url or Keybase through the command's connection
// settings (TLS verification, --ca-cert, the proxy; -H headers are not
// sent, nor the admin API's bearer token). Then it asks hydra-pgp whether
// the key can encrypt. It returns nil when no flag was given. Call it
// before any client is sent: a missing helper, or a key that cannot be
// read or cannot encrypt, then creates nothing.
func (fl *Flags) Load(ctx context.Context, f *cmdutil.Factory, conn cmdutil.Connection) (*Recipient, error) {
	if !fl.Given() {
		return nil, nil
	}
	run := fl.Helper
	if run == nil {
		// Before the key is fetched: without the helper, nothing is.
		flag := "--" + FlagKey
		switch {
		case fl.KeyURL != "":
			flag = "--" + FlagKeyURL
		case fl.Keybase != "":
			flag = "--" + FlagKeybase
		}
		path, err := Find(flag)
		if err != nil {
			return nil, err
		}
		run = Exec(path)
	}
	r := &Recipient{run: run, timeout: conn.Timeout}
	switch {
	case fl.Key != "":
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(fl.Key))
		if err != nil {
			return nil, cmdutil.FlagErrorf("--%s is not base64: give the public key base64-encoded, as in --%s \"$(base64 -w0 key.asc)\"", FlagKey, FlagKey)
		}
		if len(data) > pgpwire.MaxAnswer {
			return nil, cmdutil.FlagErrorf("--%s is over %d bytes, which no public key is", FlagKey, pgpwire.MaxAnswer)
		}
		r.key, r.source = data, "--"+FlagKey
	case fl.KeyURL != "":
		u, err := cmdutil.ParseHTTPURL("--"+FlagKeyURL, fl.KeyURL, "https://example.com/key.asc")
		if err != nil {
			return nil, err
		}
		if r.key, err = fetchKey(ctx, f, conn, u, "--"+FlagKeyURL, "the OpenPGP key at --"+FlagKeyURL); err != nil {
			return nil, err
		}
		r.source, r.fetched = "GET "+api.StripQuery(u), "--"+FlagKeyURL
	case fl.Keybase != "":
		if !keybaseUser(fl.Keybase) {
			return nil, cmdutil.FlagErrorf("--%s %q is not a Keybase user name: letters, digits and _, at most 16", FlagKeybase, fl.Keybase)
		}
		base := fl.KeybaseURL
		if base == "" {
			base = keybaseURL
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, err
		}
		u = u.JoinPath(fl.Keybase, "pgp_keys.asc")
		if r.key, err = fetchKey(ctx, f, conn, u, "--"+FlagKeybase, fmt.Sprintf("Keybase's OpenPGP key of %s", fl.Keybase)); err != nil {
			return nil, err
		}
		r.source, r.fetched = "GET "+api.StripQuery(u), "--"+FlagKeybase
	}
	a, err := r.call(ctx, pgpwire.Request{Op: pgpwire.OpCheck})
	if err != nil {
		return nil, err
	}
	r.keyID = a.KeyID
	return r, nil
}

// keybaseUser reports whether s may be a Keybase user name, so that the
// name cannot change the URL's path.
func keybaseUser(s string) bool {
	// Compiled here, not at package level: only --keybase pays for it.
	return regexp.MustCompile(`^[A-Za-z0-9_]{1,16}$`).MatchString(s)
}

// fetchKey fetches the key at u: its bytes, which hydra-pgp reads.
func fetchKey(ctx context.Context, f *cmdutil.Factory, conn cmdutil.Connection, u *url.URL, source, name string) ([]byte, error) {
	client, err := conn.External(f, u, cmdutil.ExternalServer{Name: name, Source: source,
		PlainHTTPRisk: "the key could be replaced in transit, and the client secret encrypted to someone else"})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(api.WithRetry(ctx), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/pgp-keys, text/plain, */*")
	resp, err := client.Send(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the OpenPGP key for the client secret: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the OpenPGP key for the client secret: GET %s: %s, where a key was expected; nothing was created", api.StripQuery(u), http.StatusText(resp.StatusCode))
	}
	if len(resp.Body) > pgpwire.MaxAnswer {
		return nil, fmt.Errorf("fetching the OpenPGP key for the client secret: GET %s: the answer is over %d bytes, which no public key is; check the URL (%s), or give the key with --%s", api.StripQuery(u), pgpwire.MaxAnswer, source, FlagKey)
	}
	return resp.Body, nil
}

// Seal encrypts secret, a new secret given to a command that changes a
// client, to the key the flags name, before it is sent. It returns "" when
// no flag was given, and, with a note on w, when there is no new secret to
// encrypt: Hydra's update prints no secret then either. v1 selects Hydra
// v1's encoding (Recipient.EncryptV1).
func (fl *Flags) Seal(ctx context.Context, f *cmdutil.Factory, conn cmdutil.Connection, w io.Writer, secret string, v1 bool) (string, error) {
	if !fl.Given() {
		return "", nil
	}
	if secret == "" {
		fmt.Fprintln(w, "note: no new secret (--secret, --secret-file) to encrypt: the client keeps its secret, which is not shown")
		return "", nil
	}
	r, err := fl.Load(ctx, f, conn)
	if err != nil {
		return "", err
	}
	encrypt := r.Encrypt
	if v1 {
		encrypt = r.EncryptV1
	}
	sealed, err := encrypt(ctx, secret)
	if err != nil {
		return "", fmt.Errorf("%w; the client was not changed", err)
	}
	return sealed, nil
}
