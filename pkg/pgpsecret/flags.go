package pgpsecret

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
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
// settings (TLS verification, --ca-cert, -H headers are not sent, nor the
// admin API's bearer token). It returns nil when no flag was given. Call it
// before any client is sent: a key that cannot be read or cannot encrypt
// then creates nothing.
func (fl *Flags) Load(ctx context.Context, f *cmdutil.Factory, conn cmdutil.Connection) (*Recipient, error) {
	switch {
	case fl.Key != "":
		// A key given on the command line that cannot be used is a
		// usage error (exit 2).
		r, err := ParseBase64Key(fl.Key, "--"+FlagKey)
		return r, cmdutil.FlagErrorWrap(err)
	case fl.KeyURL != "":
		u, err := cmdutil.ParseHTTPURL("--"+FlagKeyURL, fl.KeyURL, "https://example.com/key.asc")
		if err != nil {
			return nil, err
		}
		return fetchKey(ctx, f, conn, u, "--"+FlagKeyURL, "the OpenPGP key at --"+FlagKeyURL)
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
		return fetchKey(ctx, f, conn, u, "--"+FlagKeybase, fmt.Sprintf("Keybase's OpenPGP key of %s", fl.Keybase))
	}
	return nil, nil
}

// keybaseUser reports whether s may be a Keybase user name, so that the
// name cannot change the URL's path.
func keybaseUser(s string) bool {
	// Compiled here, not at package level: only --keybase pays for it.
	return regexp.MustCompile(`^[A-Za-z0-9_]{1,16}$`).MatchString(s)
}

// fetchKey fetches and parses the key at u.
func fetchKey(ctx context.Context, f *cmdutil.Factory, conn cmdutil.Connection, u *url.URL, source, name string) (*Recipient, error) {
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
	r, err := ParseKey(resp.Body, "GET "+api.StripQuery(u))
	if err != nil {
		return nil, fmt.Errorf("%w; check the URL (%s), or give the key with --%s", err, source, FlagKey)
	}
	return r, nil
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
	sealed, err := encrypt(secret)
	if err != nil {
		return "", fmt.Errorf("%w; the client was not changed", err)
	}
	return sealed, nil
}
